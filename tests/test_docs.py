"""The documentation cannot rot: every code example in README.md and docs/*.md runs.

For each page, the fenced ``python`` blocks run in order, sharing one namespace
(as a reader typing them into one session would), with the repository root as
the working directory:

* a block with ``>>>`` prompts runs as a doctest (``ELLIPSIS`` and
  ``NORMALIZE_WHITESPACE`` on), so its printed results are checked;
* any other ``python`` block is executed;
* a block whose first line is ``# name.py`` is also written to a temporary
  directory on ``sys.path``, so a later ``import name`` finds it (the docs show
  plugin modules this way);
* ```` ```python no-run ```` marks a block that needs a cluster or the network
  (the Dask examples); it is only compiled, so it cannot hold a syntax error.

Blocks of other languages (``bash``, ``text``, ``toml``, ``console``) are not
run. A block that imports an optional dependency (matplotlib, pandas …) that is
not installed is skipped with a warning. Before a block that uses the example
plugin's ``indicators`` classifier, ``plugins/fazhi-indicators`` is registered
from its source directory if it is not installed (only then: worker processes
of ``analyze_many`` could not import it from there). The
plugin registry is reset before and after every page.

The doctests in fazhi's own modules run here too (one test per module that
has any).
"""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
import os
import re
import sys
import textwrap
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "fazhi"
INDICATORS_SRC = ROOT / "plugins" / "fazhi-indicators" / "src"

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUNNABLE = {"python", "py", "python3", "pycon"}
# Optional dependencies (extras): an example that imports one is skipped where it is not installed.
OPTIONAL_MODULES = {"matplotlib", "pandas", "dask", "distributed", "rjieba", "tqdm", "mplfonts"}
DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_MODULE_LINE = re.compile(r"^#\s*(?P<name>[A-Za-z_]\w*)\.py\s*$")


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # 1-based line of the opening fence
    lang: str
    directives: tuple[str, ...]
    code: str

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    @property
    def runs(self) -> bool:
        return self.lang in RUNNABLE and "no-run" not in self.directives

    @property
    def is_doctest(self) -> bool:
        return any(line.lstrip().startswith(">>>") for line in self.code.splitlines())


def code_blocks(page: Path) -> list[Block]:
    """Every fenced code block of a Markdown page, in order (nested fences are left inside)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE_OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = m.group("indent"), m.group("fence"), m.group("info").strip()
        close = re.compile(rf"^{re.escape(indent)}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            body.append(lines[j][len(indent) :] if lines[j].startswith(indent) else lines[j])
            j += 1
        words = info.replace("{", " ").replace("}", " ").split()
        lang = words[0].lstrip(".").lower() if words else ""
        blocks.append(Block(page, i + 1, lang, tuple(words[1:]), "\n".join(body) + "\n"))
        i = j + 1
    return blocks


def _ensure_indicators_plugin() -> None:
    """Make the example plugin's ``indicators`` classifier available, as the docs assume."""
    import fazhi.plugins

    if "indicators" in fazhi.plugins.classifier_names():
        return
    if str(INDICATORS_SRC) not in sys.path:
        sys.path.insert(0, str(INDICATORS_SRC))
    import fazhi_indicators

    fazhi.plugins.register(fazhi_indicators, name="fazhi-indicators")


def _fresh_worker_processes() -> None:
    """Shut down joblib's reusable worker pool: a reader's session starts without workers.

    Workers that other tests started keep the plugins those tests registered;
    a page's ``analyze_many(n_jobs=2)`` must not run in them.
    """
    try:
        from joblib.externals.loky import get_reusable_executor
    except ImportError:  # pragma: no cover - joblib is a dependency
        return
    get_reusable_executor().shutdown(wait=True)


def _run_block(block: Block, namespace: dict[str, object]) -> None:
    if block.is_doctest:
        parser = doctest.DocTestParser()
        test = parser.get_doctest(block.code, namespace, block.where, str(block.page), block.line)
        runner = doctest.DocTestRunner(optionflags=DOCTEST_FLAGS)
        out: list[str] = []
        runner.run(test, out=out.append, clear_globs=False)
        if runner.failures:
            pytest.fail(f"doctest failed in {block.where}:\n{''.join(out)}", pytrace=False)
        return
    code = compile(block.code, block.where, "exec")
    exec(code, namespace)


@pytest.fixture
def docs_session(tmp_path, monkeypatch):
    """A reader's session: cwd at the repo root, a module directory on sys.path, a fresh registry."""
    import fazhi.plugins

    monkeypatch.chdir(ROOT)
    modules = tmp_path / "modules"
    modules.mkdir()
    monkeypatch.syspath_prepend(str(modules))
    saved_path = sys.path[:]
    before = set(sys.modules)
    fazhi.plugins.reset()
    _fresh_worker_processes()
    yield modules
    fazhi.plugins.reset()
    sys.path[:] = saved_path
    # forget modules the page loaded from its own files or from the plugin's source tree
    for name in set(sys.modules) - before:
        module_file = getattr(sys.modules[name], "__file__", None) or ""
        if module_file.startswith((str(modules), str(INDICATORS_SRC))):
            del sys.modules[name]


