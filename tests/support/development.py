"""One person's development history for tests (the 2014 细则's order and time limits), and keying
it through the API."""
import io
from datetime import date

import httpx
from openpyxl import load_workbook

from .api import create_org
from .factories import id_number, member_data

VOTES = {"entitled": 10, "present": 8, "yes": 7}
# Oldest first; "contacts"/"introducers" stand for the full members a test names.
PATH = [
    ("talk", "2022-01-20", {"actors": "支部书记谈话"}),
    ("activist", "2022-03-01", {}),
    ("activist_filed", "2022-03-15", {}),
    ("contacts", "2022-03-10", "contacts"),
    ("assessment", "2022-09-01", {}),
    ("assessment", "2023-03-01", {}),
    ("candidate", "2023-03-02", {}),
    ("candidate_filed", "2023-03-20", {}),
    ("introducers", "2023-04-01", "introducers"),
    ("political_review", "2023-05-01", {"passed": True}),
    ("training", "2023-05-10", {"days": 3}),
    ("committee_review", "2023-06-01", {}),
    ("pre_review", "2023-06-15", {"passed": True}),
    ("application_form", "2023-06-20", {}),
    ("branch_meeting", "2023-07-01", VOTES),
    ("higher_talk", "2023-07-10", {}),
    ("approval", "2023-08-01", {}),
]


def development_tree(api: httpx.Client, parent_id: int, committee: str, branch: str, full: tuple[str, str]) -> dict:
    """A 党委 under `parent_id` with a 党支部 holding two full members (contacts, introducers):
    {committee, branch, full: [member ids]}."""
    committee_id = create_org(api, parent_id, committee, "党委")
    branch_id = create_org(api, committee_id, branch, "党支部")
    members = [api.post("/members", json=member_data(branch_id, name=name)).json()["id"] for name in full]
    return {"committee": committee_id, "branch": branch_id, "full": members}


def upto(name: str) -> list:
    """The path's steps before the first `name`."""
    return PATH[:[step for step, _, _ in PATH].index(name)]


def add_applicant(api: httpx.Client, org_id: int, applied_on: str = "2022-01-10", name: str = "发展对象人") -> int:
    response = api.post("/applicants", json={"org_id": org_id, "name": name, "id_number": id_number(date(1998, 4, 2)),
                                             "ethnicity": "汉族", "applied_on": applied_on, "education": "大学本科",
                                             "occupation": "专业技术人员"})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def step_body(full_members: list[int], step: str, on: str, fields) -> dict:
    if fields == "contacts":
        fields = {"contacts": [{"member_id": full_members[0]}]}
    elif fields == "introducers":
        fields = {"introducers": [{"member_id": member_id} for member_id in full_members]}
    return {"step": step, "date": on, **fields}


def walk(api: httpx.Client, full_members: list[int], applicant_id: int, steps) -> dict:
    """Key `steps` ((step, date, fields), …) one by one; the pipeline after the last."""
    result = None
    for step, on, fields in steps:
        response = api.post(f"/applicants/{applicant_id}/steps", json=step_body(full_members, step, on, fields))
        assert response.status_code == 200, (step, response.text)
        result = response.json()
    return result


def history_sheet(api: httpx.Client, rows: list[list]) -> bytes:
    """The downloaded 发展纪实采集表 template with `rows` from row 2 (values in its column order)."""
    book = load_workbook(io.BytesIO(api.get("/imports/development/template.xlsx").content))
    sheet = book["发展纪实采集表"]
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=2 + offset, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
