"""CPython's own parser, where exp-lint needs its verdict or its line numbers.

It builds an AST only (nothing is compiled or run) and raises on bad input instead of
crashing. Its warnings (``invalid decimal literal``, ``invalid escape sequence``) are about
the code under review, which exp-lint reports through its own rules, so they are silenced
rather than printed to the user's terminal.
"""
from __future__ import annotations

import ast
import warnings


def syntax_tree(text: str, path: str = "<unknown>", mode: str = "exec") -> ast.AST:
    """``ast.parse(text, mode=mode)`` without warnings; raises what it raises (SyntaxError,
    ValueError, RecursionError, MemoryError)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compile(text, path, mode, flags=ast.PyCF_ONLY_AST, dont_inherit=True)
