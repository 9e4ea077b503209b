"""Small readers of LibCST expressions shared by the fact extractors."""
from __future__ import annotations

import ast
import functools

import libcst as cst

from .cpython import syntax_tree


# LibCST's node classes are final, so exact type tests are safe here; they skip
# ABCMeta.__instancecheck__, and these helpers run about a million times over the corpus.
_ATTRIBUTE, _NAME, _SIMPLE_STRING, _CONCATENATED = cst.Attribute, cst.Name, cst.SimpleString, cst.ConcatenatedString


def dotted_name(expr: cst.BaseExpression | None) -> str | None:
    """``a.b.c`` for Name/Attribute chains, else None."""
    kind = type(expr)
    if kind is _NAME:
        return expr.value  # type: ignore[union-attr]
    parts: list[str] = []
    while kind is _ATTRIBUTE:
        parts.append(expr.attr.value)  # type: ignore[union-attr]
        expr = expr.value  # type: ignore[union-attr]
        kind = type(expr)
    if kind is _NAME:
        parts.append(expr.value)  # type: ignore[union-attr]
        return ".".join(reversed(parts))
    return None


def call_name(call: cst.Call) -> str | None:
    """Dotted name of the called function, or ``.method`` for calls on other expressions."""
    name = dotted_name(call.func)
    if name is None and type(call.func) is _ATTRIBUTE:
        return "." + call.func.attr.value  # type: ignore[attr-defined]
    return name


INVALID = object()  # what ``evaluated`` gives for a literal Python would refuse


def _literal_eval(text: str):
    try:
        return ast.literal_eval(syntax_tree(text, mode="eval"))  # the parse, without its warnings
    except Exception:  # malformed literals in reviewed code are not our crash
        return INVALID


# ast.literal_eval compiles, and leaves a cycle of closures for the collector on every call:
# short literals (nearly all) are evaluated once per distinct text.
_remembered = functools.lru_cache(maxsize=4096)(_literal_eval)


def _evaluate(text: str):
    return _remembered(text) if len(text) <= 200 else _literal_eval(text)


def evaluated(expr: cst.SimpleString | cst.Integer | cst.Float | cst.Imaginary):
    """The value of one literal token (LibCST's ``evaluated_value``), or ``INVALID``."""
    return _evaluate(expr.value)


def string_value(expr: cst.BaseExpression | None) -> str | None:
    """The value of a plain string literal (implicit concatenation included), else None."""
    kind = type(expr)
    if kind is _SIMPLE_STRING:
        raw = expr.value  # type: ignore[union-attr]
        # No prefix, no escape, no carriage return, no NUL (which literal_eval refuses): the
        # value is the text between the quotes, without evaluating it.
        if raw[0] in "'\"" and "\\" not in raw and "\r" not in raw and "\x00" not in raw:
            quotes = 3 if len(raw) >= 6 and raw[:3] in ('"""', "'''") else 1
            return raw[quotes:-quotes]
        value = _evaluate(raw)
        return value if type(value) is str else None
    if kind is _CONCATENATED:
        left, right = string_value(expr.left), string_value(expr.right)  # type: ignore[union-attr]
        if left is not None and right is not None:
            return left + right
    return None


def positional_args(call: cst.Call) -> list[cst.BaseExpression]:
    return [a.value for a in call.args if a.keyword is None and not a.star]


def keyword_arg(call: cst.Call, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def arg(call: cst.Call, position: int, name: str | None = None) -> cst.BaseExpression | None:
    """The argument at ``position`` or passed as keyword ``name``."""
    if name is not None:
        found = keyword_arg(call, name)
        if found is not None:
            return found
    positional = positional_args(call)
    return positional[position] if position < len(positional) else None


def int_value(expr: cst.BaseExpression | None) -> int | None:
    if type(expr) is cst.Integer:
        value = _evaluate(expr.value)
        return value if type(value) is int else None
    return None
