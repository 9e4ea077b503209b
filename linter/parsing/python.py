"""Python files parsed once with LibCST; syntax errors become data, not exceptions."""
from __future__ import annotations

import ast
import re
from dataclasses import field

import libcst as cst

from .. import limits
from ..records import dataclass
from . import construction
from .cpython import syntax_tree
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


# Python's string literals (any prefix: raw ones end where others do), so that brackets,
# newlines and `#` inside them are not taken for code. An unterminated one runs to the end
# of its line (or of the text, for triple quotes), where Python's tokenizer stops too; with
# possessive loops, no input makes the scan backtrack, so it stays linear.
_STRING = (
    r'"""(?:[^"\\]++|\\[\s\S]|"(?!""))*+(?:"""|\Z)'
    r"|'''(?:[^'\\]++|\\[\s\S]|'(?!''))*+(?:'''|\Z)"
    r'|"(?:[^"\\\n]++|\\[\s\S])*+(?:"|(?=\n)|\Z)'
    r"|'(?:[^'\\\n]++|\\[\s\S])*+(?:'|(?=\n)|\Z)"
)
# A newline token also takes the next line's indentation.
_LAYOUT = re.compile(_STRING + r"|#[^\n]*|[()\[\]{}]|\\\r?\n|\n[ \t\f]*")
# Tokens that can open a level of nesting within a logical line of LibCST's tree: words
# (names, numbers, keywords), operators, dots, opening brackets and strings (adjacent ones
# nest). Commas, `=` and closing brackets cannot.
_NESTING = r"""[.(\[{+\-*/%@&|^~<>!:]|\w+"""
# Separators end a run of adjacent strings but open no level.
_LINE_TOKENS = re.compile(_STRING + r"|#[^\n]*|[\"']|[,;=)\]}]|" + _NESTING)
# LibCST's native parser overflows its stack near 10,000 nested levels, and slows down
# quadratically on long chains well before. Input that could nest deeper than these bounds
# (a logical line with more such tokens; more `elif`s and indentation than this) is first
# parsed by CPython, whose parser has hard limits and raises instead.
_MANY_TOKENS = 150
_MANY_BLOCKS = 150
_FSTRING_LEVELS = 4  # f-strings nested deeper are passed to CPython


def _line_tokens(line: str, level: int = 0) -> tuple[int, int]:
    """(tokens of one logical line that can open a nesting level, longest run of adjacent
    strings): upper bounds, never less. A string counts once, an f-string also with its
    replacement fields' tokens (LibCST parses those); a comment counts nothing."""
    count = run = longest = 0
    for match in _LINE_TOKENS.finditer(line):
        token = match.group()
        first = token[0]
        if first == "#":
            continue
        if first in ",;=)]}":
            run = 0
            continue
        count += 1
        if (first != '"' and first != "'") or len(token) == 1:
            run = 0
            continue
        run += 1
        if run > longest:
            longest = run
        start = match.start()
        if "f" in line[max(start - 2, 0):start].lower():  # an f-string: its fields are code
            if level >= _FSTRING_LEVELS:
                return len(line), len(line)
            quotes = 3 if token[:3] in ('"""', "'''") else 1
            inner, inner_run = _line_tokens(token[quotes:-quotes], level + 1)
            count += inner
            longest = max(longest, inner_run)
    return count, longest


def _shape(text: str) -> tuple[int, int, int, int]:
    """Bounds on how deep LibCST's tree of ``text`` can nest, from one scan that skips
    strings and comments as Python's tokenizer does: (deepest bracket nesting, most nesting
    tokens in one logical line, `elif`s plus the deepest indentation, longest run of
    adjacent strings in a long line).

    Over-counting only costs a pre-parse. Brackets inside f-strings are not counted as
    brackets, but every token of an f-string's fields is counted in its line.
    """
    depth = brackets = tokens = indent = strings = 0
    start = 0
    for match in _LAYOUT.finditer(text):
        token = match.group()
        first = token[0]
        if first in "([{":
            depth += 1
            if depth > brackets:
                brackets = depth
        elif first in ")]}":
            if depth:
                depth -= 1
        elif first == "\n":
            if depth == 0:
                end = match.start()
                if end - start > _MANY_TOKENS:  # a shorter line cannot hold more tokens
                    count, run = _line_tokens(text[start:end])
                    tokens, strings = max(tokens, count), max(strings, run)
                start = end
                if len(token) - 1 > indent:
                    indent = len(token) - 1
    if len(text) - start > _MANY_TOKENS:
        count, run = _line_tokens(text[start:])
        tokens, strings = max(tokens, count), max(strings, run)
    # Each `elif` nests in LibCST's tree; counting the word everywhere is an upper bound.
    return brackets, tokens, text.count("elif") + indent, strings


