"""Node programs the tests and benchmarks drive (Redocly CLI), installed once with npm into
bench/.node/ (ignored by git) at pinned versions."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

NODE = Path(__file__).resolve().parent.parent / "bench" / ".node"
REDOCLY = "@redocly/cli@2.77.0"


def _installed(package: str) -> bool:
    name, _, version = package.rpartition("@")
    manifest = NODE / "node_modules" / name / "package.json"
    try:
        return bool(json.loads(manifest.read_text(encoding="utf-8"))["version"] == version)
    except (OSError, ValueError, KeyError):
        return False


def install(*packages: str) -> Path:
    """The folder of the installed programs, after installing the packages (`name@version`)
    that are missing; RuntimeError when npm is missing or fails."""
    missing = [package for package in packages if not _installed(package)]
    if missing:
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is needed to install " + ", ".join(missing))
        done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(NODE),
                               *missing], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"npm install {' '.join(missing)} failed: {done.stderr[-2000:]}")
    return NODE / "node_modules" / ".bin"
