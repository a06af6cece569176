"""Malformed HTML never makes parsing raise, and common real-page quirks do not empty the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fazhi
from fazhi.errors import InputError
from fazhi.parsing.decoding import looks_like_html
from fazhi.parsing.html import _fallback, html_to_text
from invariants import assert_nothing_lost, assert_offsets

BODY = "<h1>关于加强法治政府建设的实施意见</h1><p>一、总体要求</p><p>坚持依法行政。</p>"
STYLE = "\n".join(f".c{i} {{ color: #{i:06x}; margin: 0 auto; }}" for i in range(150))
TEXT = "关于加强法治政府建设的实施意见\n\n一、总体要求\n\n坚持依法行政。\n"


@pytest.mark.parametrize(
    "junk",
    ["<![foo bar]>", "<![ endif]>", "<![if !IE]>", "<![endif]>", "<![", "<![ ]>", "<![CDATA[x]]>"],
)
def test_marked_sections_python_cannot_read_are_skipped(junk: str):
    page = f"<html><body><p>标题</p>{junk}<p>一、总体要求</p></body></html>"
    doc = fazhi.parse(page)  # raised AssertionError for "<![foo bar]>" and "<![ endif]>"
    assert doc.text.startswith("标题\n\n")
    assert "一、总体要求" in doc.text and "foo" not in doc.text
    assert_offsets(doc)


def test_malformed_html_file_is_read_and_the_batch_goes_on(tmp_path: Path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        f"<html><body><p>标题</p><![foo bar]>{BODY}</body></html>", encoding="utf-8"
    )
    (tmp_path / "c.txt").write_text(TEXT, encoding="utf-8")
    results = list(fazhi.read(tmp_path, errors="return"))
    assert [type(r).__name__ for r in results] == ["Document", "Document", "Document"]
    assert isinstance(results[1], fazhi.Document)
    assert [h.title for h in results[1].headings()] == ["总体要求"]


def test_an_unexpected_error_in_one_file_is_an_input_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import fazhi.parsing

    real = fazhi.parsing.parse_text

    def parse_text(text: str, **kw):  # type: ignore[no-untyped-def]
        if kw.get("source", "").endswith("b.txt"):
            raise AssertionError("expected name token")
        return real(text, **kw)

    monkeypatch.setattr(fazhi.parsing, "parse_text", parse_text)
    for name in "abc":
        (tmp_path / f"{name}.txt").write_text(TEXT, encoding="utf-8")
    results = list(fazhi.read(tmp_path, errors="return"))
    assert [type(r).__name__ for r in results] == ["Document", "InputError", "Document"]
    error = results[1]
    assert isinstance(error, InputError) and error.source == str(tmp_path / "b.txt")
    assert str(error).endswith("b.txt: could not parse: AssertionError: expected name token")
    assert isinstance(error.__cause__, AssertionError)
    assert len(list(fazhi.read(tmp_path, errors="skip"))) == 2
    with pytest.raises(InputError, match=r"b\.txt: could not parse: AssertionError"):
        list(fazhi.read(tmp_path))


def test_head_without_end_tag_keeps_the_body():
    head = '<html><head><meta charset="utf-8"><title>页面标题</title>\n'
    for rest in (f"<body>{BODY}</body></html>", f"{BODY}</html>", "正文第一段。<p>第二段。</p>"):
        text = html_to_text(head + rest)
        assert "页面标题" not in text  # the head's <title> stays dropped, as with </head>
        assert text == (
            TEXT if rest != "正文第一段。<p>第二段。</p>" else "正文第一段。\n\n第二段。\n"
        )
    doc = fazhi.parse(head + f"<body>{BODY}</body></html>")
    assert doc.title_text == "关于加强法治政府建设的实施意见" and len(doc.paragraphs) == 1


@pytest.mark.parametrize("tag", ["noscript", "iframe"])
def test_an_unclosed_noscript_or_iframe_keeps_the_rest_of_the_page(tag: str):
    text = html_to_text(f"<html><body><{tag}>{BODY}</body></html>")
    assert text == TEXT


@pytest.mark.parametrize("tag", ["noscript", "iframe", "script", "style"])
def test_closed_skipped_elements_are_still_dropped(tag: str):
    page = f"<html><head><{tag}>不要</{tag}></head><body><{tag}>也不要</{tag}>{BODY}</body></html>"
    assert html_to_text(page) == TEXT


def test_unclosed_script_is_not_recovered():
    assert html_to_text(f"<html><body>{BODY}<script>var x = '<p>不要</p>';") == TEXT


def test_character_references_are_decoded_once():
    page = f"<html><body>{BODY}<p>a &amp;lt; b &lt; c</p></body></html>"
    assert html_to_text(page).endswith("a &lt; b < c\n")


@pytest.mark.parametrize(
    "prolog",
    [
        "<!-- saved from url=(0044)http://www.gov.cn/zhengce/content/2018.htm -->\n",
        '<?xml version="1.0" encoding="utf-8"?>\n',
        '\ufeff<?xml version="1.0"?>\n<!-- a -->\n<!-- b -->\n',
    ],
)
def test_a_page_behind_a_comment_or_xml_declaration_is_html(prolog: str):
    # a long <style> keeps the block tags out of the first 4 KB: only the start says "HTML"
    page = (
        f"{prolog.lstrip(chr(0xFEFF))}<!DOCTYPE html PUBLIC "
        '"-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        f"<html><head><title>t</title><style>{STYLE}</style></head>"
        f"<body>{BODY}</body></html>"
    )  # fmt: skip
    assert looks_like_html(page)
    doc = fazhi.parse(page)
    assert doc.text == TEXT and doc.title_text == "关于加强法治政府建设的实施意见"
    assert looks_like_html(prolog.lstrip(chr(0xFEFF)) + "<html><body>x</body></html>")


def test_text_starting_with_a_comment_is_not_html():
    assert not looks_like_html("<!-- 注释 -->\n关于加强法治政府建设的实施意见\n")
    assert not looks_like_html("<!-- 没有结束的注释 <html>")


def test_fallback_tokenizer_follows_the_same_rules():
    page = (
        "<html><head><title>页面标题</title><script>var a = 1;</script></head>"
        f"<body><!-- c -->{BODY}<![foo]><br/>a &amp; b</body></html>"
    )
    assert _fallback(page).split() == html_to_text(page).split()


# Strings made of HTML-ish fragments: they reach html.parser's corner cases.
_FRAGMENTS = st.sampled_from(
    [
        "<![", "<!", "<?", "</", "<", ">", "]>", "]]>", "<!--", "-->", "<script", "<script>",
        "</script>", "<style>", "<noscript>", "</noscript>", "<iframe>", "<head>", "</head>",
        "<body>", "<html>", "<!DOCTYPE html>", "<p>", "</p>", "<br/>", "<div class='a'>", "&",
        "&amp;", "&#", "&#x", "&#99999999;", "&lt;", "CDATA[", "if", "endif", "foo", " ", "\n",
        "标题", "一、总体要求", "坚持依法行政。", "'", '"', "=", "/", "<a href=", "<?xml ?>",
    ]
)  # fmt: skip
_HTMLISH = st.lists(st.one_of(_FRAGMENTS, st.text(max_size=4)), max_size=40).map("".join)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_HTMLISH)
def test_html_ish_text_never_makes_parse_raise(body: str):
    for text in (body, "<html><body>" + body, "<!DOCTYPE html><html><head>" + body):
        doc = fazhi.parse(text)
        assert_offsets(doc)
        assert_nothing_lost(doc)
        assert _fallback(text) is not None


@pytest.mark.parametrize(
    "markup",
    ["<html><body>正文" + "<a" * 50_000, "<html><body>正文" + "<!--" * 20_000],
    ids=["unclosed tags", "unclosed comments"],
)
def test_markup_that_stalls_html_parser_takes_the_linear_tokenizer(monkeypatch, markup):
    """html.parser is quadratic on thousands of unclosed tags: it is not used for them."""
    from fazhi.parsing import html

    class ParserUsed(BaseException):  # not an Exception: html_to_text must not catch it
        pass

    def refuse(self, data):
        raise ParserUsed

    monkeypatch.setattr(html._TextExtractor, "feed", refuse)
    monkeypatch.setattr(html, "_fallback", lambda m, real=html._fallback: "used " + real(m))
    assert html.html_to_text(markup).startswith("used 正文")


def test_ordinary_pages_still_use_html_parser(monkeypatch):
    from fazhi.parsing import html

    page = "<html><body>" + "<div><p>段落。</p><br/></div>" * 2_000 + "</body></html>"
    assert not html._stalls_html_parser(page)
