"""Python files parsed once with LibCST; syntax errors become data, not exceptions."""
from __future__ import annotations

import ast
import re
from dataclasses import field

import libcst as cst

from .. import limits
from ..records import dataclass
from . import construction
from .positions import PositionIndex, Span
from .recent import RecentParses
from .walk import NodeIndex


@dataclass
class SyntaxProblem:
    line: int
    column: int  # 1-based
    message: str
    limit: bool = False  # True: not analysed because of a resource limit (EXP729), not a syntax error


@dataclass
class PythonFile:
    path: str
    module: cst.Module | None
    error: SyntaxProblem | None = None
    _positions: PositionIndex | None = field(default=None, repr=False)
    index: NodeIndex | None = field(default=None, repr=False)
    text: str | None = field(default=None, repr=False)

    def span(self, node: cst.CSTNode) -> Span | None:
        if self.module is None:
            return None
        if self._positions is None:
            parent = self.index.parent if self.index is not None else None
            self._positions = PositionIndex(self.module, self.text if parent else None, parent)
        return self._positions.span(node)


_BRACKETS = re.compile(r"[()\[\]{}]|\\?\n")
# A statement this long (in characters) could nest deeper than MAX_PYTHON_DEPTH; only then is
# the cheap CPython pre-parse run, to keep LibCST away from input that would hang or crash it.
_LONG_STATEMENT = 400


def _shape(text: str) -> tuple[int, int]:
    """(deepest bracket nesting, longest statement in characters), brackets in strings included.

    Over-counting only costs a pre-parse; it never refuses a file by itself.
    """
    depth = best = longest = 0
    start = 0
    for match in _BRACKETS.finditer(text):
        token = match.group()
        if token in "([{":
            depth += 1
            if depth > best:
                best = depth
        elif token in ")]}":
            if depth:
                depth -= 1
        elif token == "\n" and depth == 0:
            pos = match.start()
            if pos - start > longest:
                longest = pos - start
            start = pos
    return best, max(longest, len(text) - start)


def _ast_depth(tree: ast.AST) -> int:
    """Depth of the tree as ``ast.iter_child_nodes`` sees it, by a plain stack over ``_fields``
    (a third of the generator's cost on the files long enough to need it)."""
    best = 0
    stack = [(tree, 1)]
    pop, push, node_type = stack.pop, stack.append, ast.AST
    while stack:
        node, depth = pop()
        if depth > best:
            best = depth
        depth += 1
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, node_type):
                        push((item, depth))
            elif isinstance(value, node_type):
                push((value, depth))
    return best


def _limit(path: str, message: str, line: int = 1) -> PythonFile:
    return PythonFile(path, None, SyntaxProblem(line, 1, message, limit=True))


def _precheck(path: str, text: str) -> PythonFile | None:
    """Refuse input LibCST's parser would hang or crash on; None when it is safe to parse.

    CPython's own parser has hard limits and raises instead of crashing; it compiles to an
    AST only (nothing runs), and only for files with a statement long enough to matter.
    """
    try:
        tree = compile(text, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as err:
        if "too many nested" in (err.msg or "") or "too complex" in (err.msg or ""):
            return _limit(path, f"nested too deeply to analyse ({err.msg})", max(err.lineno or 1, 1))
        return PythonFile(path, None, SyntaxProblem(max(err.lineno or 1, 1), max(err.offset or 1, 1), err.msg))
    except (RecursionError, MemoryError):
        return _limit(path, f"expressions nested deeper than {limits.MAX_PYTHON_DEPTH} levels; not analysed")
    except ValueError as err:
        return PythonFile(path, None, SyntaxProblem(1, 1, str(err)))
    if _ast_depth(tree) > limits.MAX_PYTHON_DEPTH:
        return _limit(path, f"expressions nested deeper than {limits.MAX_PYTHON_DEPTH} levels; not analysed")
    return None


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
    else:
        # CPython accepts it: a LibCST parser limit (e.g. thousands of adjacent string literals).
        return SyntaxProblem(max(exc.raw_line, 1), 1, "LibCST cannot parse this file although Python can; not analysed", limit=True)
    message = str(exc.message).strip().splitlines()[0] if exc.message else "invalid syntax"
    return SyntaxProblem(max(exc.raw_line, 1), max(exc.raw_column, 0) + 1, message)


def _parse_module(text: str) -> cst.Module:
    """LibCST's parse, its nodes built without re-validation (see construction.py)."""
    with construction.building():
        return cst.parse_module(text)


# Parses kept by text (see RecentParses): 64 files, at most one bundle's worth of Python.
RECENT_SIZE = 64
RECENT_CHARS = limits.MAX_BUNDLE_PYTHON_BYTES
_RECENT = RecentParses(RECENT_SIZE, RECENT_CHARS)


def parse_python(path: str, text: str) -> PythonFile:
    def parse(text: str) -> tuple[cst.Module | None, SyntaxProblem | None, NodeIndex | None]:
        parsed = _parse_python(path, text)
        return parsed.module, parsed.error, parsed.index

    module, error, index = _RECENT.get(text, parse)
    return PythonFile(path, module, error, index=index, text=text if module is not None else None)


def _parse_python(path: str, text: str) -> PythonFile:
    lines = text.count("\n") + 1
    if lines > limits.MAX_PYTHON_LINES:
        return _limit(path, f"file has {lines} lines, over the {limits.MAX_PYTHON_LINES}-line limit; not analysed")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.MAX_PYTHON_BYTES:
        return _limit(path, f"file is {size} bytes, over the {limits.MAX_PYTHON_BYTES}-byte limit for Python; not analysed")
    brackets, longest = _shape(text)
    if brackets > limits.MAX_NESTING:
        return _limit(path, f"brackets nested deeper than {limits.MAX_NESTING} levels; not analysed")
    if longest > _LONG_STATEMENT:
        refused = _precheck(path, text)
        if refused is not None:
            return refused
    try:
        module = _parse_module(text)
    except cst.ParserSyntaxError as exc:
        return PythonFile(path, None, _explain(path, text, exc))
    except RecursionError:
        return _limit(path, f"nested too deeply for LibCST; not analysed")
    except (MemoryError, ValueError, IndexError, TypeError) as exc:
        return PythonFile(path, None, SyntaxProblem(1, 1, f"could not be parsed ({type(exc).__name__})"))
    index = NodeIndex(module)
    if index.depth > limits.MAX_PYTHON_DEPTH:
        return _limit(path, f"syntax nested deeper than {limits.MAX_PYTHON_DEPTH} levels; not analysed")
    return PythonFile(path, module, index=index, text=text)
