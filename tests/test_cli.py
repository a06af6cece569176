"""The command line, run in-process through fazhi.cli.main."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fazhi.cli import main

SAMPLE = "某区2024年度法治政府建设报告\n\n一、主要举措\n\n全面推行行政执法三项制度。\n"


def test_analyze_table_lists_every_seed_document(seeds_dir: Path, capsys):
    assert main(["analyze", str(seeds_dir)]) == 0
    out = capsys.readouterr().out
    assert "济南市济阳区2024年度法治政府建设报告" in out
    assert "28 documents" in out


def test_analyze_jsonl_has_one_line_per_document(seeds_dir: Path, capsys):
    assert main(["analyze", str(seeds_dir / "002_e4f711ee96b42b0a.txt"), "--format", "jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 24
    first = json.loads(lines[0])
    assert first["title"] == "扎实推进依法行政  不断开创法治政府建设新局面"


def test_analyze_jobs_gives_the_serial_output(tmp_path: Path, seeds_dir: Path, capsys):
    """--jobs 2 (this process and a worker) prints what --jobs 1 prints, bad files included."""
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01binary\xff" * 40)
    paths = [str(seeds_dir), str(tmp_path / "bad.txt")]
    assert main(["analyze", *paths, "--format", "jsonl"]) == 1
    serial = capsys.readouterr()
    assert main(["analyze", *paths, "--format", "jsonl", "--jobs", "2"]) == 1
    parallel = capsys.readouterr()
    assert parallel.out == serial.out and len(parallel.out.splitlines()) == 28
    assert "bad.txt" in parallel.err and parallel.err == serial.err


def test_analyze_writes_to_a_file(tmp_path: Path, seeds_dir: Path):
    out = tmp_path / "out.json"
    assert (
        main(
            [
                "analyze",
                str(seeds_dir / "001_05b26b594b77e45e.txt"),
                "--format",
                "json",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    data = json.loads(out.read_text("utf-8"))
    assert data[0]["title"] == "济南市济阳区2024年度法治政府建设报告"


def test_analyze_reads_stdin(monkeypatch, capsys):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SAMPLE.encode("gbk"))))
    assert main(["analyze", "-", "--format", "jsonl"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "某区2024年度法治政府建设报告"


def test_bad_inputs_are_reported_and_the_rest_analysed(tmp_path: Path, capsys):
    (tmp_path / "good.txt").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01binary")
    code = main(["analyze", str(tmp_path), str(tmp_path / "missing.txt"), "--format", "jsonl"])
    captured = capsys.readouterr()
    assert code == 1
    assert len(captured.out.splitlines()) == 1
    assert "bad.txt" in captured.err and "binary" in captured.err
    assert "missing.txt" in captured.err and "Traceback" not in captured.err


@pytest.mark.parametrize("argv", [["analyze"], ["nope"], ["analyze", "x", "--jobs"]])
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2


def test_analyze_table_shows_genre_and_topic_mix(seeds_dir: Path, capsys):
    assert main(["analyze", str(seeds_dir / "001_05b26b594b77e45e.txt")]) == 0
    out = capsys.readouterr().out
    assert "annual_report" in out
    assert "%" in out  # topic shares
    assert "classifiers: genre, role, topic" in out


def test_analyze_explain_shows_the_genre_evidence(seeds_dir: Path, capsys):
    assert main(["analyze", str(seeds_dir / "004_e32635754165135b.txt"), "--explain"]) == 0
    out = capsys.readouterr().out
    assert "genre opinion" in out
    assert "实施意见" in out  # the title rule's matched text


def test_analyze_selected_classifiers_and_csv(seeds_dir: Path, capsys):
    import csv
    import io

    path = str(seeds_dir / "001_05b26b594b77e45e.txt")
    assert main(["analyze", path, "--classifiers", "genre", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["genre"] == "annual_report" and rows[0]["share_functions"] == ""
    assert main(["analyze", path, "--classifiers", "topic", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["genre"] == "" and float(rows[0]["share_disputes"]) > 0


def test_analyze_unknown_classifier_is_an_error_listing_the_available(seeds_dir: Path, capsys):
    assert main(["analyze", str(seeds_dir), "--classifiers", "nope"]) == 2  # a usage error
    err = capsys.readouterr().err
    assert "unknown classifier 'nope'" in err and "genre" in err and "Traceback" not in err
    assert main(["segment", str(seeds_dir), "--backend", "nope"]) == 2
    assert "unknown" in capsys.readouterr().err


def test_cli_page_documents_every_command_and_option() -> None:
    """docs/cli.md stays in step with the parser: every command and every option is on it."""
    import argparse

    from fazhi.cli import build_parser

    page = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert sub.choices, "no commands"
    for name, command in sub.choices.items():
        assert f"`fazhi {name}" in page, f"command {name} is not documented"
        for action in command._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option in page, f"fazhi {name} {option} is not documented"


def test_segment_keeps_lines_and_domain_terms(monkeypatch, capsys):
    import io
    import sys

    text = "深化放管服改革，推行“双随机、一公开”监管\n规范行政执法人员行为\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    assert main(["segment", "-", "--backend", "jieba"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert "双随机、一公开" in lines[0].split() and "行政执法人员" in lines[1].split()


def test_segment_jsonl_has_offsets(seeds_dir: Path, capsys):
    path = seeds_dir / "001_05b26b594b77e45e.txt"
    assert main(["segment", str(path), "--format", "jsonl", "--backend", "jieba"]) == 0
    record = json.loads(capsys.readouterr().out)
    text = path.read_text("utf-8")
    assert all(text[s:e] == t for t, s, e in record["tokens"])


def test_keywords(seeds_dir: Path, capsys):
    assert (
        main(
            [
                "keywords",
                str(seeds_dir / "001_05b26b594b77e45e.txt"),
                "-k",
                "5",
                "--format",
                "jsonl",
            ]
        )
        == 0
    )
    record = json.loads(capsys.readouterr().out)
    assert len(record["keywords"]) == 5
    assert not {"推进", "加强", "工作", "建设"} & {w for w, _ in record["keywords"]}


def test_cache_lists_and_clears_the_cached_dictionaries(monkeypatch, tmp_path: Path, capsys):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "jieba-prefix-0123456789abcdef.marshal").write_bytes(b"x" * 10)
    (cache / "other.txt").write_text("not fazhi's", encoding="utf-8")
    monkeypatch.setenv("FAZHI_CACHE_DIR", str(cache))
    monkeypatch.delenv("FAZHI_NO_CACHE", raising=False)
    assert main(["cache"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["directory"] == str(cache) and report["enabled"] is True
    assert report["source"] == "FAZHI_CACHE_DIR"
    assert [e["file"] for e in report["entries"]] == ["jieba-prefix-0123456789abcdef.marshal"]
    assert report["total_bytes"] == 10

    monkeypatch.setenv("FAZHI_NO_CACHE", "1")  # switched off: still says where old files are
    assert main(["cache", "--clear"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["enabled"] is False
    assert report["removed"] == ["jieba-prefix-0123456789abcdef.marshal"]
    assert report["removed_bytes"] == 10 and report["entries"] == []
    assert sorted(p.name for p in cache.iterdir()) == ["other.txt"]


def test_a_closed_output_pipe_ends_quietly(seeds_dir: Path):
    """`fazhi segment … | head -1`: no error message, the shell's SIGPIPE exit code."""
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "fazhi", "segment", str(seeds_dir), "--backend", "jieba"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()  # read one line, then hang up like `head -1`
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=120) == 141
    assert err == ""


