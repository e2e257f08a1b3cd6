"""A filled-in collection sheet as the official system's export gives it: one sheet named `title`,
its header row, then the rows (the imports' e2e tests)."""
import io

from openpyxl import Workbook


def collection_sheet(title: str, headers: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    page = book.active
    page.title = title
    page.append(headers)
    for row in rows:
        page.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
