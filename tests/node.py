"""Node programs the tests and benchmarks drive (Redocly CLI), installed once with npm into
bench/.node/ (ignored by git) at pinned versions."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

NODE = Path(__file__).resolve().parent.parent / "bench" / ".node"
REDOCLY = "@redocly/cli@2.77.0"
"""The benchmarks' peer; it needs Node 20.19 or later."""
BUNDLER = "@redocly/cli@1.34.5"
"""The tests' bundler, in a folder of its own: it runs on Node 18.17 or later, so on the Node
that Debian 12 packages as well (CI installs Debian's when a machine has none)."""


def _installed(package: str, prefix: Path) -> bool:
    name, _, version = package.rpartition("@")
    manifest = prefix / "node_modules" / name / "package.json"
    try:
        return bool(json.loads(manifest.read_text(encoding="utf-8"))["version"] == version)
    except (OSError, ValueError, KeyError):
        return False


def install(*packages: str, prefix: Path = NODE) -> Path:
    """The folder of the programs installed under `prefix`, after installing the packages
    (`name@version`) that are missing; RuntimeError when npm is missing or fails."""
    missing = [package for package in packages if not _installed(package, prefix)]
    if missing:
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is needed to install " + ", ".join(missing))
        done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(prefix),
                               *missing], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"npm install {' '.join(missing)} failed: {done.stderr[-2000:]}")
    return prefix / "node_modules" / ".bin"
