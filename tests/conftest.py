from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("EXP_LINT_SHARED") or ROOT.parent / "shared")  # a worktree elsewhere can point at it
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus" / "dev"


def needs_shared(path: Path):
    return pytest.mark.skipif(not path.exists(), reason=f"{path} is not beside the project (../shared/ comes with sessions and CI, not with a plain clone)")


def run_cli(*args: str, stdin: str | None = None, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """exp-lint in a fresh process, as users run it."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS",)}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "linter", *args],
        input=stdin, capture_output=True, text=True, env=full_env, cwd=cwd or ROOT, timeout=120,
    )


def write_bundle(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root
