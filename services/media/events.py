"""Events the media service emits, and those it consumes (topology reads both)."""
from services.shared.audit import EMITS as AUDIT_EMITS
from services.shared.org_directory import ORG_EVENTS

MEMBER_PHOTO_ATTACHED = "member_photo_attached"

EMITS = {MEMBER_PHOTO_ATTACHED: "a verified photo became a member's photo", **AUDIT_EMITS}
# The organization directory (services/shared/org_directory.py) follows every org event; the
# meetings of 组织生活 (meeting_events.py) place their attachments.
CONSUMES = [("org", event_type) for event_type in ORG_EVENTS] + [
    ("org", "meeting_recorded"), ("org", "meeting_changed")]
