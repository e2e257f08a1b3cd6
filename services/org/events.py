"""Events the org service emits, and their payloads (plain JSON values)."""
ORG_CREATED = "org_created"
ORG_RENAMED = "org_renamed"


def org_state(row) -> dict:
    return {"id": row.id, "parent_id": row.parent_id, "path": row.path, "code": row.code,
            "name": row.name, "type": row.type}
