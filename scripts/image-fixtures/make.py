"""Writes the image-format fixtures of the browser tests (e2e/fixtures/formats/): one shapes scene
(scripts/demo-model/shapes_world.py, so the built-in model can be asked about it) in every format
a person may bring, and the awkward cases: an animated GIF, an EXIF-rotated JPEG, a 16-bit PNG and
a CMYK JPEG. The files are committed; rerun after changing this script:

  /usr/bin/python3 scripts/image-fixtures/make.py    (needs python3-pil and libavif-bin's avifenc)
"""
from __future__ import annotations

import os
import struct
import subprocess
import sys
import tempfile
import zlib

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "demo-model"))
from shapes_world import COLOURS, Scene, Shape, render  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "e2e", "fixtures", "formats")
W, H = 600, 400
BACKGROUND = (246, 246, 244)


def scene(*shapes: tuple[str, str, tuple[float, float, float, float]]) -> Image.Image:
    """Shapes given as (kind, colour, box as fractions of the width and height)."""
    placed = [Shape(kind, colour, COLOURS[colour], (x0 * W, y0 * H, x1 * W, y1 * H)) for kind, colour, (x0, y0, x1, y1) in shapes]
    return render(Scene(W, H, BACKGROUND, placed))


# A red circle at the top left and a blue square at the bottom right (boxes 24% of the short side).
MAIN = scene(("circle", "red", (0.10, 0.12, 0.26, 0.36)), ("square", "blue", (0.70, 0.60, 0.86, 0.84)))
# The animated GIF's second frame: a green triangle only.
SECOND = scene(("triangle", "green", (0.42, 0.38, 0.58, 0.62)))


def png16(img: Image.Image, path: str) -> None:
    """RGB with 16 bits per channel (PIL writes 16-bit PNGs only in grey): each 8-bit value v as v*257."""
    rows = []
    pixels = img.load()
    for y in range(img.height):
        row = bytearray(b"\x00")  # filter: none
        for x in range(img.width):
            for v in pixels[x, y]:
                row += struct.pack(">H", v * 257)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", img.width, img.height, 16, 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    out = lambda name: os.path.join(OUT, name)  # noqa: E731
    MAIN.save(out("scene.webp"), quality=90)
    MAIN.quantize(32).save(out("scene.bmp"))  # 8-bit palette: a third of the 24-bit size
    with tempfile.TemporaryDirectory() as tmp:
        MAIN.save(os.path.join(tmp, "scene.png"))
        subprocess.run(["avifenc", "--min", "10", "--max", "20", "-s", "8", os.path.join(tmp, "scene.png"), out("scene.avif")], check=True, stdout=subprocess.DEVNULL)
    # Frame one is the scene asked about; frame two shows something else.
    MAIN.save(out("animated.gif"), save_all=True, append_images=[SECOND], duration=500, loop=0)
    # Stored turned a quarter to the left, with EXIF orientation 6 ("turn 90 degrees clockwise to
    # show"): upright only when the orientation is honoured.
    exif = Image.Exif()
    exif[0x0112] = 6
    MAIN.rotate(90, expand=True).save(out("rotated.jpg"), quality=92, exif=exif.tobytes())
    png16(MAIN, out("deep.png"))
    MAIN.convert("CMYK").save(out("cmyk.jpg"), quality=92)
    for name in sorted(os.listdir(OUT)):
        print(f"{name}: {os.path.getsize(out(name))} bytes")


if __name__ == "__main__":
    main()
