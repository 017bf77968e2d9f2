"""Why a file cannot be read. One exception type with a reason a person understands."""
from __future__ import annotations


class UnreadableDocument(Exception):
    """The file cannot be turned into a disclosure: corrupt, encrypted, scanned, empty,
    binary, mis-encoded or not a disclosure at all. `reason` is a short machine key,
    `str(exc)` the one-line message for people."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