def test_an_output_file_that_is_an_input_is_refused_before_anything_is_written(
    tmp_path: Path, seeds_dir: Path, capsys
):
    """`-o` opens its file for writing: if that file is an input, it would be emptied."""
    source = (seeds_dir / "001_05b26b594b77e45e.txt").read_bytes()
    same = tmp_path / "same.txt"
    same.write_bytes(source)
    for command in ("segment", "keywords", "analyze"):
        assert main([command, str(same), "-o", str(same)]) == 2
        assert "is also an input" in capsys.readouterr().err
        assert same.read_bytes() == source
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_bytes(source)
    inside = folder / "results.txt"  # does not exist yet, but would be read as an input
    assert main(["analyze", str(folder), "-o", str(inside)]) == 2
    assert "inside the input directory" in capsys.readouterr().err
    assert not inside.exists()
    assert main(["analyze", str(tmp_path / "*.txt"), "-o", str(same)]) == 2  # a glob
    capsys.readouterr()
    pending = folder / "new.txt"  # a glob would match it once -o has created it
    assert main(["analyze", str(folder / "*.txt"), "-o", str(pending)]) == 2
    assert main(["analyze", str(tmp_path / "*"), "-o", str(pending)]) == 2  # via a folder
    capsys.readouterr()
    assert not pending.exists()
    import os

    link = tmp_path / "link.txt"
    try:
        os.link(same, link)  # another name for the same input file
    except OSError:
        pass
    else:
        assert main(["keywords", str(same), "-o", str(link)]) == 2
        assert same.read_bytes() == source
    capsys.readouterr()
    csv_inside = folder / "results.csv"  # not *.txt: never read, so allowed
    assert main(["analyze", str(folder), "-o", str(csv_inside), "--format", "csv"]) == 0
    assert csv_inside.read_text("utf-8").count("\n") == 2


