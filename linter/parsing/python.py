"""Python files parsed once with LibCST; syntax errors become data, not exceptions."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

import libcst as cst

from .. import limits
from .positions import PositionIndex, Span


@dataclass
class SyntaxProblem:
    line: int
    column: int  # 1-based
    message: str


@dataclass
class PythonFile:
    path: str
    module: cst.Module | None
    error: SyntaxProblem | None = None
    _positions: PositionIndex | None = field(default=None, repr=False)

    def span(self, node: cst.CSTNode) -> Span | None:
        if self.module is None:
            return None
        if self._positions is None:
            self._positions = PositionIndex(self.module)
        return self._positions.span(node)


_NOT_BRACKETS = re.compile(r"[^()\[\]{}]+")


def _nesting_depth(text: str) -> int:
    depth = best = 0
    for ch in _NOT_BRACKETS.sub("", text):  # the same loop over the brackets only
        if ch in "([{":
            depth += 1
            if depth > best:
                best = depth
        elif ch in ")]}" and depth:
            depth -= 1
    return best


def _explain(path: str, text: str, exc: cst.ParserSyntaxError) -> SyntaxProblem:
    """CPython's own message and line for a file LibCST rejected.

    LibCST's native parser points past the error ("expected one of ..."); CPython's
    compiler names the real cause ("'(' was never closed") at the line a researcher
    must fix. Compiling to an AST only, on this failure path only, runs nothing.
    """
    try:
        compile(text, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as err:
        return SyntaxProblem(max(err.lineno or 1, 1), max(err.offset or 1, 1), err.msg)
    except (RecursionError, MemoryError, ValueError):
        pass
    message = str(exc.message).strip().splitlines()[0] if exc.message else "invalid syntax"
    return SyntaxProblem(max(exc.raw_line, 1), max(exc.raw_column, 0) + 1, message)


def parse_python(path: str, text: str) -> PythonFile:
    if text.count("\n") > limits.MAX_PYTHON_LINES:
        return PythonFile(path, None, SyntaxProblem(1, 1, f"file has over {limits.MAX_PYTHON_LINES} lines; not parsed"))
    # LibCST's parser recurses per bracket level; refuse absurd nesting before it does.
    if _nesting_depth(text) > limits.MAX_NESTING:
        return PythonFile(path, None, SyntaxProblem(1, 1, f"brackets nested deeper than {limits.MAX_NESTING} levels; not parsed"))
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        return PythonFile(path, None, _explain(path, text, exc))
    except (RecursionError, MemoryError, ValueError, IndexError) as exc:
        return PythonFile(path, None, SyntaxProblem(1, 1, f"could not be parsed ({type(exc).__name__})"))
    return PythonFile(path, module)
