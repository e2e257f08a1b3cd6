"""Events the member service emits. Payloads carry the member's counted facts before and after
the change, so the stats service needs no other source (house rule 3)."""
MEMBER_CREATED = "member_created"
MEMBER_UPDATED = "member_updated"

COUNTED_FIELDS = ("org_id", "status", "sex", "category", "ethnicity", "birth_date", "joined_on")


def member_facts(row) -> dict:
    facts = {field: getattr(row, field) for field in COUNTED_FIELDS}
    for field in ("birth_date", "joined_on"):
        facts[field] = facts[field].isoformat()
    return facts


def change_payload(member_id: int, before, after) -> dict:
    return {"member_id": member_id, "before": before, "after": after}