def test_a_file_name_that_is_not_utf8_does_not_stop_the_batch(tmp_path: Path, seeds_dir: Path):
    """A GBK file name on a UTF-8 system (unzipped from Windows) is written escaped."""
    import os
    import subprocess
    import sys

    if sys.platform == "win32" or os.environ.get("PYTHONUTF8") == "0":
        pytest.skip("POSIX byte file names")
    folder = tmp_path / "docs"
    folder.mkdir()
    text = (seeds_dir / "001_05b26b594b77e45e.txt").read_bytes()
    (folder / "a.txt").write_bytes(text)
    try:
        with open(os.path.join(os.fsencode(folder), b"\xb9\xfa\xbc\xd2.txt"), "wb") as fh:
            fh.write(text)
    except OSError:
        pytest.skip("the file system refuses non-UTF-8 names")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "FAZHI_LOAD_PLUGINS": ""}
    out = tmp_path / "out.jsonl"
    for extra in ([], ["-o", str(out)]):
        proc = subprocess.run(
            [sys.executable, "-m", "fazhi", "analyze", str(folder), "--format", "jsonl", *extra],
            capture_output=True,
            env=env,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
        lines = (out.read_bytes() if extra else proc.stdout).decode("utf-8").splitlines()
        sources = sorted(json.loads(line)["source"] for line in lines)
        assert len(sources) == 2 and sources[0].endswith("a.txt")
        assert sources[1].endswith("\udcb9\udcfa\udcbc\udcd2.txt")  # the original bytes


def test_jobs_zero_is_a_usage_error(seeds_dir: Path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["analyze", str(seeds_dir), "--jobs", "0"])
    assert info.value.code == 2
    assert "0 runs nothing" in capsys.readouterr().err


def test_an_empty_directory_is_reported_not_hinted_at(tmp_path: Path, capsys):
    assert main(["analyze", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "0 documents" in captured.out and "no classifiers" not in captured.out
    assert "no *.txt files in this directory" in captured.err


def test_stdin_is_read_like_a_file(monkeypatch, seeds_dir: Path, capsys):
    """`-` gets the file checks: a compilation is split, damaged text refused."""
    import io
    import sys

    compilation = next(seeds_dir.glob("002_*.txt")).read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(compilation)))
    assert main(["analyze", "-", "--format", "jsonl", "--classifiers", "genre"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 24
    damaged = "法治政府建设年度报告\n\n" + "??????????，" * 10  # saved without its Chinese
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(damaged.encode("utf-8"))))
    assert main(["analyze", "-"]) == 1
    err = capsys.readouterr().err
    assert "<stdin>" in err and "?" in err


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_segment_keeps_the_input_lines_whatever_their_ending(monkeypatch, capsys, newline):
    """LF, CRLF and classic-Mac CR end lines; a form feed or U+2028 inside one does not."""
    import io
    import sys

    lines = ["一、总体要求", "全面推行行政执法公示制度\f第2页", "规范行政执法\u2028人员行为"]
    data = newline.join(lines) + newline
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode("utf-8"))))
    assert main(["segment", "-", "--backend", "jieba"]) == 0
    out = capsys.readouterr().out.split("\n")
    assert len(out) == 4 and out[-1] == ""
    assert "".join(out[1].split()) == "全面推行行政执法公示制度第2页"  # one line, its words


def test_a_file_with_classic_mac_line_endings_has_its_structure() -> None:
    import fazhi

    text = "关于加强法治政府建设的实施意见\n\n一、总体要求\n\n坚持依法行政。\n\n二、主要任务\n\n深化改革。"
    lf, cr = fazhi.parse(text), fazhi.parse(text.replace("\n", "\r"))
    assert cr.title_text == lf.title_text == "关于加强法治政府建设的实施意见"
    assert [s.heading.title for s in cr.walk_sections() if s.heading] == ["总体要求", "主要任务"]
    assert [p.text for p in cr.paragraphs] == [p.text for p in lf.paragraphs]
