"""`review prisma --png`: the SVG drawn by resvg with a font chosen here, so
the numbers are in the image; refused, with nothing written, when no font
or no renderer is there."""

from __future__ import annotations

import builtins
import struct
from pathlib import Path
from typing import Any

import pytest

from review.entry import main
from review.errors import ExitCode
from review.prisma import png
from tests.prisma_helpers import build_review

resvg_py = pytest.importorskip("resvg_py")


def run(*args: str | Path) -> int:
    with pytest.raises(SystemExit) as exited:
        main([str(a) for a in args])
    return int(exited.value.code or 0)


def ink(data: bytes) -> int:
    """Compressed image data of a PNG (its IDAT chunks): without a decoder
    (Pillow is no dependency), text shows as far more data than boxes alone."""
    size, at = 0, 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        if data[at + 4 : at + 8] == b"IDAT":
            size += length
        at += length + 12
    return size


def test_png_has_the_diagram_and_its_text(tmp_path: Path) -> None:
    if png.find_font(png.font_folders()) is None:
        pytest.skip("no sans-serif font on this machine")
    review = build_review(tmp_path / "review.db")
    out = tmp_path / "prisma.png"
    assert run("prisma", review, "--png", out) == 0
    data = out.read_bytes()
    assert data.startswith(png.PNG_SIGNATURE)
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1284 * 2, 646 * 2)  # the SVG's size, at scale 2
    # The same diagram without text (the bug this guards: no font, no numbers).
    svg = (tmp_path / "p.svg").as_posix()
    assert run("prisma", review, "--svg", svg) == 0
    text = Path(svg).read_text(encoding="utf-8")
    bare = text.replace("<text", "<desc").replace("</text", "</desc")
    without_text = bytes(resvg_py.svg_to_bytes(svg_string=bare, zoom=2.0, background="#ffffff"))
    assert ink(data) > 2 * ink(without_text)


def test_no_font_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    review = build_review(tmp_path / "review.db")
    monkeypatch.setattr(png, "font_folders", lambda: [tmp_path / "empty"])
    out, svg = tmp_path / "prisma.png", tmp_path / "prisma.svg"
    assert run("prisma", review, "--svg", svg, "--png", out) == ExitCode.EXPORT
    assert "no sans-serif font found" in capsys.readouterr().err
    assert not out.exists() and not svg.exists()


def test_without_the_extra_the_hint_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    review = build_review(tmp_path / "review.db")
    real_import = builtins.__import__

    def no_resvg(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "resvg_py":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_resvg)
    assert run("prisma", review, "--png", tmp_path / "p.png") == ExitCode.USAGE
    assert 'pip install "review[png]"' in capsys.readouterr().err
    assert not (tmp_path / "p.png").exists()
