"""How figures and provenance read on a page: 1,870.92万元, 第3页 › 表 › 第4行, badges."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Flask

from analyzers.amounts import format_yuan_as_wan
from indexer.model import Location
from indexer.records import RECORD_TYPE_LABELS

KIND_LABELS = {"budget": "预算", "final_account": "决算"}
SCOPE_LABELS = {"unit": "单位", "department": "部门"}
FACET_LABELS = {"unit": "单位", "year": "年度", "kind": "类型", "province": "省", "city": "市",
                "county": "区县", "record_type": "记录类型", "table_kind": "报表种类"}


def wan(yuan: Any) -> str:
    """An amount in yuan as these documents print it: 1,870.92万元 (small sums in 元)."""
    if yuan is None or yuan == "":
        return "—"
    value = Decimal(str(yuan))
    if abs(value) < 10000:
        return f"{value:,.2f}元".replace(".00元", "元")
    return format_yuan_as_wan(value)


def yuan(value: Any) -> str:
    if value is None:
        return "—"
    return f"{Decimal(str(value)):,.2f}元"


def location_text(location: dict[str, Any] | None) -> str:
    """第3页 › 2023年项目支出预算表 › 表内第4行 (page for PDFs, line for text extractions)."""
    return Location.from_json(location).describe()


def table_kind_label(key: str | None) -> str:
    from indexer.parsers.catalog import KIND_BY_KEY

    return KIND_BY_KEY[key].title if key in KIND_BY_KEY else (key or "")


def facet_value_label(field: str, value: str) -> str:
    if field == "kind":
        return KIND_LABELS.get(value, value)
    if field == "record_type":
        return RECORD_TYPE_LABELS.get(value, value)
    if field == "table_kind":
        return table_kind_label(value)
    if field == "year":
        return f"{value}年"
    return value


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        wan=wan, yuan=yuan, location_text=location_text, table_kind_label=table_kind_label,
        kind_label=lambda v: KIND_LABELS.get(v, v or ""), scope_label=lambda v: SCOPE_LABELS.get(v, v or ""),
        record_label=lambda v: RECORD_TYPE_LABELS.get(v, v), facet_label=lambda v: FACET_LABELS.get(v, v),
        facet_value_label=facet_value_label,
    )
