"""Charts drawn on the server as SVG, inlined in the page: no JavaScript, nothing loaded from
elsewhere, readable when printed in black and white.

    bar_chart(BarChart(...)) → Markup("<svg …>")

A horizontal grouped bar chart: one group per unit (its name above), inside it one row per
year (the year on the left), inside that one bar per series (预算, 决算) — so every figure is
one `<rect class="bar">`, wrapped in a link to where it was read when the figure has one.
Horizontal positions are percentages of the chart's width and vertical ones pixels, so the
chart fills its column on a desktop and on a phone while its text keeps its size (no
viewBox scaling). Colours are presentation attributes (fill=, stroke=), never style
attributes, so the page's Content-Security-Policy (style-src 'self') holds. The <svg> has
role="img" with a <title> and a <desc> that say in words what it shows; each bar has its
own <title>.
"""
from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from markupsafe import Markup

SVG_NS = "http://www.w3.org/2000/svg"
TEXT = "#0b0c0c"
MUTED = "#4b5257"
GRID = "#dcdfe2"
AXIS = "#6f777b"

# Layout: pixels vertically, percent of the width horizontally.
LEGEND_H = 26
GROUP_LABEL_H = 26
BAR_H = 18
BAR_GAP = 3
ROW_GAP = 9
GROUP_GAP = 16
AXIS_H = 44
LEFT = 16.0  # % where the bars start (year labels to the left)
RIGHT = 9.0  # % kept free on the right for value labels


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    fill: str
    text_on: str  # a value label drawn inside a bar of this fill


BUDGET = Series("budget", "预算", "#12294a", "#ffffff")
FINAL = Series("final", "决算", "#e0a035", "#0b0c0c")


@dataclass
class Bar:
    series: str  # Series.key
    value: float  # in the axis unit (万元, 个 …)
    text: str  # the label at the bar's end: 10.20
    title: str  # what a tooltip and a screen reader say: 晋城市财政局 2024年 预算 4.00万元
    url: str | None = None


@dataclass
class BarRow:
    label: str  # 2023年
    bars: list[Bar] = field(default_factory=list)


@dataclass
class BarGroup:
    label: str  # the unit
    rows: list[BarRow] = field(default_factory=list)


@dataclass
class BarChart:
    title: str
    description: str
    unit_label: str  # 万元, 个, 辆
    groups: list[BarGroup]
    series: tuple[Series, ...] = (BUDGET, FINAL)
    id_prefix: str = "chart"

    @property
    def bars(self) -> list[Bar]:
        return [bar for group in self.groups for row in group.rows for bar in row.bars]


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 × 10ⁿ apart) covering low..high, zero included."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks, value = [], start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        if value >= high:
            break
        value += step
    return ticks


