"""Events the media service emits."""
MEMBER_PHOTO_ATTACHED = "member_photo_attached"
