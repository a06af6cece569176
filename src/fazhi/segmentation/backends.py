"""Segmenter backends: the protocol, the jieba and rjieba built-ins, and name resolution.

A backend cuts plain text into words and accepts extra dictionary words. It
knows nothing of fazhi's lexicon, protected phrases, offsets or stop words:
:class:`fazhi.Segmenter` adds those around it. A backend *factory* is any
zero-argument callable returning a backend (a backend class works); third
parties register factories through fazhi's plugin system, and
:func:`backend_factories` lists every name a :class:`~fazhi.Segmenter` accepts.

Neither jieba nor rjieba is imported when this module is imported: each
backend imports its engine when it is created.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import importlib.util
import logging
import marshal
import os
import re
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from fazhi.errors import UnknownNameError
from fazhi.segmentation.dag import DagCutter

if TYPE_CHECKING:
    import rjieba

__all__ = [
    "ENV_CACHE_DIR",
    "ENV_NO_CACHE",
    "ENV_SEGMENTER",
    "BackendFactory",
    "JiebaBackend",
    "RjiebaBackend",
    "SegmenterBackend",
    "backend_factories",
    "cache_dir",
    "cache_entries",
    "cache_location",
    "clear_cache",
    "resolve_backend_name",
    "rjieba_available",
]

logger = logging.getLogger(__name__)

#: Environment variable that forces the backend used for ``backend="auto"``.
ENV_SEGMENTER = "FAZHI_SEGMENTER"
#: Environment variable naming fazhi's cache directory (default: the per-user cache dir).
ENV_CACHE_DIR = "FAZHI_CACHE_DIR"
#: Set to a non-empty value other than ``0`` to never read or write fazhi's jieba cache.
ENV_NO_CACHE = "FAZHI_NO_CACHE"

FAST_HINT = 'pip install "fazhi[fast]"'

#: How many built jieba dictionaries (~9 MB each) the cache keeps. Each virtual
#: environment or tox env has its own jieba, hence its own entry; without a bound the
#: directory grows by one entry per environment ever used. The least recently used go.
MAX_CACHE_ENTRIES = 8
# the files fazhi writes into its cache directory, and nothing else is ever deleted there
_CACHE_GLOB = "jieba-prefix-*.marshal"
_TMP_GLOB = ".jieba-*.tmp"
# a temp file this old is left over from a killed process (a write takes well under 1 s)
_STALE_TMP_SECONDS = 3600.0
# a cache hit refreshes the entry's mtime (its "last used") at most this often
_TOUCH_AFTER_SECONDS = 3600.0


@runtime_checkable
class SegmenterBackend(Protocol):
    """What fazhi needs from a word segmenter.

    ``cut`` returns the words of ``text`` in order; joined they must give
    ``text`` back exactly (fazhi checks this and realigns otherwise, at a
    cost). ``hmm`` asks for jieba-style discovery of words that are not in
    the dictionary; a backend without such a model may ignore it.
    ``add_word`` adds a dictionary word; ``freq=None`` means "a frequency
    that keeps the word whole". A backend may also have a ``version: str``
    attribute, which fazhi reports.

    fazhi calls ``cut`` from several threads at once. It never calls
    ``add_word`` while a ``cut`` of the same backend is running, unless the
    backend has a true ``concurrent_add_word`` attribute (it then promises
    that ``add_word`` during cuts is safe, which spares every ``cut`` a
    lock).
    """

    name: str

    def cut(self, text: str, hmm: bool) -> list[str]: ...

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None: ...


#: Anything that builds a backend when called with no argument (a backend class works).
BackendFactory = Callable[[], SegmenterBackend]


# -- jieba ---------------------------------------------------------------

_jieba_module: ModuleType | None = None
_jieba_import_lock = threading.Lock()


def _import_jieba() -> ModuleType:
    """Import jieba once, hiding the warnings its 2020 sources raise on modern Pythons.

    jieba 0.42.1 has invalid escape sequences (``SyntaxWarning`` on 3.12+,
    ``DeprecationWarning`` before) and imports ``pkg_resources``
    (``DeprecationWarning``/``UserWarning``). They are silenced only during
    fazhi's own import of jieba; a user's ``import jieba`` is untouched.
    jieba's logger is left alone: fazhi never calls the jieba code paths
    that log (it builds the prefix dictionary itself).
    """
    global _jieba_module
    if _jieba_module is not None:
        return _jieba_module
    with _jieba_import_lock:
        if _jieba_module is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SyntaxWarning)
                warnings.simplefilter("ignore", DeprecationWarning)
                warnings.simplefilter("ignore", PendingDeprecationWarning)
                warnings.filterwarnings("ignore", category=UserWarning, message=".*pkg_resources.*")
                _jieba_module = importlib.import_module("jieba")
        return _jieba_module


def cache_dir() -> Path | None:
    """fazhi's per-user cache directory, or ``None`` when caching is switched off.

    ``$FAZHI_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/fazhi``, else
    ``~/.cache/fazhi`` (``%LOCALAPPDATA%\\fazhi\\Cache`` on Windows).
    ``FAZHI_NO_CACHE=1`` switches the cache off. The directory is not created
    here.
    """
    if os.environ.get(ENV_NO_CACHE, "") not in ("", "0"):
        return None
    return cache_location()


def cache_location() -> Path:
    """Where the cache is, or would be if ``FAZHI_NO_CACHE`` did not switch it off."""
    explicit = os.environ.get(ENV_CACHE_DIR)
    if explicit:
        return Path(explicit).expanduser()
    if sys.platform == "win32":  # pragma: no cover - not run on the CI platform
        base = os.environ.get("LOCALAPPDATA")
        return Path(base, "fazhi", "Cache") if base else Path.home() / "AppData/Local/fazhi/Cache"
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "fazhi"
    return Path.home() / ".cache" / "fazhi"


def cache_entries(directory: Path | None = None) -> list[Path]:
    """The dictionary files in fazhi's cache, most recently used first.

    ``directory`` defaults to :func:`cache_dir`; an empty list when caching is
    off or the directory does not exist.
    """
    directory = cache_dir() if directory is None else directory
    if directory is None:
        return []
    found: list[tuple[float, Path]] = []
    try:
        candidates = list(directory.glob(_CACHE_GLOB))
    except OSError:
        return []
    for path in candidates:
        try:
            found.append((path.stat().st_mtime, path))
        except OSError:  # removed meanwhile by another process
            continue
    found.sort(key=lambda item: (-item[0], item[1].name))
    return [path for _, path in found]


def clear_cache(directory: Path | None = None) -> list[Path]:
    """Delete fazhi's cached dictionaries (and leftover temp files); return what was deleted.

    Only files fazhi writes are touched: ``jieba-prefix-*.marshal`` and
    ``.jieba-*.tmp``. The directory itself stays.
    """
    directory = cache_dir() if directory is None else directory
    if directory is None or not directory.is_dir():
        return []
    removed: list[Path] = []
    for path in [*directory.glob(_CACHE_GLOB), *directory.glob(_TMP_GLOB)]:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            logger.debug("could not delete cache file %s: %s", path, exc)
            continue
        removed.append(path)
    return sorted(removed)


def _prune_cache(directory: Path, keep: Path, limit: int = MAX_CACHE_ENTRIES) -> None:
    """Keep the ``limit`` most recently used entries (always ``keep``); drop stale temp files."""
    entries = [p for p in cache_entries(directory) if p != keep]
    doomed = entries[max(limit - 1, 0) :]
    now = time.time()
    for tmp in directory.glob(_TMP_GLOB):
        try:
            if now - tmp.stat().st_mtime > _STALE_TMP_SECONDS:
                doomed.append(tmp)
        except OSError:
            continue
    for path in doomed:
        try:
            path.unlink()
            logger.debug("pruned jieba cache file %s", path)
        except OSError:  # another process pruned it first, or it is not ours to delete
            continue


def _private_dir(path: Path) -> bool:
    """Create ``path`` (mode 0700) if needed; True when it is ours and not writable by others."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = path.stat()
    except OSError as exc:
        logger.debug("cache dir %s unusable: %s", path, exc)
        return False
    if os.name == "posix" and (st.st_uid != os.getuid() or st.st_mode & 0o022):
        logger.debug("cache dir %s is not private to this user; not used", path)
        return False
    return True


