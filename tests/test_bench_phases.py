"""The phase profiler charges each second to the innermost phase, and names parses, facts and rules."""
from __future__ import annotations

import subprocess
import sys

from linter.bench import phases
from linter.testing import minimal_files

from conftest import ROOT, write_bundle


def test_nested_time_is_taken_out_of_the_caller(monkeypatch):
    ticks = iter([0.0, 1.0, 3.0, 10.0])  # outer starts, inner starts, inner ends, outer ends
    monkeypatch.setattr(phases, "_clock", lambda: next(ticks))
    ledger = phases.Ledger()
    ledger.run("outer", lambda: ledger.run("inner", lambda: None))
    assert ledger.spent == {"inner": 2.0, "outer": 8.0}
    assert ledger.calls == {"inner": 1, "outer": 1}


def test_phases_report_names_parses_facts_and_rules(tmp_path):
    files = minimal_files("experiment")
    bundle = write_bundle(tmp_path / "b", files)
    # A fresh process: the profiler patches the engine's classes for the rest of its life.
    done = subprocess.run([sys.executable, "-m", "linter.bench.phases", "--top", "200", str(bundle)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = {line.split()[-1] for line in done.stdout.splitlines()[3:] if line.strip()}
    assert "python" in rows and "EXP202" in rows
    assert any(row in rows for row in ("Scopes", "Imports", "ConfigReads"))
