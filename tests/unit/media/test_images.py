"""Photo checks: the declared pixel count is refused from the header, before any decoding, and
what is decoded stays bounded."""
import io
import subprocess
import sys

import pytest
from PIL import Image, ImageFile

from services.media.domain.images import (
    ImageLimits,
    ImageRejected,
    check_declared_size,
    pixel_limit_message,
    process_photo,
)
from tests.support.images import black_png


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = black_png(8900, 8900)
    assert len(data) < 300_000  # ≈ 77 KB on disk, 237 MB once decoded
    return data


def test_an_8900_square_png_is_refused_without_decoding(bomb, monkeypatch):
    loads = []
    original = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: loads.append(self.size) or original(self))
    with pytest.raises(ImageRejected) as refused:
        process_photo(bomb)
    assert refused.value.message == "图片像素过大（最大 1600 万像素）"
    assert loads == []  # refused from the header: no pixel decoded


def test_refusing_the_bomb_keeps_the_process_small(bomb, tmp_path):
    """Peak memory of a fresh process that is handed the bomb (Pillow's pixels are C memory,
    invisible to tracemalloc, so the process's peak RSS is measured: VmHWM, which exec resets,
    unlike ru_maxrss, which inherits pytest's)."""
    path = tmp_path / "bomb.png"
    path.write_bytes(bomb)
    script = (
        "import re\n"
        "from services.media.domain.images import ImageRejected, process_photo\n"
        "try:\n"
        f"    process_photo(open({str(path)!r}, 'rb').read())\n"
        "except ImageRejected as exc:\n"
        "    print(exc.message)\n"
        "print(int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) // 1024)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    message, peak_mb = done.stdout.splitlines()
    assert message.startswith("图片像素过大")
    assert int(peak_mb) < 100, f"峰值内存 {peak_mb} MB"  # decoding would take ≥ 237 MB


def test_the_pixel_limit_is_per_format_and_stated_in_chinese():
    check_declared_size((4000, 4000), "PNG", ImageLimits())  # 16 M pixels exactly: allowed
    with pytest.raises(ImageRejected, match="1600 万像素"):
        check_declared_size((4000, 4001), "PNG", ImageLimits())
    check_declared_size((8160, 6120), "JPEG", ImageLimits())  # a 50-megapixel phone photo
    with pytest.raises(ImageRejected, match="5000 万像素"):
        check_declared_size((8900, 8900), "JPEG", ImageLimits())
    with pytest.raises(ImageRejected):
        check_declared_size((0, 10), "PNG", ImageLimits())
    assert pixel_limit_message(2_000_000) == "图片像素过大（最大 200 万像素）"


def test_a_smaller_limit_refuses_a_modest_image():
    """An owner kind can set its own limits."""
    out = io.BytesIO()
    Image.new("RGB", (300, 300), "red").save(out, "PNG")
    tight = ImageLimits(max_pixels={"JPEG": 50_000, "PNG": 50_000, "GIF": 50_000, "BMP": 50_000})
    with pytest.raises(ImageRejected, match="5 万像素"):
        process_photo(out.getvalue(), tight)
    assert process_photo(out.getvalue()).width == 300


def test_a_large_jpeg_is_decoded_at_reduced_scale_and_kept_at_the_largest_side():
    out = io.BytesIO()
    Image.new("RGB", (6000, 4000), (20, 90, 200)).save(out, "JPEG", quality=60)
    decoded = []
    original = ImageFile.ImageFile.load

    def spy(self):
        decoded.append(self.size)
        return original(self)

    ImageFile.ImageFile.load, restore = spy, original
    try:
        photo = process_photo(out.getvalue())
    finally:
        ImageFile.ImageFile.load = restore
    assert decoded and decoded[0] == (3000, 2000)  # draft: half scale, never the full 24 M pixels
    assert (photo.width, photo.height) == (2560, 1707)
    thumb = Image.open(io.BytesIO(photo.thumbnail))
    assert thumb.width <= 240 and thumb.height <= 320


def test_the_byte_limit_comes_before_anything_else():
    with pytest.raises(ImageRejected, match="不能超过1MB"):
        process_photo(b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024), ImageLimits(max_bytes=1024 * 1024))


def test_a_truncated_header_is_broken_not_a_crash():
    with pytest.raises(ImageRejected, match="损坏"):
        process_photo(black_png(100, 100)[:40])
