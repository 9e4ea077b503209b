"""The pre-compiled pyproject validator (linter/vendor) is what validate-pyproject generates."""
from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

from linter.vendor.__main__ import PLUGINS, TARGET, generate
from linter.vendor.pyproject_validator import _source, validate

validate_pyproject = pytest.importorskip("validate_pyproject")

SAME_VERSIONS = _source.GENERATED_WITH == {n: metadata.version(n) for n in _source.GENERATED_WITH}
needs_same_versions = pytest.mark.skipif(
    not SAME_VERSIONS, reason=f"vendored from {_source.GENERATED_WITH}; regenerate with python -m linter.vendor"
)

INVALID = [
    {"project": {"name": "bad name", "version": "0.1.0"}},
    {"project": {"name": "ok"}},
    {"project": {"name": "ok", "version": "0.1.0", "authors": ["Ada"]}},
    {"project": {"name": "ok", "version": "0.1.0", "readme": 3}},
    {"project": {"name": "ok", "version": "0.1.0", "unknown-key": 1}},
    {"project": {"name": "ok", "version": "0.1.0", "dynamic": ["name"]}},
    {"project": {"name": "ok", "version": "0.1.0", "requires-python": 3}},
    {"build-system": {"requires": "setuptools"}},
    {"tool": {"setuptools": {"packages": 3}}},
]


@needs_same_versions
def test_committed_copy_is_exactly_what_the_installed_version_generates(tmp_path):
    generate(tmp_path / "out")
    ours = {p.name: p.read_bytes() for p in sorted(TARGET.iterdir()) if p.is_file()}
    fresh = {p.name: p.read_bytes() for p in sorted((tmp_path / "out").iterdir()) if p.is_file()}
    assert sorted(ours) == sorted(fresh)
    changed = [name for name in fresh if ours[name] != fresh[name]]
    assert not changed, f"linter/vendor/pyproject_validator differs in {changed}: run python -m linter.vendor"


def _outcome(fn, data):
    try:
        fn(data)
    except Exception as exc:  # both raise their own copy of ValidationError
        return type(exc).__name__, getattr(exc, "name", None), str(getattr(exc, "message", exc))
    return None


@needs_same_versions
@pytest.mark.parametrize("data", INVALID + [{"project": {"name": "ok", "version": "0.1.0"}}])
def test_vendored_validator_fails_exactly_like_the_library(data):
    from validate_pyproject import api, plugins

    library = api.Validator(plugins=plugins.list_from_entry_points(lambda ep: ep.name in PLUGINS))
    assert _outcome(validate, data) == _outcome(library, data)


@pytest.mark.parametrize("data", INVALID)
def test_vendored_validator_rejects(data):
    assert _outcome(validate, data) is not None
