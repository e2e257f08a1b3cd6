"""Photo checks and re-encoding, on bytes only (no storage).

The official system takes JPG/BMP/GIF/PNG up to 5 MB. The file name and the declared type are
not trusted: the magic bytes must name an allowed format and Pillow must decode the image.
Re-encoding to JPEG drops every metadata block (EXIF GPS included).

Memory is bounded before any pixel is decoded: a 77 KB PNG can declare 8900×8900 pixels (it once
took 706 MB). Pillow's `Image.open` reads only the header, so the declared size is checked there;
only then is the image decoded, JPEGs at a reduced scale (`draft`) when the result is smaller.
"""
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from services.shared.field_errors import RuleViolation

MAX_BYTES = 5 * 1024 * 1024
# Declared pixels a photo may have. A 48-megapixel phone JPEG is decoded at half scale (draft),
# so JPEGs may declare more than formats that decode at full size.
MAX_PIXELS = {"JPEG": 50_000_000, "PNG": 16_000_000, "GIF": 16_000_000, "BMP": 16_000_000}
MAX_SIDE = 2560  # the kept photo's longest side: a member-card photo, not an archive original
THUMB_SIZE = (240, 320)
ALLOWED_CONTENT_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/bmp": "BMP",
                         "image/x-ms-bmp": "BMP"}

# Pillow's own guard as a second line: above our largest limit it warns, above twice it raises;
# both are refusals here (the warning is turned into an error while decoding).
Image.MAX_IMAGE_PIXELS = max(MAX_PIXELS.values())

_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
)
_BROKEN = "图片文件已损坏或不是有效的图片"


class ImageRejected(RuleViolation):
    """A file that is not an acceptable photo."""


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int = MAX_BYTES
    max_pixels: dict = None  # format → declared pixels; None: MAX_PIXELS
    max_side: int = MAX_SIDE
    thumb_size: tuple[int, int] = THUMB_SIZE

    def pixels(self, fmt: str) -> int:
        return (self.max_pixels or MAX_PIXELS)[fmt]


PHOTO_LIMITS = ImageLimits()


@dataclass(frozen=True)
class Photo:
    jpeg: bytes
    thumbnail: bytes
    width: int
    height: int
    source_format: str


def sniff_format(head: bytes) -> str | None:
    return next((fmt for magic, fmt in _MAGIC if head.startswith(magic)), None)


def pixel_limit_message(limit: int) -> str:
    return f"图片像素过大（最大 {limit // 10_000} 万像素）"


def check_declared_size(size: tuple[int, int], fmt: str, limits: ImageLimits) -> None:
    """The header's width × height against the limit; nothing decoded yet."""
    width, height = size
    if width < 1 or height < 1:
        raise ImageRejected(_BROKEN)
    if width * height > limits.pixels(fmt):
        raise ImageRejected(pixel_limit_message(limits.pixels(fmt)))


def _open(data: bytes, fmt: str) -> Image.Image:
    return Image.open(io.BytesIO(data), formats=[fmt])  # lazy: reads the header only


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    """`size` shrunk (never grown) to fit a side × side box, keeping its proportions."""
    scale = min(1.0, side / max(size))
    return max(1, int(size[0] * scale)), max(1, int(size[1] * scale))


def _decode(data: bytes, fmt: str, limits: ImageLimits) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with _open(data, fmt) as probe:
                check_declared_size(probe.size, fmt, limits)
                probe.verify()  # structure and checksums, before decoding pixels
            image = _open(data, fmt)
            if fmt == "JPEG":  # decode at 1/2, 1/4 or 1/8 scale when that still covers the kept size
                image.draft("RGB", _fitted(image.size, limits.max_side))
            image.load()
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(pixel_limit_message(limits.pixels(fmt))) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRejected(_BROKEN) from None
    return image


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, optimize=True)  # no exif= argument: nothing is carried over
    return out.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P", "PA"):
        background = Image.new("RGB", image.size, "white")  # transparent areas become white
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def process_photo(data: bytes, limits: ImageLimits = PHOTO_LIMITS) -> Photo:
    if not data:
        raise ImageRejected("文件为空")
    if len(data) > limits.max_bytes:
        raise ImageRejected(f"图片不能超过{limits.max_bytes // (1024 * 1024)}MB")
    fmt = sniff_format(data[:16])
    if fmt is None:
        raise ImageRejected("仅支持JPG、PNG、GIF、BMP格式的图片")
    image = _decode(data, fmt, limits)
    image = ImageOps.exif_transpose(image)  # keep the photo upright once EXIF is gone
    image = _flatten(image)
    image.thumbnail((limits.max_side, limits.max_side), reducing_gap=2.0)  # no-op when already small
    thumb = image.copy()
    thumb.thumbnail(limits.thumb_size, reducing_gap=2.0)
    return Photo(jpeg=_jpeg(image), thumbnail=_jpeg(thumb), width=image.width, height=image.height,
                 source_format=fmt)
