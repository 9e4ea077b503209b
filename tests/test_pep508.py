"""linter.parsing.pep508 accepts only what packaging accepts, and means the same by it."""
from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from linter.parsing.pep508 import allows, simple_requirement, simple_specifiers

from conftest import ROOT

# Pieces near the simple grammar's edges, valid and not, for generated strings.
NAMES = st.sampled_from(["numpy", "torch", "scikit-learn", "a", "A.b_c-9", "-bad", "bad-", "x y", "", "9"])
OPERATORS = st.sampled_from(["==", "!=", ">=", "<=", ">", "<", "~=", "===", "=", "=>", ""])
RELEASES = st.sampled_from(["1", "1.2", "1.2.3", "3.10", "0", "01.2", "1.*", "1.2.*", "1.2rc1", "1.0+cu118", "1..2", "", ".1", "v1"])
SPACES = st.sampled_from(["", " ", "  "])


@st.composite
def clause_lists(draw):
    clauses = [draw(SPACES) + draw(OPERATORS) + draw(SPACES) + draw(RELEASES) + draw(SPACES)
               for _ in range(draw(st.integers(0, 3)))]
    return draw(st.sampled_from([",", ", ", ",,"])).join(clauses) + draw(st.sampled_from(["", ",", ";x", " "]))


@st.composite
def requirements(draw):
    extras = draw(st.sampled_from(["", "[cuda]", "[a, b]", "[]", "[a,]", "[ a ]"]))
    return draw(SPACES) + draw(NAMES) + draw(SPACES) + extras + draw(clause_lists())


def _packaging_accepts(text: str) -> bool:
    try:
        Requirement(text)
    except InvalidRequirement:
        return False
    return True


@settings(max_examples=3000, deadline=None)
@given(requirements())
def test_a_simple_requirement_is_one_packaging_accepts(text):
    if simple_requirement(text):
        assert _packaging_accepts(text), text


@settings(max_examples=3000, deadline=None)
@given(clause_lists())
def test_simple_specifiers_mean_what_packaging_means(text):
    clauses = simple_specifiers(text)
    if clauses is None:
        return
    try:
        spec = SpecifierSet(text)
    except InvalidSpecifier:
        pytest.fail(f"{text!r} accepted here, refused by packaging")
    for version in ("0", "0.9", "1", "1.0.0", "1.1", "1.2", "1.2.3", "1.2.4", "1.3", "2", "3.9.1", "3.10.0", "3.10.5", "4"):
        release = tuple(int(n) for n in version.split("."))
        assert allows(clauses, release) == spec.contains(version, prereleases=True), (text, version)


@pytest.mark.parametrize("text", ["numpy", "numpy>=1.24", "torch >= 2.0, < 3", "scikit-learn==1.3.*", "pkg[cuda,extra]~=1.2",
                                  "hydra-core!=1.1.0"])
def test_common_forms_are_recognised(text):
    assert simple_requirement(text) and _packaging_accepts(text)


@pytest.mark.parametrize("text", ["numpy>=1.0,", "numpy>=1.*", "numpy~=1", "torch==2.0+cu118", "numpy; python_version<'3.9'",
                                  "pkg @ https://example.org/p.whl", "numpy>=1.0rc1", "numpy===1.0"])
def test_other_forms_are_left_to_packaging(text):
    assert not simple_requirement(text)


def test_a_cold_run_on_a_bundle_with_simple_requirements_does_not_import_packaging(tmp_path):
    # Lazy modules (linter/vendor/lazy.py) may be registered; none may have run.
    from linter.testing import minimal_files

    from conftest import write_bundle

    bundle = write_bundle(tmp_path / "b", minimal_files("experiment"))
    code = ("import sys; from linter.cli import main\n"
            f"status = main(['--exit-zero', {str(bundle)!r}])\n"
            "print(sorted(name for name, m in sys.modules.items()\n"
            "             if name.startswith('packaging.') and type(m).__name__ != '_LazyModule'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


GRID = ("0", "0.9", "1", "1.0.0", "1.1", "1.2", "1.2.3", "1.2.4", "1.3", "2", "3.8.0", "3.9.1", "3.10.0", "3.10.5",
        "3.11.0", "3.11.99", "3.12.5", "3.13.0", "4")


@pytest.mark.parametrize("text", ["", ">=3.10", ">=3.8,<3.12", "==3.11.*", "!=3.11.*, >=3.9", "~=3.9", "~=3.9.1", "<4",
                                  ">3.10", "<=3.12", "==3.10", "!=3.10.0"])
def test_common_specifiers_are_recognised_and_mean_what_packaging_means(text):
    clauses = simple_specifiers(text)
    assert clauses is not None, text
    spec = SpecifierSet(text)
    for version in GRID:
        assert allows(clauses, tuple(int(n) for n in version.split("."))) == spec.contains(version, prereleases=True), (text, version)


@pytest.mark.parametrize("text", [">=3.10,", ">=3.*", "~=3", ">=3.10rc1", "==3.10+local", "===3.10", ">=3.10;x", "3.10"])
def test_other_specifiers_are_left_to_packaging(text):
    assert simple_specifiers(text) is None


@pytest.mark.parametrize("text", [">=3.10", ">=3.8,<3.12", "!=3.8.*,>=3.7", "~=3.9", ">3.9", "<3"])
def test_lowest_python_is_the_same_with_or_without_packaging(text, monkeypatch):
    from rules import runnable

    fast = runnable._lowest_python(text)
    monkeypatch.setattr(runnable, "simple_specifiers", lambda _text: None)  # force the packaging path
    assert fast == runnable._lowest_python(text)
