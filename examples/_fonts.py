"""Chinese labels in matplotlib plots, without tofu boxes (□□□).

matplotlib's default font (DejaVu Sans) has no Chinese glyphs. Call
:func:`use_cjk_font` once before plotting::

    from _fonts import use_cjk_font
    use_cjk_font()          # -> 'Noto Sans CJK SC', or a warning saying what to install

It looks for an installed CJK font (Noto Sans CJK, Source Han Sans, WenQuanYi,
PingFang, Hiragino, Microsoft YaHei, SimHei, …), also among fonts installed
after matplotlib built its font cache, and among the fonts of the ``mplfonts``
pip package if that is installed; then it puts the font first in
``rcParams["font.sans-serif"]``. Without any CJK font it warns with the exact
command to run, or raises when ``FAZHI_REQUIRE_CJK_FONT`` is set to a
non-empty value (CI sets it, so that plots with tofu never pass unnoticed).

This file is an example helper, not part of the fazhi package: copy it next to
your own notebooks.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

__all__ = ["CJK_FONTS", "INSTALL_HINT", "find_cjk_font", "use_cjk_font"]

#: Font family names, best first: simplified-Chinese sans-serif fonts, then
#: other CJK fonts that cover the characters of 法治政府建设 documents.
CJK_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Sarasa Gothic SC",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "Microsoft YaHei",
    "SimHei",
    "DengXian",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Source Han Sans",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "SimSun",
    "AR PL UMing CN",
    "Droid Sans Fallback",
    "Arial Unicode MS",
)

INSTALL_HINT = """\
No CJK font found: Chinese labels would be drawn as empty boxes. Install one, then restart the kernel:
  Debian/Ubuntu:  sudo apt-get install fonts-noto-cjk      (or: fonts-wqy-zenhei)
  Fedora:         sudo dnf install google-noto-sans-cjk-fonts
  Arch:           sudo pacman -S noto-fonts-cjk
  macOS:          nothing to install (PingFang SC ships with the system)
  Windows:        nothing to install (Microsoft YaHei ships with the system)
  pip, anywhere:  pip install mplfonts        (ships Noto Sans CJK SC; ~85 MB)"""

# Characters every plot of fazhi's examples needs.
_PROBE = "法治政府建设行政执法纲要"
# File names of fonts worth a look when matplotlib's cache predates them.
_FILE_HINTS = (
    "cjk",
    "wqy",
    "wenquanyi",
    "sourcehan",
    "hansans",
    "notosanssc",
    "notoserifsc",
    "pingfang",
    "hiragino",
    "yahei",
    "msyh",
    "simhei",
    "simsun",
    "dengxian",
    "heiti",
    "stheiti",
    "droidsansfallback",
    "uming",
    "ukai",
    "sarasa",
    "arialuni",
)


def _covers(path: str, text: str = _PROBE) -> bool:
    """Whether the font file at ``path`` has a glyph for every character of ``text``."""
    try:
        from matplotlib.ft2font import FT2Font

        font = FT2Font(path)
        return all(font.get_char_index(ord(ch)) for ch in text)
    except Exception:
        return False


def _known() -> dict[str, str]:
    from matplotlib import font_manager

    return {f.name: f.fname for f in font_manager.fontManager.ttflist}


def _add_font_files(paths: list[str]) -> None:
    from matplotlib import font_manager

    for path in paths:
        try:
            font_manager.fontManager.addfont(path)
        except Exception:  # unreadable or unsupported font file
            continue


def _mplfonts_files() -> list[str]:
    try:
        import mplfonts  # type: ignore[import-not-found]
    except ImportError:
        return []
    root = Path(mplfonts.__file__).parent / "fonts"
    return [str(p) for p in sorted(root.glob("*")) if p.suffix.lower() in (".ttf", ".otf", ".ttc")]


def find_cjk_font() -> str | None:
    """The family name of an installed font that can draw Chinese, or ``None``.

    Looks, in order: at the fonts matplotlib knows, at font files on the system
    that look like CJK fonts (installed after matplotlib built its cache), at
    the fonts of the ``mplfonts`` package; for each, the first name of
    :data:`CJK_FONTS` present wins, else any font that has the glyphs.
    """
    from matplotlib import font_manager

    def pick() -> str | None:
        known = _known()
        for name in CJK_FONTS:
            if name in known and _covers(known[name]):
                return name
        return None

    name = pick()
    if name:
        return name
    system = [
        p
        for p in font_manager.findSystemFonts()
        if any(h in Path(p).name.lower().replace("-", "").replace("_", "") for h in _FILE_HINTS)
    ]
    _add_font_files(system)
    name = pick()
    if name:
        return name
    _add_font_files(_mplfonts_files())
    name = pick()
    if name:
        return name
    for family, path in sorted(_known().items()):  # any other font with the glyphs
        if _covers(path):
            return family
    return None


def use_cjk_font(*, required: bool | None = None) -> str | None:
    """Configure matplotlib to draw Chinese text; return the font family used (or ``None``).

    Puts the font first in ``rcParams["font.sans-serif"]``, selects the
    sans-serif family and draws minus signs as ASCII hyphens (CJK fonts often
    lack U+2212). Without a CJK font: raises ``RuntimeError`` when
    ``required`` (default: the environment variable ``FAZHI_REQUIRE_CJK_FONT``
    is set and not empty), else warns with :data:`INSTALL_HINT`.
    """
    import matplotlib as mpl

    if required is None:
        required = bool(os.environ.get("FAZHI_REQUIRE_CJK_FONT"))
    name = find_cjk_font()
    if name is None:
        if required:
            raise RuntimeError(INSTALL_HINT)
        warnings.warn(INSTALL_HINT, stacklevel=2)
        return None
    rest = [f for f in mpl.rcParams["font.sans-serif"] if f != name]
    mpl.rcParams["font.sans-serif"] = [name, *rest]
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["axes.unicode_minus"] = False
    return name


if __name__ == "__main__":  # python examples/_fonts.py: which font would be used?
    found = find_cjk_font()
    print(found if found else INSTALL_HINT)
    raise SystemExit(0 if found else 1)