def _page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_page_examples_run(page: Path, docs_session: Path) -> None:
    blocks = code_blocks(page)
    namespace: dict[str, object] = {"__name__": f"__docs_{page.stem.replace('-', '_')}__"}
    ran = 0
    for block in blocks:
        if block.lang not in RUNNABLE:
            continue
        if not block.runs:
            compile(block.code, block.where, "exec")  # no-run blocks must still be valid Python
            continue
        first = block.code.lstrip("\n").splitlines()[0] if block.code.strip() else ""
        m = _MODULE_LINE.match(first)
        if m:
            (docs_session / f"{m.group('name')}.py").write_text(block.code, encoding="utf-8")
            importlib.invalidate_caches()
        if "indicators" in block.code:
            _ensure_indicators_plugin()  # a block before may have reset the registry
        try:
            _run_block(block, namespace)
        except pytest.fail.Exception:
            raise
        except ModuleNotFoundError as exc:
            if (exc.name or "").split(".")[0] not in OPTIONAL_MODULES:
                raise
            # an example of an optional extra (matplotlib, pandas …) in an env without it
            warnings.warn(f"{block.where}: skipped, needs {exc.name}", stacklevel=1)
            continue
        except Exception as exc:
            snippet = textwrap.indent(block.code.rstrip(), "    ")
            pytest.fail(
                f"code example {block.where} raised {type(exc).__name__}: {exc}\n\n{snippet}",
                pytrace=True,
            )
        ran += 1
    if not any(b.lang in RUNNABLE for b in blocks):
        pytest.skip("no python examples on this page")
    assert ran or all(not b.runs for b in blocks if b.lang in RUNNABLE)


def test_every_page_is_in_the_site_nav() -> None:
    """mkdocs.yml lists every docs page (mkdocs --strict would only warn for a missing one)."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = set(re.findall(r"^\s*-\s*(?:[^:\n]+:\s*)?([\w./-]+\.md)\s*$", config, re.M))
    pages = {p.name for p in (ROOT / "docs").glob("*.md")}
    assert pages <= nav, f"pages missing from the nav in mkdocs.yml: {sorted(pages - nav)}"


def test_no_run_is_only_used_where_needed() -> None:
    """``no-run`` is for examples that need a cluster or the network, nothing else."""
    allowed = ("dask", "Client(", "http://", "https://", "pip install")
    for page in PAGES:
        for block in code_blocks(page):
            if "no-run" in block.directives:
                assert any(a in block.code for a in allowed), (
                    f"{block.where}: 'no-run' example that needs neither a cluster nor the network"
                )


def test_fence_parser_reads_info_strings(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "text\n\n```python no-run\nimport dask\n```\n\n````markdown\n```python\nx = 1\n```\n````\n"
        "\n  ```python\n  y = 2\n  ```\n",
        encoding="utf-8",
    )
    blocks = code_blocks(page)
    assert [(b.lang, b.directives, b.line) for b in blocks] == [
        ("python", ("no-run",), 3),
        ("markdown", (), 7),
        ("python", (), 13),
    ]
    assert not blocks[0].runs and blocks[2].runs and blocks[2].code == "y = 2\n"


# -- doctests in fazhi's modules --------------------------------------------------


def _modules_with_doctests() -> list[str]:
    names = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "__main__.py":
            continue
        source = path.read_text(encoding="utf-8")
        if ">>>" not in source:
            continue
        try:
            ast.parse(source)
        except SyntaxError:  # pragma: no cover - a syntax error fails elsewhere
            continue
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


@pytest.mark.parametrize("module_name", _modules_with_doctests())
def test_module_doctests(module_name: str, monkeypatch) -> None:
    import fazhi.plugins

    monkeypatch.chdir(ROOT)
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    tests = finder.find(module, module_name)
    # names created lazily (module __getattr__), e.g. fazhi.classifiers.genre.GenreClassifier
    lazy: dict[str, object] = {}
    for name in getattr(module, "__all__", ()):
        if name in vars(module):
            continue
        obj = getattr(module, name, None)
        if (inspect.isclass(obj) or inspect.isfunction(obj)) and obj.__module__ == module_name:
            lazy[name] = obj
            tests += finder.find(obj, f"{module_name}.{name}", module=module)
    tests = [t for t in tests if t.examples]
    for test in tests:
        test.globs.update(lazy)
    if not tests:
        pytest.skip("no doctests")
    runner = doctest.DocTestRunner(optionflags=DOCTEST_FLAGS)
    out: list[str] = []
    fazhi.plugins.reset()
    try:
        for test in sorted(tests, key=lambda t: t.name):
            runner.run(test, out=out.append)
    finally:
        fazhi.plugins.reset()
    assert not runner.failures, "".join(out)


def test_docs_pages_exist() -> None:
    """The pages the issue asks for are there."""
    for name in ("index", "getting-started", "api", "performance", "faq", "plugins", "cli"):
        assert (ROOT / "docs" / f"{name}.md").is_file(), name
    assert os.path.isfile(ROOT / "mkdocs.yml")
