"""Charts of the report's distributions as inline SVG, drawn on the server (no script, no
CDN: deployments sit on intranets). `bars` is the pure geometry; `bar_chart` the markup."""
from markupsafe import Markup, escape

from ..excel.report import heading

LABEL_WIDTH = 250
VALUE_WIDTH = 60
BAR_HEIGHT = 18
GAP = 6
WIDTH = 600


def bars(items: list[tuple[str, int]], width: int = WIDTH) -> list[dict]:
    """One horizontal bar per (label, value), scaled so the largest fills the plot width."""
    plot = width - LABEL_WIDTH - VALUE_WIDTH
    largest = max((value for _, value in items), default=0)
    result = []
    for index, (label, value) in enumerate(items):
        length = round(plot * value / largest) if largest else 0
        result.append({"label": label, "value": value, "x": LABEL_WIDTH, "y": index * (BAR_HEIGHT + GAP),
                       "width": length, "height": BAR_HEIGHT})
    return result


def bar_chart(title: str, items: list[tuple[str, int]], width: int = WIDTH) -> Markup:
    geometry = bars(items, width)
    height = len(geometry) * (BAR_HEIGHT + GAP)
    parts = [f'<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="100%" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for bar in geometry:
        middle = bar["y"] + BAR_HEIGHT / 2
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{middle}" text-anchor="end" dominant-baseline="middle" '
            f'font-size="12">{escape(bar["label"])}</text>'
            f'<rect x="{bar["x"]}" y="{bar["y"]}" width="{bar["width"]}" height="{bar["height"]}" fill="#b71c1c"/>'
            f'<text x="{bar["x"] + bar["width"] + 4}" y="{middle}" dominant-baseline="middle" '
            f'font-size="12">{bar["value"]}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def report_charts(tables: list) -> list[dict]:
    """A chart of each table's breakdown (the parts of its first sum, on its first row) that
    has anything to show."""
    charts = []
    for table in tables:
        if not table.get("sums") or not table["rows"]:
            continue
        rule, cells = table["sums"][0], table["rows"][0]["cells"]
        labels = {column["key"]: column["label"] for column in table["columns"]}
        items = [(labels.get(key, key), int(cells.get(key, 0))) for key in rule["parts"]]
        if any(value for _, value in items):
            title = heading(table)
            group = next((c.get("group") for c in table["columns"] if c["key"] == rule["parts"][0]), None)
            charts.append({"title": f"{title}：按{group}" if group else title, "svg": bar_chart(title, items)})
    return charts
