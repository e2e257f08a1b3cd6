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


# --- narrow charts that stay readable on a phone: each row's label above its bar ----------------------
# A 360-unit viewBox is drawn about 1:1 on a 390 px phone (text at 13 units stays legible); on a
# desktop the figure is kept narrow by CSS (.chart-narrow) rather than scaled up.

NARROW = 360
NARROW_VALUE = 92  # room right of the bars for "12 / 16" or "87.5%"
ROW = 40
LABEL_Y, BAR_Y, BAR_H = 14, 19, 14
RED, TRACK, TRACK_LINE = "#b71c1c", "#eceff1", "#78909c"


def compared(items: list[tuple[str, int, int]], width: int = NARROW) -> list[dict]:
    """Per (label, done, due): the bar of `done` over the track of `due`, both on one scale (the
    largest of all values fills the plot), so a kind held more often than required shows past it."""
    plot = width - NARROW_VALUE
    largest = max((max(done, due) for _, done, due in items), default=0)

    def length(value: int) -> int:
        return round(plot * value / largest) if largest else 0
    return [{"label": label, "done": done, "due": due, "y": index * ROW, "done_width": length(done),
             "due_width": length(due)} for index, (label, done, due) in enumerate(items)]


def rates(items: list[tuple[str, float]], width: int = NARROW) -> list[dict]:
    """Per (label, rate 0–1): a bar on a track of 100%."""
    plot = width - NARROW_VALUE
    return [{"label": label, "rate": rate, "y": index * ROW, "width": round(plot * min(max(rate, 0), 1)),
             "track": plot} for index, (label, rate) in enumerate(items)]


def _narrow_svg(title: str, description: str, height: int, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart chart-narrow" role="img" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {NARROW} {height}" width="100%" aria-label="{escape(title)}：{escape(description)}">'
        f'<title>{escape(title)}</title><desc>{escape(description)}</desc>{"".join(body)}</svg>')


def _narrow_row(y: int, label: str, track: int, bar: int, value: str, inset: int = 0) -> str:
    """A row: the label above, a grey outlined track, the red bar over it (inset from the track's
    edges by `inset`), the value at the right."""
    return (f'<text x="0" y="{y + LABEL_Y}" font-size="13" fill="#222">{escape(label)}</text>'
            f'<rect x="0" y="{y + BAR_Y}" width="{track}" height="{BAR_H}" fill="{TRACK}" stroke="{TRACK_LINE}"/>'
            f'<rect x="0" y="{y + BAR_Y + inset}" width="{bar}" height="{BAR_H - 2 * inset}" fill="{RED}"/>'
            f'<text x="{NARROW - NARROW_VALUE + 6}" y="{y + BAR_Y + 11}" font-size="13" fill="#222">{value}</text>')


def compared_chart(title: str, items: list[tuple[str, int, int]], names: tuple[str, str]) -> Markup:
    """Bars of done (red) over tracks of due (grey, outlined), with "done / due" beside them; the
    description says the same in words (the text equivalent)."""
    body = [_narrow_row(row["y"], row["label"], row["due_width"], row["done_width"], f'{row["done"]} / {row["due"]}',
                        inset=3) for row in compared(items)]
    description = "；".join(f"{label}{names[0]}{done}次，{names[1]}{due}次" for label, done, due in items)
    return _narrow_svg(title, description, len(items) * ROW, body)


def rate_chart(title: str, items: list[tuple[str, float]]) -> Markup:
    body = [_narrow_row(row["y"], row["label"], row["track"], row["width"], f'{row["rate"] * 100:.1f}%')
            for row in rates(items)]
    description = "；".join(f"{label}{rate * 100:.1f}%" for label, rate in items)
    return _narrow_svg(title, description, len(items) * ROW, body)


def orglife_charts(summary: dict) -> list[dict]:
    """The 组织生活 summary's charts: each kind held against required (kinds required or held), and
    members' attendance rate per kind (kinds with anyone on their records)."""
    kinds = [k for k in summary["kinds"].values() if k["required"] or k["held"]]
    charts = []
    if kinds:
        charts.append({"key": "held", "title": "各类组织生活：已开展 / 应开展（次）", "svg": compared_chart(
            "各类组织生活已开展与应开展次数", [(k["name"], k["held"], k["required"]) for k in kinds],
            ("已开展", "应开展"))})
    attended = [(k["name"], k["attendance"]) for k in summary["kinds"].values() if k["attendance"] is not None]
    if attended:
        charts.append({"key": "attendance", "title": "党员出席率（出席 / 应出席）", "svg": rate_chart(
            "各类组织生活的党员出席率", attended)})
    return charts
