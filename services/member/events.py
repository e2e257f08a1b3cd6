"""Events the member service emits. Payloads carry the member's counted facts before and after
the change, so the stats service needs no other source (house rule 3)."""
MEMBER_CREATED = "member_created"
MEMBER_UPDATED = "member_updated"

# leave_kind and left_on feed the 出党 and 停止党籍 tables of the annual report (None while active).
COUNTED_FIELDS = ("org_id", "status", "sex", "category", "ethnicity", "birth_date", "joined_on", "leave_kind",
                  "left_on")
DATE_FIELDS = ("birth_date", "joined_on", "left_on")


def member_facts(row) -> dict:
    facts = {field: getattr(row, field) for field in COUNTED_FIELDS}
    for field in DATE_FIELDS:
        facts[field] = facts[field].isoformat() if facts[field] is not None else None
    return facts


def change_payload(member_id: int, before, after) -> dict:
    return {"member_id": member_id, "before": before, "after": after}
