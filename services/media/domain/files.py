"""Attachment files (组织生活's photos, videos and documents), on bytes only (no storage).

What a file is comes from its content, not its name or declared type: the first bytes name the
format (magic numbers), an Office Open XML file is told by the names in its zip directory, and the
format must agree with what the browser declared (any image for an image, MP4 or MOV for a video,
the same document format for a document) — otherwise the upload is refused (422). Each category has
its own size limit; photos are re-encoded by images.py (EXIF, GPS included, dropped).

Chunked uploads: below MULTIPART_FROM bytes one presigned PUT; from there S3 multipart in parts of
PART_SIZE (the last may be smaller), each part its own presigned PUT a phone can retry or resume.
"""
from __future__ import annotations

from dataclasses import dataclass

from .images import ImageLimits, sniff_format

MB = 1024 * 1024
IMAGE, VIDEO, DOCUMENT = "image", "video", "document"
CATEGORY_NAMES = {IMAGE: "图片", VIDEO: "视频", DOCUMENT: "文档"}
LIMITS = {IMAGE: 20 * MB, VIDEO: 500 * MB, DOCUMENT: 50 * MB}
MULTIPART_FROM = 16 * MB
PART_SIZE = 8 * MB  # S3's least part is 5 MB (the last excepted)
MAX_PARTS = 10_000
# A meeting photo: re-encoded up to 4096 px on its longest side, thumbnail for lists.
ATTACHMENT_IMAGE_LIMITS = ImageLimits(max_bytes=LIMITS[IMAGE], max_side=4096, thumb_size=(320, 320))

# Declared content type → (category, format).
DECLARED = {
    "image/jpeg": (IMAGE, "JPEG"), "image/png": (IMAGE, "PNG"), "image/gif": (IMAGE, "GIF"),
    "image/bmp": (IMAGE, "BMP"), "image/x-ms-bmp": (IMAGE, "BMP"),
    "video/mp4": (VIDEO, "MP4"), "video/quicktime": (VIDEO, "MOV"),
    "application/pdf": (DOCUMENT, "PDF"),
    "application/msword": (DOCUMENT, "OLE"), "application/vnd.ms-excel": (DOCUMENT, "OLE"),
    "application/vnd.ms-powerpoint": (DOCUMENT, "OLE"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (DOCUMENT, "DOCX"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (DOCUMENT, "XLSX"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (DOCUMENT, "PPTX"),
}
# The type a verified format is stored and served as.
CONTENT_TYPES = {"JPEG": "image/jpeg", "MP4": "video/mp4", "MOV": "video/quicktime", "PDF": "application/pdf",
                 "OLE": "application/octet-stream",
                 "DOCX": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "PPTX": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
FORMATS_TEXT = "图片（JPG、PNG、GIF、BMP）、视频（MP4、MOV）、PDF、Word、Excel、PowerPoint"
HEAD_BYTES = 64
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_QUICKTIME_ATOMS = (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")
_OOXML = (("word/", "DOCX"), ("xl/", "XLSX"), ("ppt/", "PPTX"))


@dataclass(frozen=True)
class Declared:
    category: str
    format: str
    content_type: str


def declared(content_type) -> Declared | None:
    found = DECLARED.get(content_type) if isinstance(content_type, str) else None
    return Declared(found[0], found[1], content_type) if found else None


def declared_errors(content_type, size) -> dict[str, str]:
    """Per-field refusals of what the browser declares before uploading."""
    fields = {}
    kind = declared(content_type)
    if kind is None:
        fields["content_type"] = f"仅支持{FORMATS_TEXT}"
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        fields["size"] = "文件大小应为正整数（字节）"
    elif kind is not None and size > LIMITS[kind.category]:
        fields["size"] = too_big(kind.category)
    return fields


def too_big(category: str) -> str:
    return f"{CATEGORY_NAMES[category]}不能超过{LIMITS[category] // MB}MB"


def part_count(size: int) -> int:
    """1 below MULTIPART_FROM (a single PUT), else the parts of PART_SIZE."""
    if size < MULTIPART_FROM:
        return 1
    return -(-size // PART_SIZE)


def sniff(head: bytes) -> str | None:
    """The format the first bytes name: an image format, MP4/MOV, PDF, OLE (old Office) or ZIP."""
    image = sniff_format(head[:16])
    if image:
        return image
    if head.startswith(b"%PDF-"):
        return "PDF"
    if head.startswith(_OLE):
        return "OLE"
    if head.startswith(_ZIP):
        return "ZIP"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "MOV" if head[8:12] == b"qt  " else "MP4"
    if len(head) >= 8 and head[4:8] in _QUICKTIME_ATOMS:
        return "MOV"
    return None


def ooxml_format(names) -> str | None:
    """DOCX, XLSX or PPTX by the parts a zip holds (None: some other zip)."""
    names = list(names)
    if "[Content_Types].xml" not in names:
        return None
    return next((fmt for prefix, fmt in _OOXML if any(name.startswith(prefix) for name in names)), None)


def mismatch(expected: Declared, found: str | None) -> str | None:
    """Why the content does not match the declared type (None: it does). Images are any image
    format (phones mislabel them), videos MP4 or MOV, documents exactly the declared format."""
    if found is None:
        return f"无法识别的文件内容，仅支持{FORMATS_TEXT}"
    category = next((cat for cat, fmt in DECLARED.values() if fmt == found), None)
    if expected.category in (IMAGE, VIDEO) and category == expected.category:
        return None
    if found == expected.format:
        return None
    return f"文件内容与声明的类型不符（声明为{CATEGORY_NAMES[expected.category]}，实际内容不是）"


def stored_type(expected: Declared, found: str) -> str:
    """The type a verified file is kept as: its format's (old Office files keep the declared one)."""
    if found == "OLE":
        return expected.content_type
    return CONTENT_TYPES.get(found) or next(ct for ct, (_, fmt) in DECLARED.items() if fmt == found)


def category_of(found: str) -> str:
    return next(cat for cat, fmt in DECLARED.values() if fmt == found)
