"""Small readers of LibCST expressions shared by the fact extractors."""
from __future__ import annotations

import libcst as cst


def dotted_name(expr: cst.BaseExpression | None) -> str | None:
    """``a.b.c`` for Name/Attribute chains, else None."""
    parts: list[str] = []
    while isinstance(expr, cst.Attribute):
        parts.append(expr.attr.value)
        expr = expr.value
    if isinstance(expr, cst.Name):
        parts.append(expr.value)
        return ".".join(reversed(parts))
    return None


def call_name(call: cst.Call) -> str | None:
    """Dotted name of the called function, or ``.method`` for calls on other expressions."""
    name = dotted_name(call.func)
    if name is None and isinstance(call.func, cst.Attribute):
        return "." + call.func.attr.value
    return name


def string_value(expr: cst.BaseExpression | None) -> str | None:
    """The value of a plain string literal (implicit concatenation included), else None."""
    if isinstance(expr, cst.SimpleString):
        try:
            value = expr.evaluated_value
        except Exception:  # malformed escapes in reviewed code are not our crash
            return None
        return value if isinstance(value, str) else None
    if isinstance(expr, cst.ConcatenatedString):
        left, right = string_value(expr.left), string_value(expr.right)
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
    if isinstance(expr, cst.Integer):
        try:
            return int(expr.evaluated_value)
        except ValueError:
            return None
    return None
