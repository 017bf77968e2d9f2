"""Parsers: located blocks → the document model.

    document.py   the pipeline: blocks → Document (the only entry point callers need)
    metadata.py   unit, year, kind, scope, title; regions.py derives province/city/county
    sections.py   the heading tree and the text under each heading
    catalog.py    the standard table kinds (one key per 中文 title)
    tables.py     joins split tables, finds titles, money units and headers
    line_items.py table rows → line items (codes, names, amounts in yuan, groups, subtotals)
    forms.py      项目支出绩效目标表 → performance forms with their indicator trees
    self_evaluations.py  项目单位自评汇总表 → self-evaluations
    metrics.py    key figures from tables and from the template sentences of 第三部分
    checks.py     consistency checks that become warnings
"""
