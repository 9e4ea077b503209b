"""exp-lint's parse skips LibCST's per-node re-validation and is otherwise LibCST's parse.

linter.parsing.python._parse_module turns CSTNode.__post_init__ off for the native parser's
output only. These tests check the trees and the errors are LibCST's own, on example files
and on mutations of them, and that validation is back on afterwards.
"""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.parsing.python import _parse_module, parse_python
from linter.testing import minimal_files

from conftest import ROOT

SOURCES = sorted(
    [text for profile in ("experiment", "hydra") for name, text in minimal_files(profile).items() if name.endswith(".py")]
    + [p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures" / "examples").rglob("*.py"))]
)
SNIPPETS = ["(", ")", ":", " ", "\n", "lambda", "*", "**", "=", ",", "async ", "await ", "@", "\\", "'", '"', "f'{", "}",
            "[", "]", "->", " if ", " else ", "yield ", "global x\n", ":=", "\t", "del "]


def _outcome(parse, text: str):
    try:
        return parse(text)
    except Exception as exc:  # the same exception type either way
        return type(exc).__name__


def _same(a, b) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return a.deep_equals(b) and a.code == b.code


@pytest.mark.parametrize("text", SOURCES)
def test_example_files_parse_to_libcsts_own_tree(text):
    assert _same(_outcome(_parse_module, text), _outcome(cst.parse_module, text))


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(SOURCES), st.integers(0, 10**6), st.sampled_from(SNIPPETS), st.integers(0, 3))
def test_mutated_files_parse_or_fail_as_libcst_does(text, where, snippet, cut):
    at = where % (len(text) + 1)
    mutated = text[:at] + snippet + text[at + cut:]
    assert _same(_outcome(_parse_module, mutated), _outcome(cst.parse_module, mutated)), mutated[max(0, at - 40):at + 40]


def test_validation_is_back_on_after_a_parse_and_after_a_syntax_error():
    parse_python("a.py", "x = 1\n")
    parse_python("b.py", "def (:\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")
