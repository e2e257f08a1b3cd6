"""One applicant's clean history from 申请 to 归档 under the 2014 rules, shared by the
test_development_* files: each test changes one step and expects that rule's refusal."""
from datetime import date

from services.member.domain.development import Applicant, Step, propose

D = date.fromisoformat
TODAY = D("2026-12-01")
APPLICANT = Applicant(applied_on=D("2024-01-10"), org_kind="31", birth_date=D("2000-01-01"))
FULL_A = {"name": "王一", "member_id": 1, "category": "01", "status": "active"}
FULL_B = {"name": "李二", "member_id": 2, "category": "01", "status": "active"}
VOTES = {"entitled": 20, "present": 15, "written": 2, "yes": 14}


def step(name: str, on: str, **fields) -> Step:
    return Step(name, D(on), fields)


HAPPY = [
    step("talk", "2024-01-25"),
    step("activist", "2024-03-01"),
    step("activist_filed", "2024-03-15"),
    step("contacts", "2024-03-01", contacts=[FULL_A, FULL_B]),
    step("assessment", "2024-08-30"),
    step("assessment", "2025-02-28"),
    step("candidate", "2025-03-01"),
    step("candidate_filed", "2025-03-10"),
    step("introducers", "2025-03-10", introducers=[FULL_A, FULL_B]),
    step("political_review", "2025-04-01", passed=True),
    step("training", "2025-04-10", days=3),
    step("committee_review", "2025-05-01"),
    step("pre_review", "2025-05-15", passed=True),
    step("application_form", "2025-05-20"),
    step("branch_meeting", "2025-06-01", **VOTES),
    step("higher_talk", "2025-06-15"),
    step("approval", "2025-07-01", approver_kind="11"),
    step("filed", "2025-07-10"),
    step("grouped", "2025-07-01"),
    step("oath", "2025-07-01"),
    step("full_application", "2026-05-20"),
    step("confirm", "2026-06-10", meeting_on="2026-06-01"),
    step("archived", "2026-06-20"),
]


def until(name: str, occurrence: int = 1) -> list[Step]:
    """The clean history before the given occurrence of a step."""
    seen = 0
    for index, item in enumerate(HAPPY):
        if item.name == name:
            seen += 1
            if seen == occurrence:
                return HAPPY[:index]
    raise KeyError(name)


def record(history, applicant=APPLICANT, today=TODAY, versions=None):
    """Propose every step in turn (each must be accepted); the last progress."""
    kwargs = {} if versions is None else {"versions": versions}
    result = None
    for index in range(len(history)):
        result = propose(applicant, history[:index], history[index], today, **kwargs)
    return result
