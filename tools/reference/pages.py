"""Deterministic test pages drawn with Pillow: no downloads, no randomness beyond a fixed seed."""

from __future__ import annotations

import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont


@dataclass(frozen=True)
class Page:
    name: str
    description: str
    image: Image.Image


def _font(size: int) -> ImageFont.ImageFont:
    # Pillow's bundled default font: the same glyphs on every machine with the same Pillow version.
    return ImageFont.load_default(size=size)


def _text_lines(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], lines: list[str], size: int, fill) -> None:
    x0, y0, _, y1 = box
    font = _font(size)
    y = y0
    for line in lines:
        if y + size > y1:
            break
        draw.text((x0, y), line, font=font, fill=fill)
        y += size + 2


def tall_page() -> Page:
    """A portrait document page: title, paragraphs, a table and a bar chart."""
    image = Image.new("RGB", (120, 200), (250, 250, 247))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 119, 18), fill=(30, 60, 120))
    _text_lines(draw, (4, 3, 116, 18), ["Annual report 2024"], 11, (255, 255, 255))
    _text_lines(
        draw,
        (4, 24, 116, 90),
        ["Revenue grew 12.5%", "to 4,210 million.", "Services led the", "growth in Europe."],
        9,
        (20, 20, 20),
    )
    for row in range(5):
        y = 96 + row * 12
        draw.rectangle((4, y, 115, y + 11), outline=(120, 120, 120), fill=(235, 240, 250) if row % 2 else None)
        _text_lines(draw, (6, y + 1, 114, y + 11), [f"Q{row + 1}  {1200 + 37 * row:,}"], 8, (40, 40, 40))
    for i, height in enumerate((20, 34, 27, 41, 15)):
        draw.rectangle((10 + i * 20, 195 - height, 24 + i * 20, 195), fill=(200, 80 + 30 * i, 60))
    return Page("tall_page", "portrait page 120x200 RGB: title bar, text, table, bar chart", image)


def wide_slide() -> Page:
    """A landscape slide with a heading, bullets and shapes."""
    image = Image.new("RGB", (224, 128), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 223, 22), fill=(180, 30, 40))
    _text_lines(draw, (6, 4, 220, 22), ["Results: retrieval quality"], 13, (255, 255, 255))
    _text_lines(
        draw,
        (8, 30, 130, 125),
        ["- nDCG@5 up 3.1 points", "- latency 42 ms (p95)", "- 1,030 vectors/page", "- binary codes: 16x smaller"],
        10,
        (10, 10, 10),
    )
    draw.ellipse((140, 32, 210, 102), outline=(0, 90, 160), width=3)
    draw.pieslice((140, 32, 210, 102), start=-90, end=130, fill=(0, 120, 200))
    draw.line((0, 110, 223, 110), fill=(150, 150, 150), width=1)
    return Page("wide_slide", "landscape slide 224x128 RGB: heading, bullets, pie chart", image)


def large_scan() -> Page:
    """A page larger than max_pixels, stored as RGBA with a partly transparent stamp (alpha is dropped)."""
    rng = random.Random(7)
    image = Image.new("RGBA", (300, 260), (245, 243, 235, 255))
    draw = ImageDraw.Draw(image)
    for y in range(8, 250, 11):
        width = rng.randint(120, 280)
        _text_lines(draw, (10, y, 10 + width, y + 10), ["lorem ipsum dolor sit amet 0123456789"[: width // 7]], 8, (25, 25, 25, 255))
    for _ in range(40):
        x, y = rng.randint(0, 299), rng.randint(0, 259)
        draw.point((x, y), fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255), 255))
    # Pasted without a mask, so these pixels keep alpha 96: converting to RGB must drop alpha, not blend.
    image.paste(Image.new("RGBA", (90, 50), (200, 20, 20, 96)), (190, 190))
    return Page("large_scan", "scanned page 300x260 RGBA (alpha < 255 in a corner), above max_pixels", image)


def tiny_icon() -> Page:
    """A tiny grayscale image below min_pixels: the processor scales it up."""
    image = Image.new("L", (30, 20), 230)
    draw = ImageDraw.Draw(image)
    draw.rectangle((3, 3, 26, 16), outline=40)
    draw.line((3, 3, 26, 16), fill=90)
    draw.line((3, 16, 26, 3), fill=140)
    return Page("tiny_icon", "icon 30x20 grayscale (mode L), below min_pixels", image)


def all_pages() -> list[Page]:
    return [tall_page(), wide_slide(), large_scan(), tiny_icon()]