def _build_prefix_dict(data: str) -> tuple[dict[str, int], int]:
    """jieba's prefix dictionary from ``dict.txt`` text: same result as ``gen_pfdict``, ~1.5x faster.

    Each line is ``word freq [tag]``. Every proper prefix of a word maps to 0
    unless it is a word itself; a repeated word keeps its last frequency while
    the total counts every line (as jieba does).
    """
    words: list[str] = []
    freqs: list[int] = []
    for lineno, line in enumerate(data.splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        try:
            words.append(parts[0])
            freqs.append(int(parts[1]))
        except (IndexError, ValueError):
            raise ValueError(f"invalid jieba dictionary entry at line {lineno}: {line!r}") from None
    lfreq: dict[str, int] = {}
    for w in words:
        n = len(w)
        if n > 1:
            lfreq[w[:1]] = 0
            if n > 2:
                lfreq[w[:2]] = 0
                for i in range(3, n):
                    lfreq[w[:i]] = 0
    lfreq.update(zip(words, freqs, strict=True))
    return lfreq, sum(freqs)


class JiebaBackend:
    """jieba 0.42.1 with a private ``jieba.Tokenizer`` (``jieba.dt`` is never touched).

    The prefix dictionary (~0.5 s, ~75 MB) is built on first use, under the
    tokenizer's lock. fazhi builds it itself rather than through jieba's
    ``initialize()``, so jieba never writes ``jieba.cache`` into the shared
    temp directory and never logs. With ``cache=True`` (the default unless
    ``FAZHI_NO_CACHE`` is set) the built dictionary is stored in the
    per-user :func:`cache_dir` and read back by later processes, which is
    faster than building it (see ``docs/segmentation.md``, Performance).
    """

    name = "jieba"
    #: add_word only inserts into the tokenizer's dict; cuts only read it (atomic under the GIL)
    concurrent_add_word = True

    def __init__(self, *, cache: bool | None = None) -> None:
        jieba = _import_jieba()
        self.version: str = str(getattr(jieba, "__version__", "unknown"))
        self._jieba = jieba
        tok = jieba.Tokenizer()
        self._tok: Any = tok
        directory = cache_dir() if cache is None or cache else None
        self._cache_dir = directory
        # Should anything still call jieba's own initialize(), keep its cache out of /tmp.
        if directory is not None:
            tok.tmp_dir = str(directory)
        self._built = False
        # HMM-free cuts by fazhi's faster, identical implementation of jieba's
        # algorithm (fazhi.segmentation.dag) for the jieba version it was checked
        # against; FAZHI_JIEBA_DAG=0 uses jieba's own code.
        self._dag: DagCutter | None = None
        patterns: list[Any] = [
            getattr(jieba, n, None) for n in ("re_han_default", "re_skip_default", "re_eng")
        ]
        if (
            os.environ.get("FAZHI_JIEBA_DAG", "1") != "0"
            and self.version.startswith("0.42")  # the jieba whose algorithm dag.py reproduces
            and all(isinstance(p, re.Pattern) for p in patterns)
        ):
            han, skip, eng = patterns
            self._dag = DagCutter(tok, han=han, skip=skip, eng=eng)

    def __repr__(self) -> str:
        return f"<JiebaBackend jieba {self.version} built={self._built}>"

    @property
    def tokenizer(self) -> Any:
        """The private ``jieba.Tokenizer`` (built on first use); for read-only inspection."""
        self._ensure_built()
        return self._tok

    # -- dictionary --------------------------------------------------------
    def _dict_path(self) -> Path | None:
        if self._tok.dictionary is not None:
            return Path(self._tok.dictionary)
        module_file = self._jieba.__file__
        if module_file is None:  # pragma: no cover - namespace/zip import
            return None
        path = Path(module_file).with_name("dict.txt")
        return path if path.is_file() else None

    def _cache_file(self, dict_path: Path) -> Path | None:
        if self._cache_dir is None:
            return None
        try:
            st = dict_path.stat()
        except OSError:
            return None
        key = "|".join(
            (
                "fazhi-jieba-prefix-1",
                str(dict_path.resolve()),
                str(st.st_size),
                str(st.st_mtime_ns),
                self.version,
                f"{sys.version_info[0]}.{sys.version_info[1]}",
                str(marshal.version),
            )
        )
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        return self._cache_dir / f"jieba-prefix-{digest}.marshal"

    def _load_cache(self, path: Path) -> tuple[dict[str, int], int] | None:
        if not path.is_file() or not _private_dir(path.parent):
            return None
        try:
            # marshal.loads on bytes is ~3x faster than marshal.load on a file object
            value = marshal.loads(path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError) as exc:
            logger.debug("ignoring unreadable jieba cache %s: %s", path, exc)
            return None
        if (
            isinstance(value, tuple)
            and len(value) == 2
            and isinstance(value[0], dict)
            and isinstance(value[1], int)
        ):
            self._mark_used(path)
            return value[0], value[1]
        logger.debug("ignoring malformed jieba cache %s", path)
        return None

    @staticmethod
    def _mark_used(path: Path) -> None:
        """Refresh the entry's mtime, which is what pruning ranks by (at most hourly)."""
        try:
            if time.time() - path.stat().st_mtime > _TOUCH_AFTER_SECONDS:
                os.utime(path)
        except OSError:  # read-only cache directory: the entry still serves
            pass

    def _write_cache(self, path: Path, freq: dict[str, int], total: int) -> None:
        if not _private_dir(path.parent):
            return
        try:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".jieba-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(marshal.dumps((freq, total)))
                os.replace(tmp, path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError as exc:
            logger.debug("could not write jieba cache %s: %s", path, exc)
            return
        _prune_cache(path.parent, keep=path)

    def _ensure_built(self) -> None:
        if not self._built:
            with self._tok.lock:
                self._build_locked()

    def _build_locked(self) -> None:
        tok = self._tok
        if not self._built:
            if not tok.initialized:
                dict_path = self._dict_path()
                cache = self._cache_file(dict_path) if dict_path is not None else None
                loaded = self._load_cache(cache) if cache is not None else None
                if loaded is None:
                    if dict_path is not None:
                        data = dict_path.read_bytes().decode("utf-8")
                    else:  # pragma: no cover - jieba installed as a zip
                        with tok.get_dict_file() as fh:
                            data = fh.read().decode("utf-8")
                    loaded = _build_prefix_dict(data)
                    if cache is not None:
                        self._write_cache(cache, *loaded)
                tok.FREQ, tok.total = loaded
                tok.initialized = True
            self._built = True

    # -- protocol ------------------------------------------------------------
    def cut(self, text: str, hmm: bool) -> list[str]:
        if not self._built:
            self._ensure_built()
        if not hmm and self._dag is not None:
            return self._dag.lcut(text)
        result: list[str] = self._tok.lcut(text, False, hmm)
        return result

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        """Add a word to this backend's dictionary (jieba's ``add_word`` semantics).

        Unlike ``jieba.Tokenizer.add_word``, ``freq=0`` does not register a
        forced split in jieba's *module-global* HMM state: it only removes the
        word from this tokenizer's dictionary.
        """
        self._ensure_built()
        tok = self._tok
        with tok.lock:
            value = int(freq) if freq is not None else int(tok.suggest_freq(word, False))
            tok.FREQ[word] = value
            tok.total += value
            if tag:
                tok.user_word_tag_tab[word] = tag
            for i in range(1, len(word)):
                if word[:i] not in tok.FREQ:
                    tok.FREQ[word[:i]] = 0
            if self._dag is not None:
                # a new dict: a cut running concurrently keeps writing into the old one
                self._dag.invalidate()


# -- rjieba ----------------------------------------------------------------


class RjiebaBackend:
    """rjieba (Rust jieba-rs): the same algorithm and, with ``hmm=False``, the same tokens, ~10-20x faster.

    Needs the optional extra: ``pip install "fazhi[fast]"``. The Rust code
    releases the GIL while cutting.
    """

    name = "rjieba"
    #: see add_word: writers pause new cuts and retry while cuts are in flight
    concurrent_add_word = True

    def __init__(self) -> None:
        try:
            module = _import_rjieba()
        except ImportError as exc:
            raise ImportError(
                f'the "rjieba" segmenter backend needs the rjieba package: {FAST_HINT}'
            ) from exc
        self._rjieba: rjieba.Jieba = module.Jieba()
        self._version: str | None = None
        # rjieba's cut borrows the Rust object and releases the GIL; an
        # add_word meanwhile fails with "RuntimeError: Already borrowed".
        # A writer closes the gate (new cuts wait) and retries until the
        # cuts in flight are done. Cuts only read a bool when no writer runs.
        self._paused = False
        self._gate = threading.Event()
        self._gate.set()
        self._write_lock = threading.Lock()

    @property
    def version(self) -> str:
        """The installed rjieba version (looked up on first access)."""
        if self._version is None:
            self._version = _dist_version("rjieba")
        return self._version

    def __repr__(self) -> str:
        return f"<RjiebaBackend rjieba {self.version}>"

    def cut(self, text: str, hmm: bool) -> list[str]:
        if self._paused:
            self._gate.wait()
        try:
            words = self._rjieba.cut(text, hmm)
        except UnicodeEncodeError:  # lone surrogates cannot cross into Rust
            return self._cut_surrogates(text, hmm)
        except RuntimeError as exc:  # pragma: no cover - a writer holds the object
            if "borrow" not in str(exc):
                raise
            words = self._cut_retry(text, hmm)
        if hmm and _SYMBOLS.search(text):
            return self._jieba_hmm_symbols(words)
        return words

    def _jieba_hmm_symbols(self, words: list[str]) -> list[str]:
        """Split non-dictionary tokens such as ``2025-02-14`` the way jieba's HMM does.

        With the HMM on, jieba sends unknown runs through ``finalseg``, which
        cuts non-Chinese text into ``[a-zA-Z0-9]+(\\.\\d+)?%?`` pieces and the
        rest (``2025``, ``-``, ``02`` …); jieba-rs keeps ``2025-02-14`` whole.
        """
        out: list[str] = []
        has_word = self._rjieba.has_word
        for w in words:
            if (
                len(w) > 1
                and _SYMBOLS.search(w)
                and _NON_HAN_TOKEN.fullmatch(w)
                and not has_word(w)
            ):
                out.extend(piece for piece in _FINALSEG_SKIP.split(w) if piece)
            else:
                out.append(w)
        return out

    def _cut_surrogates(self, text: str, hmm: bool) -> list[str]:
        out: list[str] = []
        for piece in _SURROGATES.split(text):
            if not piece:
                continue
            if _SURROGATES.fullmatch(piece):
                out.extend(piece)
            else:
                out.extend(self.cut(piece, hmm))
        return out

    def _cut_retry(self, text: str, hmm: bool) -> list[str]:  # pragma: no cover - timing
        for delay in _RETRY_DELAYS:
            time.sleep(delay)
            self._gate.wait()
            try:
                return self._rjieba.cut(text, hmm)
            except RuntimeError as exc:
                if "borrow" not in str(exc):
                    raise
        return self._rjieba.cut(text, hmm)

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        with self._write_lock:
            self._gate.clear()
            self._paused = True
            try:
                for delay in _RETRY_DELAYS:
                    try:
                        self._rjieba.add_word(word, freq, tag)
                        return
                    except RuntimeError as exc:  # a cut started before the pause
                        if "borrow" not in str(exc):
                            raise
                    time.sleep(delay)
                self._rjieba.add_word(word, freq, tag)
            finally:
                self._paused = False
                self._gate.set()


_RETRY_DELAYS = (0.0, 0.0001, 0.0005, 0.001, 0.005, *([0.01] * 500))


_SYMBOLS = re.compile(r"[+#&._%\-]")
_NON_HAN_TOKEN = re.compile(r"[a-zA-Z0-9+#&._%\-]+")
_FINALSEG_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_SURROGATES = re.compile(r"([\ud800-\udfff]+)")


def _import_rjieba() -> ModuleType:
    """The module that defines ``rjieba.Jieba``.

    ``import rjieba`` runs its ``__init__``, which builds a module-level
    default ``Jieba()`` (~0.1 s, a second copy of the dictionary) that fazhi
    never uses. When rjieba is not imported yet, fazhi loads only the compiled
    extension ``rjieba.rjieba`` and registers it in ``sys.modules`` under that
    name, exactly as ``import rjieba`` would; a later ``import rjieba`` by the
    user reuses it. Any surprise falls back to a plain ``import rjieba``.
    """
    loaded = sys.modules.get("rjieba.rjieba") or sys.modules.get("rjieba")
    if loaded is not None and hasattr(loaded, "Jieba"):
        return loaded
    try:
        spec = importlib.util.find_spec("rjieba")
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        raise ImportError("No module named 'rjieba'", name="rjieba")
    try:
        locations = spec.submodule_search_locations
        ext = importlib.machinery.PathFinder.find_spec("rjieba.rjieba", locations)
        if (
            ext is None
            or ext.loader is None
            or not isinstance(ext.loader, importlib.machinery.ExtensionFileLoader)
        ):
            raise ImportError("rjieba.rjieba is not an extension module")
        with _rjieba_import_lock:
            already = sys.modules.get("rjieba.rjieba")
            if already is not None:
                return already
            module = importlib.util.module_from_spec(ext)
            ext.loader.exec_module(module)
            if not hasattr(module, "Jieba"):
                raise ImportError("rjieba.rjieba has no Jieba")
            sys.modules["rjieba.rjieba"] = module
            return module
    except ImportError as exc:
        logger.debug("loading rjieba's extension directly failed (%s); importing rjieba", exc)
        return importlib.import_module("rjieba")


_rjieba_import_lock = threading.Lock()


def _dist_version(dist: str) -> str:
    try:
        from importlib.metadata import version

        return version(dist)
    except Exception:  # pragma: no cover - metadata missing (vendored copy)
        return "unknown"


# -- names ----------------------------------------------------------------------

_BUILTIN_FACTORIES: dict[str, BackendFactory] = {
    "jieba": JiebaBackend,
    "rjieba": RjiebaBackend,
}


def backend_factories() -> dict[str, BackendFactory]:
    """Every backend name a :class:`~fazhi.Segmenter` accepts, with its factory.

    The built-ins ``jieba`` and ``rjieba`` (always listed; creating ``rjieba``
    without the package raises :class:`ImportError`) plus those registered by
    plugins through :func:`fazhi.plugins.segmenter_factories`.
    """
    factories = dict(_BUILTIN_FACTORIES)
    try:
        from fazhi.plugins import segmenter_factories
    except ImportError as exc:  # the plugin system is optional for segmentation
        logger.debug("segmenter plugins unavailable: %s", exc)
        return factories
    factories.update(segmenter_factories())
    return factories


def rjieba_available() -> bool:
    """Whether rjieba can be imported (checked without importing it)."""
    try:
        return importlib.util.find_spec("rjieba") is not None
    except (ImportError, ValueError):  # pragma: no cover - broken installs
        return False


def resolve_backend_name(name: str) -> str:
    """The concrete backend name for ``name``: ``"auto"`` becomes ``$FAZHI_SEGMENTER``,
    else ``"rjieba"`` when it is installed, else ``"jieba"``. Other names are returned unchanged."""
    if name != "auto":
        return name
    forced = os.environ.get(ENV_SEGMENTER, "").strip()
    if forced:
        return forced
    return "rjieba" if rjieba_available() else "jieba"


def get_backend_factory(name: str) -> tuple[str, BackendFactory]:
    """Resolve ``name`` (``"auto"`` included) to ``(concrete name, factory)``.

    Raises :class:`~fazhi.errors.UnknownNameError` listing the valid names.
    """
    concrete = resolve_backend_name(name)
    builtin = _BUILTIN_FACTORIES.get(concrete)
    if builtin is not None:
        # Built-in names need no plugin scan (a plugin registering "jieba" or
        # "rjieba" again is a conflict); this keeps the cold start short.
        return concrete, builtin
    factories = backend_factories()
    try:
        return concrete, factories[concrete]
    except KeyError:
        kind = "segmenter backend"
        if name == "auto":
            kind = f"segmenter backend (from ${ENV_SEGMENTER})"
        raise UnknownNameError(kind, concrete, ["auto", *factories]) from None
