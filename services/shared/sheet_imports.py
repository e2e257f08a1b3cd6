"""What every collection-sheet import (党员采集表, 党组织采集表) shares: the rows the gateway
read, the preview record and its lookup, its view, and writing the valid rows in chunks.

An import is a preview that checks every row and keeps the valid ones, then a commit that
writes them — or nothing, when asked."""
import base64
import binascii
import json
import uuid
import zlib
from datetime import date, datetime, timezone

from sqlalchemy import Column, DateTime, ForeignKey, Integer, MetaData, Table, Text, func, select, update
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Session

from .bulk import copy_rows
from .context import Caller
from .errors import Conflict, NotFound, ValidationFailed
from .ids import uuid_or_not_found

MAX_ROWS = 200_000
CHUNK = 1000
MAX_PACKED_JSON = 512 * 1024 * 1024  # what a packed sheet may inflate to (200,000 full rows ≈ 80 MB)


def import_tables(metadata: MetaData, prefix: str = "", *extra: Column) -> tuple[Table, Table]:
    """A service's `imports` (each preview: its errors and counts) and `import_rows` (the valid
    rows kept until the commit), in the service's own schema; `prefix` names a second pair for
    another sheet of the same service (member: `applicant_imports`), so a preview of one sheet
    can never be committed as the other; `extra` columns of the import (dues: the organization
    a 党费基数表 is for)."""
    imports = Table(
        f"{prefix}imports", metadata,
        Column("id", UUID(as_uuid=True), primary_key=True),
        Column("account", Text, nullable=False),
        Column("scope_path", Text, nullable=False),
        Column("status", Text, nullable=False, server_default="previewed"),  # previewed / committed
        Column("total_rows", Integer, nullable=False),
        Column("valid_rows", Integer, nullable=False),
        Column("written", Integer),
        Column("errors", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("committed_at", DateTime(timezone=True)),
        *extra,
    )
    import_rows = Table(
        f"{prefix}import_rows", metadata,
        Column("import_id", UUID(as_uuid=True), ForeignKey(f"{metadata.schema}.{prefix}imports.id", ondelete="CASCADE"),
               primary_key=True),
        Column("row_no", Integer, primary_key=True),
        Column("data", JSONB, nullable=False),
    )
    return imports, import_rows


def unpacked_rows(raw):
    """The gateway sends a sheet's rows as {"zlib_json": base64 of their deflated JSON}: a tenth of
    the 40 MB that 100,000 rows would be for its event loop to frame and publish. Lists are taken as they are."""
    if not (isinstance(raw, dict) and isinstance(raw.get("zlib_json"), str)):
        return raw
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(base64.b64decode(raw["zlib_json"], validate=True), MAX_PACKED_JSON)
        complete = not inflater.unconsumed_tail
        rows = json.loads(data) if complete else None
    except (binascii.Error, zlib.error, UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationFailed("导入数据格式有误", {"rows": "无法解码"}) from None
    if not complete:
        raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 行", {"file": "数据过大"})
    return rows


def sheet_rows(raw, keys) -> list[dict]:
    """[{"row", "sheet_problems", <key>…}] from the gateway's reading of the file."""
    raw = unpacked_rows(raw)
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed("导入文件中没有数据行", {"file": "没有数据行"})
    if len(raw) > MAX_ROWS:
        raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 行", {"file": "行数过多"})
    rows = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("row"), int):
            raise ValidationFailed("导入数据格式有误", {"rows": "每行应包含行号"})
        rows.append({"row": item["row"], "sheet_problems": item.get("sheet_problems") or {},
                     **{key: item.get(key) for key in keys}})
    return rows


def plain_row(row: dict) -> dict:
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in row.items()}


def save_preview(session: Session, imports: Table, import_rows: Table, caller: Caller, total: int,
                 valid: list[dict], errors: list[dict], **extra) -> dict:
    """The preview kept: its record (with the `extra` columns' values) and its valid rows, keyed by their
    `row_no` where a workbook of several sheets numbers them apart, else by their row."""
    import_id = uuid.uuid4()
    session.execute(imports.insert().values(id=import_id, account=caller.user_id, scope_path=caller.scope_path,
                                            total_rows=total, valid_rows=len(valid), errors=errors, **extra))
    copy_rows(session, import_rows, [{"import_id": import_id, "row_no": row.get("row_no", row["row"]),
                                      "data": plain_row(row)} for row in valid])
    return {"id": str(import_id), "rows": total, "valid": len(valid), "errors": errors}


def load_import(session: Session, imports: Table, caller: Caller, import_id, for_commit: bool = False):
    """The import record (row-locked), in the caller's scope; with `for_commit`, not yet committed."""
    import_id = uuid_or_not_found(import_id, "导入记录不存在")
    record = session.execute(select(imports).where(imports.c.id == import_id).with_for_update()).first()
    if record is None:
        raise NotFound("导入记录不存在")
    caller.require(record.scope_path, "该导入")
    if for_commit and record.status != "previewed":
        raise Conflict("该导入已提交，不能重复提交")
    return record


def import_view(record) -> dict:
    return {"id": str(record.id), "status": record.status, "rows": record.total_rows, "valid": record.valid_rows,
            "errors": record.errors, "written": record.written}


def all_or_nothing_flag(value) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed("all_or_nothing 应为 true 或 false", {"all_or_nothing": "应为布尔值"})
    return value


def refuse_partial(record, all_or_nothing: bool) -> None:
    if all_or_nothing and record.errors:
        bad_rows = refused_rows(record.errors)
        raise ValidationFailed(f"导入文件中有 {bad_rows} 行有误，按要求未写入任何数据", {"file": "存在错误行"})


def refused_rows(errors) -> int:
    """How many rows the refusals name: a row once, whatever its problems (in a workbook of several
    sheets a row is its sheet's: errors then carry `sheet`)."""
    return len({(error.get("sheet"), error.get("row")) for error in errors})


def finish_commit(session: Session, imports: Table, record, written: int, late: list[dict],
                  all_or_nothing: bool = False, changed: str | None = None) -> dict:
    """A commit's end: with `all_or_nothing`, rows refused since the preview (`late`) refuse it all
    (409, `changed` says what changed); else the record is marked committed with every refused row,
    the preview's and the late ones, in row order, and the answer {id, written, skipped_rows, errors}."""
    if late and all_or_nothing:
        raise Conflict(changed or "预览后有数据已变化，按要求未写入任何数据", {"file": "存在变化"})
    errors = sorted(record.errors + late, key=lambda e: (e.get("sheet") or "", e["row"]))
    session.execute(update(imports).where(imports.c.id == record.id).values(
        status="committed", written=written, committed_at=datetime.now(timezone.utc), errors=errors))
    return {"id": str(record.id), "written": written, "skipped_rows": refused_rows(errors),
            "errors": errors}


def preview_rows(session: Session, import_rows: Table, record) -> list[dict]:
    return [r.data for r in session.execute(select(import_rows.c.data).where(import_rows.c.import_id == record.id)
                                            .order_by(import_rows.c.row_no))]
