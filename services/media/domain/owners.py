"""What an upload belongs to: a registry of owner kinds, and the upload's states (pure).

An upload session carries (owner_kind, owner_id). Each kind states what it accepts (declared
content types, byte and pixel limits) and in whose words scope refusals are given; the service
layer supplies, per kind, how to find the owner's organization path (an RPC to the service that
owns it), so scope is always checked against the owner's organization. Three kinds: member photos
(one image, re-encoded), meeting attachments (组织生活: images, videos and documents, files.py), and
a video attachment's poster frame — captured by the browser from the video (the server has no
video decoder) and uploaded as a small image by the member photos' path (re-encoded, EXIF gone).
"""
from dataclasses import dataclass
from datetime import datetime

from . import files
from .images import ALLOWED_CONTENT_TYPES, PHOTO_LIMITS, ImageLimits

MEMBER_PHOTO = "member_photo"
MEETING_ATTACHMENT = "meeting_attachment"
VIDEO_POSTER = "video_poster"
# A poster frame: a frame of a phone video at most 1280 px on its long side, kept as a 320 px thumbnail.
POSTER_LIMITS = ImageLimits(max_bytes=2 * 1024 * 1024, max_side=1280, thumb_size=(320, 320))
POSTER_TAKEN = "该视频已有封面"  # one poster per video: a second is refused (409), nothing is replaced


@dataclass(frozen=True)
class OwnerKind:
    name: str
    label: str  # 党员照片 …, for messages
    owner_noun: str  # how a scope refusal names the owner: 无权访问该党员 …
    content_types: dict[str, str]  # declared type → image format
    limits: ImageLimits
    formats_text: str  # the accepted formats, as users read them

    def declared_errors(self, content_type, size) -> dict[str, str]:
        """Per-field refusals of what the browser declares before uploading."""
        fields = {}
        if content_type not in self.content_types:
            fields["content_type"] = f"仅支持{self.formats_text}格式的{self.label}"
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            fields["size"] = "文件大小应为正整数（字节）"
        elif size > self.limits.max_bytes:
            fields["size"] = f"{self.label}不能超过{self.limits.max_bytes // (1024 * 1024)}MB"
        return fields


@dataclass(frozen=True)
class FileOwnerKind:
    """Files of several categories (files.py), each with its own limit, uploaded in parts."""
    name: str
    label: str
    owner_noun: str

    def declared_errors(self, content_type, size) -> dict[str, str]:
        return files.declared_errors(content_type, size)


KINDS = {kind.name: kind for kind in (
    OwnerKind(MEMBER_PHOTO, "图片", "该党员", ALLOWED_CONTENT_TYPES, PHOTO_LIMITS, "JPG、PNG、GIF、BMP"),
    FileOwnerKind(MEETING_ATTACHMENT, "附件", "该组织生活记录"),
    OwnerKind(VIDEO_POSTER, "视频封面", "该附件", {"image/jpeg": "JPEG", "image/png": "PNG"}, POSTER_LIMITS,
              "JPG、PNG"),
)}


# The upload's states. `verifying` is held by the one `complete` that claimed the upload, so a
# parallel `complete` neither processes the file again nor writes a second photo.
PENDING, VERIFYING, VERIFIED, REJECTED, EXPIRED = "pending", "verifying", "verified", "rejected", "expired"

_REFUSALS = {
    VERIFYING: "该上传正在校验，请稍候查看结果",
    VERIFIED: "该上传已处理，请重新上传",
    REJECTED: "该上传已处理，请重新上传",
    EXPIRED: "上传已过期，请重新上传",
}


def claim_refusal(status: str, expires_at: datetime, now: datetime) -> str | None:
    """Why `complete` may not claim the upload now (None: it may). Conflicts, all of them."""
    if status == PENDING and now >= expires_at:
        return _REFUSALS[EXPIRED]
    return _REFUSALS.get(status)

