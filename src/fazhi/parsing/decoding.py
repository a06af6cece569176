"""Turn bytes into text: BOMs, UTF-8, GB18030/GBK, UTF-16; refuse binary data clearly.

Why not a general charset detector: Chinese government pages come in very few
encodings (UTF-8, GBK/GB18030, occasionally UTF-16 from Windows tools), and a
wrong guess silently corrupts every character. So fazhi tries them in a fixed,
documented order with strict decoding and refuses anything else with an error
that names the file and the byte offset.
"""

from __future__ import annotations

import codecs
import logging
import re

from fazhi.errors import InputError

log = logging.getLogger(__name__)

__all__ = ["check_mojibake", "decode", "looks_like_html"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _cjk_share(text: str) -> float:
    sample = text[:20000]
    visible = sum(1 for ch in sample if not ch.isspace())
    if visible == 0:
        return 0.0
    return len(_CJK.findall(sample)) / visible


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot decode as {encoding}: {exc.reason}", source=source, offset=exc.start
        ) from None
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}", source=source) from None


def decode(
    data: bytes, *, source: str | None = None, encoding: str | None = None
) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding_used)``.

    An explicit ``encoding`` wins. Otherwise: a byte-order mark decides
    (UTF-8/16/32); then strict UTF-8; then UTF-16 without BOM when the NUL
    pattern says so; then GB18030 (a superset of GBK and GB2312). NUL bytes
    that are not UTF-16, or bytes that fit none of these, raise
    :class:`~fazhi.InputError` naming ``source`` and the byte offset.
    """
    name = source or "<bytes>"
    if encoding is not None:
        return _strict(data, encoding, name), encoding
    if not data:
        return "", "utf-8"
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _strict(data, enc, name), enc
    nul = data.find(b"\x00")
    if nul == -1:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            utf8_error = exc
        if _cut_short(utf8_error, data):
            return _truncated(data, utf8_error, "utf-8", name), "utf-8"
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            gb_error = exc
            chinese_before = _gb18030_problem(data[: gb_error.start].decode("gb18030")) is None
            if _cut_short(gb_error, data) and chinese_before:
                return _truncated(data, gb_error, "gb18030", name), "gb18030"
            if gb_error.start > utf8_error.start and chinese_before:
                # GBK text up to a damaged byte: point at that byte, not at the first
                # GBK character that UTF-8 could not read
                raise InputError(
                    f"GB18030/GBK text with an invalid byte 0x{data[gb_error.start]:02x} "
                    "(a damaged file?); pass encoding=... if it is another encoding",
                    source=name,
                    offset=gb_error.start,
                ) from None
            raise InputError(
                "not UTF-8 and not GB18030/GBK text: "
                f"invalid byte 0x{data[utf8_error.start]:02x}; pass encoding=... if you know it",
                source=name,
                offset=utf8_error.start,
            ) from None
        problem = _gb18030_problem(text)
        if problem is not None:
            raise InputError(
                f"not UTF-8, and decoding as GB18030 {problem}; pass encoding=... if you know it",
                source=name,
                offset=utf8_error.start,
            )
        return text, "gb18030"
    # NUL bytes: UTF-16 without a BOM, or binary data.
    # an odd length is UTF-16 cut off inside its last code unit (a truncated file)
    units = data if len(data) % 2 == 0 else data[:-1]
    even_nuls = units[0::2].count(0)
    odd_nuls = units[1::2].count(0)
    for enc, ok in (("utf-16-le", odd_nuls > even_nuls), ("utf-16-be", even_nuls > odd_nuls)):
        if not ok:
            continue
        try:
            text = units.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and _printable_share(text) > 0.95:
            if units is not data:
                _warn_truncated(name, enc, 1)
                text += "\ufffd"
            return text, enc
    raise InputError("binary data, not text (NUL byte)", source=name, offset=nul)


def _gb18030_problem(text: str) -> str | None:
    """Why a GB18030 reading of some bytes is not Chinese text, or ``None`` when it is.

    GB18030 decodes almost any byte soup. Real Chinese text has at least 20%
    CJK characters, and nearly all of them (99.8% on the seeds) are among
    the 3,755 common characters of GB2312 level 1. Big5, Shift-JIS or EUC-KR
    read as GB18030 give CJK characters too, but only 0-35% common ones.
    """
    common = _common_hanzi_share(text)
    # text that is mostly Latin letters or digits (a bilingual notice, a table of
    # figures) is still Chinese text when its CJK characters are the common ones
    mostly_latin = common is not None and common >= 0.95 and _printable_share(text) > 0.95
    if _cjk_share(text) < 0.2 and not mostly_latin:
        return "does not give Chinese text (binary or an unsupported encoding?)"
    if common is not None and common < 0.7:
        return (
            f"gives mostly rare characters ({common:.0%} common ones): the text is probably "
            "in another encoding, such as Big5 (traditional Chinese), Shift-JIS or EUC-KR "
            "(e.g. encoding='big5')"
        )
    return None


def _common_hanzi_share(text: str, minimum: int = 20) -> float | None:
    """Share of the sample's CJK characters in GB2312 level 1 (None below ``minimum`` of them)."""
    hanzi = _CJK.findall(text[:20000])
    if len(hanzi) < minimum:
        return None
    common = 0
    for ch in hanzi:
        try:
            lead = ch.encode("gb2312")[0]
        except UnicodeEncodeError:
            continue
        common += 0xB0 <= lead <= 0xD7  # level 1: rows 16-55, sorted by pinyin
    return common / len(hanzi)