def _ast_depth(tree: ast.AST) -> int:
    """Depth of LibCST's tree as the ``ast`` tree shows it, by a plain stack over ``_fields``
    (a third of a generator's cost on the files long enough to need it).

    Where ``ast`` is flat and LibCST nests, the nesting is counted: ``a or b or c`` is one
    ``BoolOp`` but two ``BooleanOperation``s, and each further ``for`` of a comprehension
    is inside the previous one. Adjacent strings, merged by ``ast``, are counted by ``_shape``.
    """
    best = 0
    stack = [(tree, 1)]
    pop, push, node_type = stack.pop, stack.append, ast.AST
    boolean, comprehensions = ast.BoolOp, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
    while stack:
        node, depth = pop()
        if depth > best:
            best = depth
        depth += 1
        kind = type(node)
        if kind is boolean:
            depth += len(node.values) - 2
        elif kind in comprehensions:
            for i, generator in enumerate(node.generators):
                push((generator, depth + i))
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                if name == "generators":
                    continue
                for item in value:
                    if isinstance(item, node_type):
                        push((item, depth))
            elif isinstance(value, node_type):
                push((value, depth))
    return best


def _limit(path: str, message: str, line: int = 1) -> PythonFile:
    return PythonFile(path, None, SyntaxProblem(line, 1, message, limit=True))


def _precheck(path: str, text: str, strings: int) -> PythonFile | None:
    """Refuse input LibCST's parser would hang or crash on; None when it is safe to parse.

    CPython's own parser has hard limits and raises instead of crashing; it compiles to an
    AST only (nothing runs), and only for files with a logical line that could nest deep.
    """
    try:
        tree = syntax_tree(text, path)
    except SyntaxError as err:
        if "too many nested" in (err.msg or "") or "too complex" in (err.msg or ""):
            return _limit(path, f"nested too deeply to analyse ({err.msg})", max(err.lineno or 1, 1))
        return PythonFile(path, None, SyntaxProblem(max(err.lineno or 1, 1), max(err.offset or 1, 1), err.msg))
    except (RecursionError, MemoryError):
        return _limit(path, f"expressions nested deeper than {limits.MAX_PYTHON_DEPTH} levels; not analysed")
    except ValueError as err:
        return PythonFile(path, None, SyntaxProblem(1, 1, str(err)))
    if max(_ast_depth(tree), strings) > limits.MAX_PYTHON_DEPTH:
        return _limit(path, f"expressions nested deeper than {limits.MAX_PYTHON_DEPTH} levels; not analysed")
    return None


def _explain(path: str, text: str, exc: cst.ParserSyntaxError) -> SyntaxProblem:
    """CPython's own message and line for a file LibCST rejected.

    LibCST's native parser points past the error ("expected one of ..."); CPython's
    compiler names the real cause ("'(' was never closed") at the line a researcher
    must fix. Compiling to an AST only, on this failure path only, runs nothing.
    """
    try:
        syntax_tree(text, path)
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


# Parses kept by text (see RecentParses): 128 files, at most one bundle's worth of Python (the
# characters bound the memory; the count only stops many tiny files from adding up).
RECENT_SIZE = 128
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
    brackets, tokens, blocks, strings = _shape(text)
    if brackets > limits.MAX_NESTING:
        return _limit(path, f"brackets nested deeper than {limits.MAX_NESTING} levels; not analysed")
    if tokens > _MANY_TOKENS or blocks > _MANY_BLOCKS:
        refused = _precheck(path, text, strings)
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
