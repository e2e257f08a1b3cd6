"""When an organization's rolls let it be revoked or deleted (pure): the manual's rule, with the
member service's counts of who is directly in it."""

DOINGS = {"revoke": "撤销", "delete": "删除"}


def allows(counts: dict, doing: str) -> bool:
    """Revoke: nobody on its rolls and no applicant. Delete: nobody at all — history members and
    deleted applicants (who may be found again) included."""
    if counts["active"] or counts["applicants"]:
        return False
    return doing == "revoke" or not (counts["history"] or counts["deleted_applicants"])
