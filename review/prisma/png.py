"""The PRISMA diagram as PNG, drawn from its SVG by resvg (a Rust renderer
whose Python wheel needs no system library and no browser).

Optional: `pip install "review[png]"`. resvg draws no text it has no font
for — silently — so the fonts are chosen here: the first sans-serif family
found among the usual font folders is loaded and named for the SVG's
`Arial, Helvetica, sans-serif`. With none found the PNG is refused rather
than drawn without its numbers.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from review.errors import ExportError, UsageError

FAMILIES = {
    "Arial": ("arial.ttf", "arialbd.ttf", "Arial.ttf", "Arial Bold.ttf"),
    "Liberation Sans": ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    "DejaVu Sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "Noto Sans": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
}
"""Sans-serif families close to the SVG's Arial metrics, best first, and their
regular and bold files as the usual packages name them."""
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def font_folders() -> list[Path]:
    home = Path.home()
    folders = [home / ".fonts", home / ".local/share/fonts", Path("/usr/share/fonts"),
               Path("/usr/local/share/fonts"), Path("/Library/Fonts"),
               Path("/System/Library/Fonts"), home / "Library/Fonts"]  # fmt: skip
    if sys.platform == "win32":
        folders.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
    return [folder for folder in folders if folder.is_dir()]


def find_font(folders: list[Path]) -> tuple[str, list[str]] | None:
    """(family, its font files) of the first family found, or None."""
    names: dict[str, Path] = {}
    for folder in folders:
        for path in folder.rglob("*.tt[fc]"):
            names.setdefault(path.name, path)
    for family, files in FAMILIES.items():
        found = [str(names[name]) for name in files if name in names]
        if found:
            return family, found
    return None


def render_png(svg: str, *, folders: list[Path] | None = None, scale: float = 2.0) -> bytes:
    """The SVG drawn at `scale` (2: sharp on screens and in a Word file)."""
    try:
        import resvg_py  # deferred: an optional extra
    except ImportError:
        raise UsageError(
            "writing PNG needs the optional renderer",
            hint='pip install "review[png]" (resvg, from a wheel), or write --svg',
        ) from None
    font = find_font(font_folders() if folders is None else folders)
    if font is None:
        raise ExportError(
            "no sans-serif font found to draw the diagram's text (Arial, Liberation Sans, "
            "DejaVu Sans or Noto Sans)",
            hint="install one (Debian: apt-get install fonts-dejavu-core), or write --svg",
        )
    family, files = font
    try:
        data = resvg_py.svg_to_bytes(
            svg_string=svg, skip_system_fonts=True, font_files=files, font_family=family,
            sans_serif_family=family, zoom=scale, background="#ffffff",
        )  # fmt: skip
    except ValueError as exc:
        raise ExportError(f"the diagram could not be drawn as PNG: {exc}") from None
    png = bytes(data)
    if not png.startswith(PNG_SIGNATURE):
        raise ExportError("the renderer returned no PNG image")
    return png
