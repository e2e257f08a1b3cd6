"""Photo checks and re-encoding, on bytes only (no storage).

The official system takes JPG/BMP/GIF/PNG up to 5 MB. The file name and the declared type are
not trusted: the magic bytes must name an allowed format and Pillow must decode the whole image.
Re-encoding to JPEG drops every metadata block (EXIF GPS included).
"""
import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from services.shared.field_errors import RuleViolation

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # well above any camera photo; refuses decompression bombs
THUMB_SIZE = (240, 320)
ALLOWED_CONTENT_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/bmp": "BMP",
                         "image/x-ms-bmp": "BMP"}

_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
)


class ImageRejected(RuleViolation):
    """A file that is not an acceptable photo."""


@dataclass(frozen=True)
class Photo:
    jpeg: bytes
    thumbnail: bytes
    width: int
    height: int
    source_format: str


def sniff_format(head: bytes) -> str | None:
    return next((fmt for magic, fmt in _MAGIC if head.startswith(magic)), None)


def _decode(data: bytes, fmt: str) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as probe:
            probe.verify()  # structure and checksums, before decoding pixels
        image = Image.open(io.BytesIO(data), formats=[fmt])
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected("图片尺寸过大") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRejected("图片文件已损坏或不是有效的图片") from None
    return image


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, optimize=True)  # no exif= argument: nothing is carried over
    return out.getvalue()


def process_photo(data: bytes) -> Photo:
    if not data:
        raise ImageRejected("文件为空")
    if len(data) > MAX_BYTES:
        raise ImageRejected("图片不能超过5MB")
    fmt = sniff_format(data[:16])
    if fmt is None:
        raise ImageRejected("仅支持JPG、PNG、GIF、BMP格式的图片")
    image = _decode(data, fmt)
    image = ImageOps.exif_transpose(image)  # keep the photo upright once EXIF is gone
    if image.mode in ("RGBA", "LA", "P"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    else:
        image = image.convert("RGB")
    thumb = image.copy()
    thumb.thumbnail(THUMB_SIZE)
    return Photo(jpeg=_jpeg(image), thumbnail=_jpeg(thumb), width=image.width, height=image.height,
                 source_format=fmt)