def tick_text(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _pct(value: float) -> str:
    return f"{value:.3f}%"


def bar_chart(chart: BarChart) -> Markup:
    """The chart as an inline <svg> element (well-formed XML)."""
    values = [bar.value for bar in chart.bars]
    ticks = nice_ticks(min(values, default=0.0), max(values, default=1.0))
    low, high = ticks[0], ticks[-1]
    span = (high - low) or 1.0
    width = 100.0 - LEFT - RIGHT

    def x_of(value: float) -> float:
        return LEFT + (value - low) / span * width

    body_h = sum(GROUP_LABEL_H + sum(len(r.bars) * (BAR_H + BAR_GAP) - BAR_GAP + ROW_GAP for r in g.rows)
                 + GROUP_GAP for g in chart.groups)
    height = LEGEND_H + 8 + body_h + AXIS_H
    title_id, desc_id = f"{chart.id_prefix}-title", f"{chart.id_prefix}-desc"
    svg = ET.Element("svg", {
        "xmlns": SVG_NS, "class": "chart", "width": "100%", "height": str(height), "role": "img",
        "aria-labelledby": f"{title_id} {desc_id}", "font-size": "13", "fill": TEXT,
    })
    ET.SubElement(svg, "title", {"id": title_id}).text = chart.title
    ET.SubElement(svg, "desc", {"id": desc_id}).text = chart.description

    # Legend.
    legend = ET.SubElement(svg, "g", {"class": "chart-legend"})
    x = 0
    for series in chart.series:
        ET.SubElement(legend, "rect", {"x": str(x), "y": "4", "width": "14", "height": "14",
                                       "fill": series.fill, "stroke": TEXT, "stroke-width": "0.5"})
        ET.SubElement(legend, "text", {"x": str(x + 20), "y": "16"}).text = series.label
        x += 20 + 16 * len(series.label) + 22
    ET.SubElement(legend, "text", {"x": str(x + 6), "y": "16", "fill": MUTED}).text = f"单位：{chart.unit_label}"

    top = LEGEND_H + 8
    bottom = top + body_h
    # Grid lines and the zero line, under the bars: one stretch per group, so a unit's name
    # (drawn across the width above its bars) is never crossed by a line.
    grid = ET.SubElement(svg, "g", {"class": "chart-grid", "aria-hidden": "true"})
    fills = {s.key: s for s in chart.series}
    y = top
    for group in chart.groups:
        g = ET.SubElement(svg, "g", {"class": "chart-group"})
        ET.SubElement(g, "text", {"x": "0", "y": str(y + 17), "font-weight": "700", "font-size": "14"}).text = group.label
        y += GROUP_LABEL_H
        stretch_top = y - 4
        stretch_bottom = y + sum(len(r.bars) * (BAR_H + BAR_GAP) - BAR_GAP + ROW_GAP for r in group.rows) + GROUP_GAP
        if group is chart.groups[-1]:
            stretch_bottom = bottom
        for tick in ticks:
            ET.SubElement(grid, "line", {"x1": _pct(x_of(tick)), "x2": _pct(x_of(tick)), "y1": str(stretch_top),
                                         "y2": str(stretch_bottom), "stroke": AXIS if tick == 0 else GRID,
                                         "stroke-width": "1.5" if tick == 0 else "1"})
        for row in group.rows:
            row_h = len(row.bars) * (BAR_H + BAR_GAP) - BAR_GAP
            ET.SubElement(g, "text", {"x": _pct(LEFT), "dx": "-8", "y": str(y + row_h / 2 + 5),
                                      "text-anchor": "end", "fill": MUTED}).text = row.label
            for bar in row.bars:
                series = fills.get(bar.series, chart.series[0])
                parent = g
                if bar.url:
                    parent = ET.SubElement(g, "a", {"href": bar.url, "class": "chart-link"})
                start, end = sorted((x_of(0.0 if low <= 0 <= high else low), x_of(bar.value)))
                rect = ET.SubElement(parent, "rect", {
                    "class": f"bar bar--{series.key}", "x": _pct(start), "y": str(y),
                    "width": _pct(max(end - start, 0.15)), "height": str(BAR_H), "fill": series.fill,
                    "data-series": series.key, "data-value": f"{bar.value:g}",
                })
                ET.SubElement(rect, "title").text = bar.title
                inside = (end - LEFT) / width > 0.78 and bar.value >= 0
                label = {"y": str(y + BAR_H - 4.5), "font-size": "12"}
                if inside:
                    label.update({"x": _pct(end), "dx": "-5", "text-anchor": "end", "fill": series.text_on})
                elif bar.value < 0:
                    label.update({"x": _pct(start), "dx": "-5", "text-anchor": "end"})
                else:
                    label.update({"x": _pct(end), "dx": "5"})
                ET.SubElement(parent, "text", {**label, "aria-hidden": "true"}).text = bar.text
                y += BAR_H + BAR_GAP
            y += ROW_GAP - BAR_GAP
        y += GROUP_GAP

    # The value axis.
    axis = ET.SubElement(svg, "g", {"class": "chart-axis", "aria-hidden": "true"})
    ET.SubElement(axis, "line", {"x1": _pct(LEFT), "x2": _pct(LEFT + width), "y1": str(bottom),
                                 "y2": str(bottom), "stroke": AXIS})
    for tick in ticks:
        ET.SubElement(axis, "line", {"x1": _pct(x_of(tick)), "x2": _pct(x_of(tick)), "y1": str(bottom),
                                     "y2": str(bottom + 5), "stroke": AXIS})
        ET.SubElement(axis, "text", {"x": _pct(x_of(tick)), "y": str(bottom + 20), "text-anchor": "middle",
                                     "font-size": "12", "fill": MUTED}).text = tick_text(tick)
    ET.SubElement(axis, "text", {"x": _pct(LEFT + width / 2), "y": str(bottom + 38), "text-anchor": "middle",
                                 "font-size": "12", "fill": MUTED}).text = f"金额（{chart.unit_label}）" \
        if chart.unit_label.endswith("元") else f"数量（{chart.unit_label}）"
    return Markup(ET.tostring(svg, encoding="unicode"))
