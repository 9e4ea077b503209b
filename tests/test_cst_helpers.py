"""The shared LibCST readers agree with Python's own evaluation of the same literals."""
from __future__ import annotations

import ast
import warnings

import libcst as cst
import pytest
from hypothesis import given, settings, strategies as st

from linter.parsing.cst_helpers import call_name, dotted_name, string_value

# Generated literals hold escapes Python deprecates; the warning is not under test.
pytestmark = pytest.mark.filterwarnings("ignore:invalid escape sequence:DeprecationWarning")

LITERALS = (
    "''", '""', "'''abc'''", '"""a\nb"""', "'a\\nb'", "r'a\\nb'", "b'x'", "f'{x}'", "u'x'", '"\'\'\'"',
    "'''\"'''", '"tab\\there"', "'\\u00e9'", "'é'", "'a' 'b'", "'a' f'{b}'", "'''''' 'x'",
)


def _value(code: str):
    try:
        value = ast.literal_eval(code)
    except ValueError:  # an f-string: not a plain literal
        return None
    return value if isinstance(value, str) else None


def test_string_value_matches_python_on_tricky_literals():
    for code in LITERALS:
        assert string_value(cst.parse_expression(code)) == _value(code), code


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab'\"\\\n\t é\x0c", max_size=12), st.sampled_from(["'", '"', "'''", '"""']))
def test_string_value_matches_python_on_random_literals(body, quote):
    code = quote + body + quote
    try:
        with warnings.catch_warnings():  # "invalid escape sequence" in generated literals
            warnings.simplefilter("ignore")
            expected = ast.literal_eval(code)
        expr = cst.parse_expression(code)
    except Exception:  # not a valid literal in this quote style
        return
    assert string_value(expr) == expected


def test_dotted_and_call_names():
    assert dotted_name(cst.parse_expression("a.b.c")) == "a.b.c"
    assert dotted_name(cst.parse_expression("a")) == "a"
    assert dotted_name(cst.parse_expression("a().b")) is None
    assert call_name(cst.parse_expression("x.y(1)")) == "x.y"
    assert call_name(cst.parse_expression("f()(2).save()")) == ".save"
    assert call_name(cst.parse_expression("(lambda: 1)()")) is None


@pytest.mark.parametrize("code", [
    "0", "1_000", "0x1F", "0o17", "0b101", "1.5", "1e-3", "2j", "'a\\tb'", "b'\\x00'", "rb'\\d'",
    "'\\d'", "'" + "x" * 300 + "\\n'", "9" * 5_000,  # over Python's digit limit: an error
])
def test_evaluated_is_libcsts_evaluated_value_or_invalid(code):
    from linter.parsing.cst_helpers import INVALID, evaluated

    node = cst.parse_expression(code)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = node.evaluated_value
    except Exception:  # ValueError, or SyntaxError past Python's digit limit
        expected = INVALID
    assert evaluated(node) == expected and type(evaluated(node)) is type(expected)
    assert evaluated(node) == evaluated(cst.parse_expression(code))  # remembered or not, the same


def test_int_value_reads_integer_literals_only():
    from linter.parsing.cst_helpers import int_value

    assert [int_value(cst.parse_expression(c)) for c in ("0x10", "7", "1.0", "'3'", "x")] == [16, 7, None, None, None]


def test_evaluated_prints_no_warning_about_the_code():
    from linter.parsing.cst_helpers import evaluated

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would become an exception, and INVALID
        assert evaluated(cst.parse_expression("'\\\\d+ not cached before: \\\\w'")) == "\\d+ not cached before: \\w"
        assert evaluated(cst.parse_expression("'\\d fresh'")) == "\\d fresh"