def _cut_short(error: UnicodeDecodeError, data: bytes) -> bool:
    """The only problem is a character cut off by the end of the data (a truncated file)."""
    return error.end == len(data) and error.reason in (
        "unexpected end of data",  # UTF-8
        "incomplete multibyte sequence",  # GB18030
    )


def _truncated(data: bytes, error: UnicodeDecodeError, encoding: str, name: str) -> str:
    """The text before a character cut off at the end, and U+FFFD in place of its bytes."""
    _warn_truncated(name, encoding, len(data) - error.start)
    return data[: error.start].decode(encoding) + "\ufffd"


def _warn_truncated(name: str, encoding: str, n_bytes: int) -> None:
    log.warning(
        "%s: the data ends inside a %s character (a truncated file?); "
        "its %d remaining byte(s) are read as U+FFFD",
        name,
        encoding.upper(),
        n_bytes,
    )


def _printable_share(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 1.0
    good = sum(1 for ch in sample if ch.isprintable() or ch in "\r\n\t")
    return good / len(sample)


#: what may precede the doctype: an XML declaration (XHTML), comments such as a
#: browser's "<!-- saved from url=(0044)http://… -->"
_HTML_PROLOG = re.compile(r"\s*(?:(?:<\?xml[^>]*>|<!--.*?-->)\s*)*", re.S)
_HTML_HINT = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s", re.I)
_TAG = re.compile(r"</?(?:p|div|br|span|td|tr|table|a|li|ul|h[1-6]|script|style)\b[^>]*>", re.I)


def looks_like_html(text: str) -> bool:
    """True when ``text`` is an HTML page (or a fragment dense with block tags)."""
    head = text[:4096]
    prolog = _HTML_PROLOG.match(head)
    if _HTML_HINT.match(head, prolog.end() if prolog else 0):
        return True
    return len(_TAG.findall(head)) >= 5


_SAMPLE = 20000


def check_mojibake(text: str, *, source: str | None = None) -> None:
    """Raise :class:`InputError` when decoded text is mostly "?", U+FFFD or Latin-1 mojibake.

    Such text was damaged before fazhi saw it (saved in an encoding that
    could not represent Chinese, GBK decoded as UTF-8 with replacement
    characters, or UTF-8 read as Latin-1); analysing it would silently produce
    nonsense. A few stray "?" or U+FFFD in otherwise good text are accepted.
    """
    sample = "".join(text[:_SAMPLE].split())
    if len(sample) < 20:
        return
    if sample.count("?") / len(sample) > 0.3 and _cjk_share(text) < 0.3:
        raise InputError(
            "the text is mostly '?': it was saved in an encoding that could not represent "
            "Chinese characters, so they were lost before fazhi read it; re-export it as UTF-8",
            source=source,
        )
    # U+FFFD never occurs in good text (unlike "?"), so no CJK share is consulted: GBK
    # decoded as UTF-8 turns about 3 of 4 characters into U+FFFD, the rest into noise
    replaced = sample.count("\ufffd")
    if replaced / len(sample) > 0.2:
        within = f" (in the first {_SAMPLE:,})" if len(text) > _SAMPLE else ""
        raise InputError(
            f"{replaced:,} of {len(sample):,} characters{within} are U+FFFD replacement "
            "characters: the text was decoded with the wrong encoding before it was saved "
            "(typically GBK read as UTF-8), so its characters are lost; re-export it from "
            "the source",
            source=source,
        )
    latin = sum(1 for ch in sample if "\u00c0" <= ch <= "\u00ff")
    if latin / len(sample) > 0.2 and _cjk_share(text) < 0.05:
        raise InputError(
            "the text looks like UTF-8 read as Latin-1 (mojibake such as 'æ³•'); "
            "read the original bytes with encoding='utf-8'",
            source=source,
        )
