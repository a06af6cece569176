"""Writing a plugin: walk through plugins/fazhi-indicators, build it, install it, run it.

The script version of ``03_writing_a_plugin.ipynb``. Run it from anywhere in a
fazhi checkout, in the environment where fazhi is installed::

    pip install build hatchling                 # to build wheels offline (--no-isolation)
    python examples/writing_a_plugin.py         # builds, installs, runs, uninstalls again
    python examples/writing_a_plugin.py --keep  # ... and leaves the plugin installed

Everything works offline, from the local directory. If fazhi-indicators is
already installed (e.g. ``pip install -e plugins/fazhi-indicators``), the script
uses that installation and leaves it alone.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "plugins" / "fazhi-indicators"
SEED_001 = ROOT / "seeds" / "001_05b26b594b77e45e.txt"


def step(title: str) -> None:
    print(f"\n== {title}")


def installed_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    print("$", " ".join(str(c) for c in cmd))
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", action="store_true", help="leave the plugin installed at the end")
    args = ap.parse_args(argv)

    step("1. the entry point: the whole integration is one table in pyproject.toml")
    for line in (PLUGIN / "pyproject.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith(("name", "dependencies", "[project.entry-points", "indicators =")):
            print("   ", line)

    step("2. the hook implementation (src/fazhi_indicators/__init__.py)")
    init = (PLUGIN / "src" / "fazhi_indicators" / "__init__.py").read_text(encoding="utf-8")
    hook = init[init.index("@hookimpl") : init.index("def __getattr__")].rstrip()
    print("\n".join("    " + line for line in hook.splitlines()))

    was_installed = installed_version("fazhi-indicators") is not None
    with tempfile.TemporaryDirectory(prefix="fazhi-indicators-dist-") as dist:
        step("3. build the wheel (offline: --no-isolation uses this environment's hatchling)")
        run(
            [
                sys.executable,
                "-m",
                "build",
                "--wheel",
                "--no-isolation",
                "--outdir",
                dist,
                str(PLUGIN),
            ],
            env={**os.environ, "NO_COLOR": "1"},
        )
        print("   ", *(p.name for p in Path(dist).glob("*.whl")))

        step("4. install it into this Python's environment")
        if was_installed:
            print(
                "    already installed:",
                installed_version("fazhi-indicators"),
                "- leaving it as it is",
            )
        else:
            run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "install",
                    "--no-deps",
                    "--no-index",
                    "--find-links",
                    dist,
                    "--disable-pip-version-check",
                    "fazhi-indicators",
                ]
            )
            importlib.invalidate_caches()
            print("    installed fazhi-indicators", installed_version("fazhi-indicators"))

    try:
        step("5. `fazhi plugins` lists it")
        env = {k: v for k, v in os.environ.items() if k != "FAZHI_LOAD_PLUGINS"}
        listing = json.loads(run([sys.executable, "-m", "fazhi", "plugins"], env=env).stdout)
        for p in listing:
            print(
                f"    {p['name']} {p['version']} ({p['kind']}, entry point {p['entry_point']!r}): "
                f"{p['status']}, registered {p['registered']}"
            )
        blocked = json.loads(
            run(
                [sys.executable, "-m", "fazhi", "plugins"],
                env={**env, "FAZHI_DISABLE_PLUGINS": "indicators"},
            ).stdout
        )
        print(
            "    with FAZHI_DISABLE_PLUGINS=indicators:",
            [(p["name"], p["status"]) for p in blocked],
        )

        step("6. run it")
        import fazhi
        import fazhi.plugins

        fazhi.plugins.load(only=None)
        print("    classifiers:", fazhi.plugins.classifier_names())
        report = fazhi.analyze(SEED_001)
        indicators = report["indicators"]
        print(f"    {len(indicators)} indicators in {report.title}, e.g.:")
        for p in indicators[:10]:
            r = p.data
            print(
                f"      {r['what'][:20]:20} {r['value']:>8} {r['unit']:4} {r['qualifier'] or '':4} [{r['topic']}]"
            )
    finally:
        if not was_installed and not args.keep:
            step("7. clean up: uninstall it again")
            run([sys.executable, "-m", "pip", "uninstall", "--yes", "fazhi-indicators"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
