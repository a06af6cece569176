"""The package itself: version, seeds, lazy imports, CLI entry points, README promise."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import fazhi

ROOT = Path(__file__).resolve().parent.parent

# The seeds must stay byte-identical to the files the project was created from.
SEED_SHA256 = {
    "000_e8ff7bda067ceed8.txt": "c0b341d433bb334667fd26225f27fdf08ca9dda4c61c42a4c7f23974782d075c",
    "001_05b26b594b77e45e.txt": "c2a81ef4b636b50615357f4402b02046d4583bf6b39d73afb66f98b34d16b7b0",
    "002_e4f711ee96b42b0a.txt": "fe32d387bf34d490794c466dc5d09ad3339810e07b09f5893055454edc68008c",
    "003_3a8ea7d20e37fde0.txt": "4f746e219b7f2923bd8e79bac2ffa01ba30ecb56ada09ba83ef3f61a2d35631e",
    "004_e32635754165135b.txt": "fc37f16b0166cf770c1f2258d656bfd575f2f50a8ff6e1e6694202f23227a727",
}


def run(*args: str, **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, **kw)


def test_version_is_single_sourced():
    from fazhi._version import __version__

    assert fazhi.__version__ == __version__
    assert re.fullmatch(r"\d+\.\d+\.\d+(?:[.-]?(?:a|b|rc|dev)\d*)?", __version__)


@pytest.mark.parametrize("name", sorted(SEED_SHA256))
def test_seeds_are_byte_identical(name: str):
    digest = hashlib.sha256((ROOT / "seeds" / name).read_bytes()).hexdigest()
    assert digest == SEED_SHA256[name]


def test_seeds_hold_28_documents(seed_docs):
    assert len(seed_docs) == 28


def test_py_typed_marker_is_shipped():
    assert (Path(fazhi.__file__).parent / "py.typed").exists()


def test_import_is_lazy():
    """`import fazhi` loads neither jieba, nor scikit-learn, nor any plugin entry point."""
    code = (
        "import sys, json, fazhi; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('jieba', 'rjieba', 'sklearn', 'numpy', 'scipy', 'pluggy', 'joblib') or m == 'importlib.metadata')))"
    )
    out = run("-c", code)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        fazhi.nope  # noqa: B018


def test_public_names_resolve():
    for name in ("parse", "read", "Document", "InputError", "PluginError", "FazhiError"):
        assert getattr(fazhi, name) is not None
    assert "parse" in dir(fazhi)


@pytest.mark.parametrize(
    "entry", [["-m", "fazhi"], ["-c", "from fazhi.cli import main; raise SystemExit(main())"]]
)
def test_cli_help_and_version(entry):
    out = run(*entry, "--version")
    assert out.returncode == 0 and out.stdout.strip() == f"fazhi {fazhi.__version__}"
    out = run(*entry, "--help")
    assert out.returncode == 0 and "analyze" in out.stdout


def test_cli_without_command_is_a_usage_error():
    out = run("-m", "fazhi")
    assert out.returncode == 2


def test_cli_bad_option_is_a_usage_error():
    out = run("-m", "fazhi", "analyze", "--format", "nope", "seeds/")
    assert out.returncode == 2 and "invalid choice" in out.stderr


def _fenced_commands(markdown: str) -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", markdown)


def test_readme_commands_are_the_ones_ci_runs():
    readme = (ROOT / "README.md").read_text("utf-8")
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    commands = _fenced_commands(readme.split("## Quick start", 1)[1].split("\n## ", 1)[0])
    assert len(commands) == 2, commands
    main_job, tests = commands
    assert re.search(rf"# README-MAIN-COMMAND\n{re.escape(main_job)}\n", ci)
    assert re.search(rf"# README-TEST-COMMAND\n{re.escape(tests)}\n", ci)
