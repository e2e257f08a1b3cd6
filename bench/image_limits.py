"""Peak memory and time of the media service's photo check, each case in a fresh process
(Pillow's pixels are C memory: the process's VmHWM is read, which exec resets).
`python -m bench.image_limits`."""
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

from tests.support.images import black_png

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, re, sys, time
from services.media.domain.images import ImageRejected, process_photo
data = open(sys.argv[1], 'rb').read()
started = time.perf_counter()
try:
    photo = process_photo(data)
    outcome = f"kept {photo.width}×{photo.height}"
except ImageRejected as exc:
    outcome = "refused: " + exc.message
elapsed = time.perf_counter() - started
peak = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) // 1024
print(json.dumps({"outcome": outcome, "seconds": round(elapsed, 2), "peak_mb": peak}, ensure_ascii=False))
"""


def jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, "JPEG", quality=80)
    return out.getvalue()


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


CASES = {
    "PNG 8900×8900 (bomb)": lambda: black_png(8900, 8900),
    "PNG 4000×4000 (largest PNG allowed)": lambda: png(4000, 4000),
    "JPEG 6000×4000 (24 MP camera)": lambda: jpeg(6000, 4000),
    "JPEG 8000×6000 (48 MP phone)": lambda: jpeg(8000, 6000),
    "JPEG 800×600": lambda: jpeg(800, 600),
}


def main() -> None:
    baseline = subprocess.run([sys.executable, "-c", "import re; from services.media.domain import images; "
                               "print(int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())"
                               ".group(1)) // 1024)"], cwd=ROOT, capture_output=True, text=True, check=True)
    print(f"baseline (interpreter + Pillow imported): {baseline.stdout.strip()} MB")
    with tempfile.TemporaryDirectory() as folder:
        for name, make in CASES.items():
            path = Path(folder) / "image"
            data = make()
            path.write_bytes(data)
            done = subprocess.run([sys.executable, "-c", CHILD, str(path)], cwd=ROOT, capture_output=True,
                                  text=True, check=True)
            result = json.loads(done.stdout)
            print(f"{name:38s} {len(data) / 1024:9.0f} KB  {result['outcome']:32s} "
                  f"{result['seconds']:6.2f} s  peak {result['peak_mb']:4d} MB")


if __name__ == "__main__":
    main()
