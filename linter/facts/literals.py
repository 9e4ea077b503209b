"""``cst_helpers.string_value`` with a fast path for the common plain literal.

LibCST evaluates a string literal with ``ast.literal_eval`` (a parse per literal, ~10x the
rest of a fact's work on it). A literal with no prefix, no triple quotes and no backslash
(nor NUL, which literal_eval refuses) means exactly the text between its quotes.
"""
from __future__ import annotations

import libcst as cst

from ..parsing import cst_helpers

_SIMPLE = cst.SimpleString


def string_value(expr: cst.BaseExpression | None) -> str | None:
    """The value of a plain string literal (implicit concatenation included), else None."""
    if type(expr) is _SIMPLE:
        text = expr.value
        first = text[0]
        if (first == '"' or first == "'") and text[:3] not in ('"""', "'''") and "\\" not in text and "\x00" not in text:
            return text[1:-1]
    return cst_helpers.string_value(expr)
