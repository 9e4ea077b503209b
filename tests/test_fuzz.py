"""Property-based tests: no generated or mutated input crashes the loaders or the engine.

CI runs a bounded number of examples; a longer run:
    EXP_LINT_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz.py -q
"""
from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings, strategies as st

from linter.config import Settings
from linter.engine import Linter
from linter.errors import InputError
from linter.loaders import load_text
from linter.loaders.jsonbundle import KEY_PATHS
from linter.testing import builtin_plugins, minimal_files
from linter.testing.logs import key_form, prompt_log

EXAMPLES = int(os.environ.get("EXP_LINT_FUZZ_EXAMPLES", "20"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("EXP_LINT_FUZZ_EXAMPLES"),
                suppress_health_check=list(HealthCheck))

_LINTER = None


def lint_text(text: str, origin: str = "<fuzz>"):
    """Load and lint; a one-line InputError is an allowed answer, anything else is a crash."""
    global _LINTER
    _LINTER = _LINTER or Linter(builtin_plugins(), Settings(), file_settings=Settings())
    try:
        bundle = load_text(text, origin)
    except InputError as exc:
        assert "\n" not in str(exc)
        return None
    result = _LINTER.lint(bundle)
    for finding in result.findings:
        assert finding.message and "\n" not in finding.message
        assert finding.line is None or finding.line >= 1
    assert result.verdict  # the verdict object is always formed
    return result


EXPERIMENT = minimal_files("experiment")
HYDRA = minimal_files("hydra")
BASE = minimal_files("base")
SOURCES = sorted(EXPERIMENT.items()) + sorted(HYDRA.items())


def mutate(data: st.DataObject, text: str) -> str:
    kind = data.draw(st.sampled_from(["truncate", "splice", "flip", "insert", "delete", "duplicate"]))
    if not text:
        return text
    i = data.draw(st.integers(0, len(text) - 1))
    j = data.draw(st.integers(i, len(text)))
    if kind == "truncate":
        return text[:i]
    if kind == "splice":
        other = data.draw(st.sampled_from(SOURCES))[1]
        k = data.draw(st.integers(0, len(other)))
        return text[:i] + other[k:k + (j - i) + 50] + text[j:]
    if kind == "flip":
        chars = "()[]{}:'\"\\\n\t #-*&!|>%@`,=\x00\ufeff\u2028é"
        return text[:i] + data.draw(st.sampled_from(chars)) + text[i + 1:]
    if kind == "insert":
        return text[:i] + data.draw(st.text(max_size=40)) + text[i:]
    if kind == "delete":
        return text[:i] + text[j:]
    return text[:j] + text[i:j] * data.draw(st.integers(1, 5)) + text[j:]


@FUZZ
@given(st.data())
def test_mutated_files_of_a_json_bundle(data):
    files = dict(data.draw(st.sampled_from([EXPERIMENT, HYDRA])))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(sorted(files)))
        files[path] = mutate(data, files[path])
    lint_text(json.dumps(key_form(files) if data.draw(st.booleans()) else {"files": files}))


@FUZZ
@given(st.data())
def test_mutated_json_text(data):
    text = json.dumps(key_form(EXPERIMENT))
    for _ in range(data.draw(st.integers(1, 3))):
        text = mutate(data, text)
    lint_text("{" + text[1:] if not text.startswith("{") else text)


@FUZZ
@given(st.data())
def test_mutated_prompt_logs(data):
    kind = data.draw(st.sampled_from(["derived", "base", "hydra"]))
    files = HYDRA if kind == "hydra" else EXPERIMENT
    text = prompt_log(kind, files, base=BASE if kind == "derived" else None,
                      answer={"is_code_ready": True, "code_issue": ""} if data.draw(st.booleans()) else None)
    for _ in range(data.draw(st.integers(1, 3))):
        text = mutate(data, text)
    lint_text(text, "<log>")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@FUZZ
@given(st.dictionaries(st.sampled_from(sorted(KEY_PATHS) + ["files", "run_configs", "other"]), json_values, min_size=1, max_size=6))
def test_random_json_structures(data):
    lint_text(json.dumps(data))


yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
yaml_values = st.recursive(yaml_scalars, lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4), max_leaves=25)
yaml_text = st.text(alphabet="abc:-[]{}&*!|>'\"# \n\t0123456789.%@`,?", max_size=300)


@FUZZ
@given(st.one_of(yaml_values.map(lambda v: json.dumps(v)), yaml_text), st.sampled_from(["config/smoke_test.yaml", "config/full_experiment.yaml"]))
def test_random_yaml_configs(text, path):
    files = dict(EXPERIMENT)
    files[path] = text
    lint_text(json.dumps({"files": files}))


@FUZZ
@given(st.text(alphabet="[]{}=\"'.,#\n abc123-_<>~!;", max_size=300))
def test_random_pyproject(text):
    files = dict(EXPERIMENT)
    files["pyproject.toml"] = text
    lint_text(json.dumps({"files": files}))
