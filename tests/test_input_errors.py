"""Bad input gets a clear error naming the file and the problem, and never kills a batch."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import fazhi
from fazhi.errors import InputError

SAMPLE = "济南市济阳区2024年度法治政府建设报告\n\n一、主要举措\n\n(一)深化放管服改革。全区推行告知承诺制。\n"


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be"]
)
def test_encodings_are_detected(tmp_path: Path, encoding: str):
    path = tmp_path / f"doc-{encoding}.txt"
    path.write_bytes(SAMPLE.encode(encoding))
    [doc] = fazhi.read(path)
    assert doc.text == SAMPLE
    assert doc.title_text == "济南市济阳区2024年度法治政府建设报告"
    assert doc.encoding is not None


def test_parse_bytes_reports_the_encoding_used():
    doc = fazhi.parse(SAMPLE.encode("gbk"))
    assert doc.text == SAMPLE and doc.encoding == "gb18030"


def test_explicit_encoding_wins():
    data = SAMPLE.encode("gbk")
    with pytest.raises(InputError, match=r"doc\.txt \(byte \d+\): cannot decode as utf-8"):
        fazhi.parse(data, source="doc.txt", encoding="utf-8")
    assert fazhi.parse(data, encoding="gbk").text == SAMPLE


def test_unknown_encoding_name_is_a_clear_error():
    with pytest.raises(InputError, match=r"unknown encoding 'no-such-codec'"):
        fazhi.parse(b"abc", encoding="no-such-codec")


def test_binary_input_names_the_source_and_offset(tmp_path: Path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(InputError) as info:
        list(fazhi.read(path))
    message = str(info.value)
    assert str(path) in message and "binary" in message and "byte 8" in message
    assert info.value.source == str(path) and info.value.offset == 8


def test_undecodable_bytes(tmp_path: Path):
    path = tmp_path / "latin.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 4)
    with pytest.raises(InputError, match=r"latin\.txt"):
        list(fazhi.read(path))


def test_question_mark_mojibake_file_is_refused(tmp_path: Path):
    path = tmp_path / "lost.txt"
    path.write_text(
        "????????????2024?????????\n\n?????????????????????????????\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="mostly '\\?'"):
        list(fazhi.read(path))


def test_latin1_mojibake_file_is_refused(tmp_path: Path):
    path = tmp_path / "moji.txt"
    path.write_text(SAMPLE.encode("utf-8").decode("latin-1"), encoding="utf-8")
    with pytest.raises(InputError, match="Latin-1"):
        list(fazhi.read(path))


def test_empty_file_gives_an_empty_document(tmp_path: Path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    [doc] = fazhi.read(path)
    assert doc.text == "" and doc.paragraphs == ()


def test_html_page_is_reduced_to_text():
    page = (
        "<!DOCTYPE html><html><head><title>t</title><script>var x=1;</script></head><body>"
        "<div class='nav'>我的位置:首页&gt;政务公开</div>"
        "<h1>某区2024年度法治政府建设报告</h1><p>来源:某区司法局 发布日期:2025-02-14</p>"
        "<p>一、主要举措</p><p>全面推行行政执法三项制度。</p></body></html>"
    )
    doc = fazhi.parse(page)
    assert "<" not in doc.text and "var x" not in doc.text
    assert doc.title_text == "某区2024年度法治政府建设报告"
    assert doc.meta.source == "某区司法局"
    assert [h.title for h in doc.headings()] == ["主要举措"]


def test_one_bad_file_does_not_kill_the_batch(tmp_path: Path):
    (tmp_path / "a.txt").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "c.txt").write_text(SAMPLE, encoding="gbk")
    results = list(fazhi.read(tmp_path, errors="return"))
    assert [type(r).__name__ for r in results] == ["Document", "InputError", "Document"]
    assert "b.txt" in str(results[1])
    assert len(list(fazhi.read(tmp_path, errors="skip"))) == 2
    with pytest.raises(InputError, match=r"b\.txt"):
        list(fazhi.read(tmp_path))


def test_missing_paths_and_empty_globs_are_named(tmp_path: Path):
    with pytest.raises(InputError, match=r"no such file"):
        list(fazhi.read(tmp_path / "nope.txt"))
    with pytest.raises(InputError, match="no file matches"):
        list(fazhi.read(str(tmp_path / "*.none")))
    results = list(fazhi.read([tmp_path / "nope.txt", str(tmp_path / "*.none")], errors="return"))
    assert len(results) == 2 and all(isinstance(r, InputError) for r in results)


def test_read_accepts_globs_and_lists(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.txt").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "y.txt").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "z.md").write_text(SAMPLE, encoding="utf-8")
    assert len(list(fazhi.read(tmp_path))) == 2  # recursive, *.txt only
    assert len(list(fazhi.read(str(tmp_path / "**" / "*.txt")))) == 2
    assert len(list(fazhi.read([tmp_path / "y.txt", tmp_path / "z.md"]))) == 2


def test_files_over_the_size_limit_are_refused(tmp_path: Path):
    from fazhi.parsing import read_file

    path = tmp_path / "big.txt"
    path.write_text("法" * 1000, encoding="utf-8")
    with pytest.raises(InputError, match="larger than the limit"):
        read_file(path, max_bytes=100)


def test_long_single_line_parses_in_linear_time():
    """A 4 MB line must not take much longer per character than a 1 MB line (no backtracking)."""

    def cost(n: int) -> float:
        text = "法治政府建设" * (n // 6)
        start = time.perf_counter()
        fazhi.parse(text)
        return time.perf_counter() - start

    small, large = min(cost(1_000_000) for _ in range(2)), min(cost(4_000_000) for _ in range(2))
    assert large < small * 4 * 3  # linear, with generous room for noise


def test_replacement_character_mojibake_file_is_refused(tmp_path: Path):
    """GBK text decoded as UTF-8 (with replacement) and saved again: the characters are lost."""
    damaged = (SAMPLE * 3).encode("gbk").decode("utf-8", errors="replace")
    path = tmp_path / "fffd.txt"
    path.write_text(damaged, encoding="utf-8")
    with pytest.raises(InputError) as info:
        list(fazhi.read(path))
    message = str(info.value)
    n = "".join(damaged.split()).count("\ufffd")
    assert message.startswith(f"{path}: {n} of ")
    assert "U+FFFD replacement characters" in message and "re-export it from the source" in message
    assert info.value.source == str(path)
    [error] = fazhi.read(path, errors="return")
    assert isinstance(error, InputError)


def test_a_few_replacement_characters_are_accepted(tmp_path: Path):
    path = tmp_path / "stray.txt"
    path.write_text(
        SAMPLE.replace("深化", "深\ufffd\ufffd") + "全区\ufffd推行。\n", encoding="utf-8"
    )
    [doc] = fazhi.read(path)
    assert doc.title_text == "济南市济阳区2024年度法治政府建设报告"
    assert fazhi.parse(("\ufffd" * 40 + "\n") * 3).text  # parse() of a str still never refuses


GOOD = "关于加强法治政府建设的通知\n\n各单位：\n\n现将有关事项通知如下。"


def test_directories_match_the_pattern_in_any_letter_case(tmp_path: Path):
    """Files from Windows are often REPORT.TXT."""
    (tmp_path / "A.TXT").write_text(GOOD, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.Txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "c.md").write_text(GOOD, encoding="utf-8")
    assert [Path(d.source).name for d in fazhi.read(tmp_path)] == ["A.TXT", "b.Txt"]
    assert [Path(d.source).name for d in fazhi.read(tmp_path, pattern="*.MD")] == ["c.md"]


@pytest.mark.skipif(not hasattr(__import__("os"), "symlink"), reason="symbolic links")
def test_broken_and_looping_links_in_a_directory_are_reported(tmp_path: Path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    try:
        (tmp_path / "broken.txt").symlink_to(tmp_path / "gone.txt")
        (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    except OSError:
        pytest.skip("the file system refuses symbolic links")
    results = list(fazhi.read(tmp_path, errors="return"))
    assert isinstance(results[0], InputError) and "broken.txt" in str(results[0])
    assert isinstance(results[1], fazhi.Document) and results[1].source.endswith("good.txt")
    assert isinstance(results[2], InputError) and "loop.txt" in str(results[2])


def test_a_directory_without_matching_files_is_named(tmp_path: Path):
    (tmp_path / "notes.md").write_text(GOOD, encoding="utf-8")
    with pytest.raises(InputError, match=r"no \*\.txt files in this directory"):
        list(fazhi.read(tmp_path))
    (result,) = fazhi.analyze_many([tmp_path])
    assert not result.ok and "no *.txt files" in str(result.error)


def test_a_subdirectory_that_cannot_be_listed_is_reported_and_the_rest_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import os

    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.txt").write_text(GOOD, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path=".", *args, **kwargs):  # as `chmod 000 locked` would (root ignores it)
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    results = list(fazhi.read(tmp_path, errors="return"))
    assert [type(r).__name__ for r in results] == ["Document", "InputError"]
    assert str(results[1]) == f"{locked}: cannot list directory: Permission denied"


REPORT = (
    "济南市济阳区2024年度法治政府建设报告\n\n一、主要举措和成效\n\n"
    + "深入推进依法行政，全面建设法治政府。" * 40
)


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_a_file_cut_off_inside_its_last_character_is_read(
    tmp_path: Path, encoding: str, caplog: pytest.LogCaptureFixture
):
    """A scraped copy cut at a byte limit: everything but the cut character is kept."""
    data = REPORT.encode(encoding)[:-1]  # the final 。 loses a byte
    path = tmp_path / "cut.txt"
    path.write_bytes(data)
    with caplog.at_level("WARNING", logger="fazhi.parsing.decoding"):
        (doc,) = fazhi.read(path)
    assert doc.title_text == "济南市济阳区2024年度法治政府建设报告"
    assert doc.text == REPORT[:-1] + "\ufffd"
    assert "cut.txt: the data ends inside a" in caplog.text and "truncated" in caplog.text


def test_a_damaged_byte_in_gbk_text_is_located(tmp_path: Path):
    data = bytearray(REPORT.encode("gbk"))
    bad = len(data) - 40
    data[bad : bad + 2] = b"\x81\x20"  # a lead byte followed by a byte no GBK character has
    path = tmp_path / "damaged.txt"
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"GB18030/GBK text with an invalid byte 0x81") as info:
        list(fazhi.read(path))
    assert info.value.offset == bad


@pytest.mark.parametrize("encoding", ["big5", "shift_jis", "euc_kr"])
def test_other_east_asian_encodings_are_not_read_as_gibberish(tmp_path: Path, encoding: str):
    """GB18030 decodes them into CJK characters, but rare ones: refused with a hint."""
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(REPORT.encode(encoding, errors="ignore"))
    with pytest.raises(InputError, match=r"mostly rare characters .*Big5.*pass encoding="):
        list(fazhi.read(path))


def test_real_gbk_text_with_rare_names_is_still_read(tmp_path: Path):
    names = "龚琰、翟璐、皋珺、闫琤、郗犇、禤珽"  # rarer characters, as in lists of names
    text = REPORT + "\n\n参会人员：" + names + "。"
    path = tmp_path / "gbk.txt"
    path.write_bytes(text.encode("gbk"))
    (doc,) = fazhi.read(path)
    assert doc.text == text and doc.encoding == "gb18030"


def test_gbk_text_that_is_mostly_latin_or_figures_is_read(tmp_path: Path):
    """A bilingual notice or a table of figures: few CJK characters, all common ones."""
    rows = [f"{2020 + i}年 | GDP 1{i}.5% | cases {i * 37} | rate 0.{i}3 | OK" for i in range(40)]
    text = "Notice 通知 2024\n\n" + "\n".join(rows)
    path = tmp_path / "table.txt"
    path.write_bytes(text.encode("gbk"))
    (doc,) = fazhi.read(path)
    assert doc.text == text


def test_binary_soup_without_nul_bytes_is_still_refused(tmp_path: Path):
    import random

    rng = random.Random(7)
    data = bytes(rng.choice(range(0x81, 0xFF)) for _ in range(4000))  # no NUL, no ASCII
    path = tmp_path / "soup.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=r"rare characters|does not give Chinese text|not GB18030"):
        list(fazhi.read(path))


def test_a_glob_that_matches_a_folder_without_text_files_reads_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "images").mkdir()  # matched by the glob, holds no .txt
    names = [Path(d.source).name for d in fazhi.read(str(tmp_path / "*"))]
    assert names == ["a.txt", "b.txt"]
    monkeypatch.chdir(tmp_path)  # sources stay normalised paths, as before
    assert [d.source for d in fazhi.read("./sub/")] == [str(Path("sub", "b.txt"))]


def test_utf16_without_bom_cut_off_inside_a_character_is_read(tmp_path: Path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(REPORT.encode("utf-16-le")[:-1])
    (doc,) = fazhi.read(path)
    assert doc.text == REPORT[:-1] + "\ufffd" and doc.encoding == "utf-16-le"
