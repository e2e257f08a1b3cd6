"""The 组织生活附件清单 (数据迁移), pure: each row read (organization code, the meeting's kind and time
as the 组织生活采集表 has them, the file's name and type) with every problem under its column, and judged
against the organization, the meeting the org service found and the files that meeting already has."""
from datetime import datetime

import pytest

from services.media.domain import meeting_file_import as rules
from services.media.domain.meeting_file_import import ALREADY, NO_MEETING, Meeting, judge, read_row

NOW = datetime(2026, 6, 15, 12, 0)
ORG = {"name": "某支部", "in_scope": True}


def raw(**given):
    return {"row": 2, "org_code": "B01", "kind": "支部党员大会", "held_at": "2024-03-05 15:00", "filename": "照片1.JPG",
            **given}


def problems(**given) -> dict:
    with pytest.raises(rules.RowProblems) as caught:
        read_row(raw(**given), NOW)
    return caught.value.fields


def test_a_row_names_its_meeting_and_its_file():
    row = read_row(raw(), NOW)
    assert (row.org_code, row.held_at, row.filename) == ("B01", datetime(2024, 3, 5, 15, 0), "照片1.JPG")
    assert row.kind == "11"  # the kind's code (支部党员大会), as the meeting keeps it
    for name in ("会议记录.docx", "视频.mov", "签到表.xls", "总结.pdf", "图.bmp"):
        assert read_row(raw(filename=name), NOW).filename == name


def test_each_problem_under_its_column():
    found = problems(org_code="", kind="座谈会", held_at="2024-03-05", filename="")
    assert set(found) == {"org_code", "kind", "held_at", "filename"}
    assert "时刻" in found["held_at"]
    assert set(problems(held_at="2026-06-16 09:00")) == {"held_at"}  # not held yet
    assert "不支持的文件类型" in problems(filename="病毒.exe")["filename"]
    assert "不支持的文件类型" in problems(filename="没有扩展名")["filename"]
    assert "不含文件夹" in problems(filename="照片/1.jpg")["filename"]
    assert "200" in problems(filename="长" * 200 + ".jpg")["filename"]


def test_judged_against_the_organization_the_meeting_and_its_files():
    row = read_row(raw(), NOW)
    assert judge(row, ORG, Meeting(7, False), frozenset({"其他.pdf"})) is None
    assert judge(row, None, None, frozenset()) == ("org_code", "没有代码为“B01”的党组织")
    assert judge(row, {"name": "", "in_scope": False}, None, frozenset())[1] == "本账号管理范围内没有这个代码的党组织"
    assert judge(row, ORG, None, frozenset()) == ("held_at", NO_MEETING)
    assert "已作废" in judge(row, ORG, Meeting(7, True), frozenset())[1]
    assert judge(row, ORG, Meeting(7, False), frozenset({"照片1.JPG"})) == ("filename", ALREADY)
