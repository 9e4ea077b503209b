"""The speed floor parses every Python file of its inputs, with LibCST's parse or exp-lint's."""
from __future__ import annotations

import subprocess
import sys

import pytest

from linter.testing import minimal_files

from conftest import ROOT, write_bundle


@pytest.mark.parametrize("options", [[], ["--exp-lint-parse"], ["--jobs", "2"], ["--jobs", "2", "--exp-lint-parse"]])
def test_floor_parses_every_python_file_of_every_input(tmp_path, options):
    files = minimal_files("experiment")
    bundles = [str(write_bundle(tmp_path / name, files)) for name in ("a", "b")]
    python_files = sum(name.endswith(".py") for name in files)
    done = subprocess.run([sys.executable, "-m", "linter.bench.floor", *options, *bundles],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"parsed {2 * python_files} Python files from 2 inputs"
