"""The stylesheet's font list names the common Korean fonts of each system, so that Korean is
drawn in a Korean font wherever the page is read (a browser takes each letter from the first
font in the list that has it)."""

import re
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "css" / "style.css"


def page_fonts() -> list[str]:
    """The font families of the page's root rule, in order, without quotes."""
    css = re.sub(r"/\*.*?\*/", "", STYLESHEET.read_text(encoding="utf-8"), flags=re.S)
    root = re.search(r":root\s*\{(.*?)\}", css, flags=re.S)
    assert root, "style.css has no :root rule"
    declaration = re.search(r"font-family\s*:\s*([^;]+);", root.group(1))
    assert declaration, ":root sets no font-family"
    return [name.strip().strip("\"'") for name in declaration.group(1).split(",")]


def test_the_font_list_names_the_korean_fonts_of_windows_macos_and_linux():
    fonts = page_fonts()
    assert "Malgun Gothic" in fonts  # Windows
    assert "Apple SD Gothic Neo" in fonts  # macOS
    assert "Noto Sans CJK KR" in fonts  # Linux (Debian's fonts-noto-cjk)
    assert {"NanumGothic", "Nanum Gothic"} & set(fonts)  # Linux (fonts-nanum)
    # A generic family last, for a system that has none of them.
    assert fonts[-1] == "sans-serif"


def test_the_korean_fonts_come_before_the_generic_fallback():
    fonts = page_fonts()
    for korean in ("Malgun Gothic", "Apple SD Gothic Neo", "Noto Sans CJK KR"):
        assert fonts.index(korean) < fonts.index("sans-serif")
