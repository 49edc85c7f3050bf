"""Draw the home-screen icons of the engineers' offline app (issue 16) with Pillow: the favicon's
headset in white on the brand blue, 192 and 512 px, plus a maskable 512 px with the safe-zone margin.

    .venv/bin/python docs/tools/pwa_icons.py   # writes static/img/pwa/icon-*.png
"""

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = "#0b5cad"
OUT = Path(__file__).resolve().parents[2] / "static" / "img" / "pwa"


def icon(size: int, *, maskable: bool = False) -> Image.Image:
    # The favicon is drawn on a 32-unit grid; a maskable icon keeps it inside the central 80 %.
    scale = 4
    big = size * scale
    image = Image.new("RGB", (big, big), BRAND) if maskable else Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if not maskable:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 6 // 32, fill=BRAND)
    inner = 0.8 if maskable else 1.0
    unit = big * inner / 32
    offset = big * (1 - inner) / 2

    def box(x0, y0, x1, y1):
        return (offset + x0 * unit, offset + y0 * unit, offset + x1 * unit, offset + y1 * unit)

    draw.arc(box(9, 13, 23, 27), start=180, end=360, fill="white", width=round(3 * unit))  # the headband
    draw.rounded_rectangle(box(7, 19, 11, 25), radius=unit, fill="white")  # ear cups
    draw.rounded_rectangle(box(21, 19, 25, 25), radius=unit, fill="white")
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size).save(OUT / f"icon-{size}.png", optimize=True)
    icon(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
