"""Benchmarks for issue 6 (performance at scale): a deterministic corpus generator
(`bench.generate`) and the benchmark runners (`bench.run`), reached through
`disclosure bench generate|run`."""
