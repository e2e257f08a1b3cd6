"""Each uploaded spreadsheet is read in a new child process (gateway/excel/worker.py), so what that
child imports is paid on every upload: the gateway's RPC client (aio-pika, the database drivers,
nameko) and pypinyin's dictionaries were ~2 s of CPU before the first cell was read."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("pypinyin", "aio_pika", "aiormq", "sqlalchemy", "psycopg", "nameko", "eventlet", "openpyxl")


def test_the_reader_child_imports_only_what_reading_needs():
    probe = ("import sys, gateway.excel.worker, gateway.excel.reader; "
             f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.split() == []


def test_names_still_spell_with_pypinyin():
    from services.member.domain.names import initials, sort_key

    assert initials("张三") == "zs" and initials("单田芳") == "stf"
    assert sort_key("曾国藩").startswith("zeng1")
