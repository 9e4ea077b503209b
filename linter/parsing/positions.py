"""Node positions computed on demand, for the top-level statements that have findings only.

LibCST's ``PositionProvider`` records a ``CodeRange`` for every node through
context managers and a regex per token; on a 750-line bundle that costs twice the
parse. Findings need positions for a handful of nodes, so this module runs a
code-generation pass with a lean state that records plain tuples, and only over the
top-level statement that holds a reported node.

A top-level statement's code starts at column 0 of a line that CPython's own parser
gives (``ast``, in C: a few milliseconds a file): the line of its first token, less the
blank and comment lines LibCST attaches to it. The statement's generated code must then
be exactly the source text at that line, else (an unusual file, e.g. one that starts with a
byte-order mark) the whole module is generated as before.
Either way a node gets the span a whole-module pass gives it.
"""
from __future__ import annotations

import ast
import re
from contextlib import contextmanager
from typing import Callable, Iterator

import libcst as cst
from libcst._nodes.internal import CodegenState

Span = tuple[int, int, int, int]  # start line, start col, end line, end col (1-based line, 0-based col)


class _PositionState(CodegenState):
    def __init__(self, module: cst.Module) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.line = 1
        self.column = 0
        self.spans: dict[int, Span] = {}
        self._stack: list[tuple[int, int]] = []

    def _advance(self, value: str) -> None:
        newlines = value.count("\n") + value.count("\r") - value.count("\r\n")
        if newlines:
            self.line += newlines
            cut = max(value.rfind("\n"), value.rfind("\r"))
            self.column = len(value) - cut - 1
        else:
            self.column += len(value)

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self.column += len(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self._advance(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._stack.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._stack.pop()
        key = id(node)
        if key not in self.spans:
            self.spans[key] = (start[0], start[1], self.line, self.column)

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        start = (self.line, self.column)
        try:
            yield
        finally:
            end = (self.line, self.column)
            if start_node is not None and id(start_node) in self.spans:
                start = self.spans[id(start_node)][:2]
            if end_node is not None and id(end_node) in self.spans:
                end = self.spans[id(end_node)][2:]
            self.spans[id(node)] = (start[0], start[1], end[0], end[1])


_NEWLINE = re.compile(r"\r\n|\r|\n")


def _generate(node: cst.CSTNode, module: cst.Module, line: int) -> _PositionState:
    state = _PositionState(module)
    state.line = line
    node._codegen(state)
    return state


class PositionIndex:
    """Positions of the nodes of one module, computed once per top-level statement on first use.

    ``top_level(node)`` names the top-level statement that holds ``node`` (None: unknown, or
    the module itself); without ``text`` and ``top_level`` the whole module is generated.
    """

    def __init__(self, module: cst.Module, text: str | None = None,
                 top_level: Callable[[cst.CSTNode], cst.CSTNode | None] | None = None) -> None:
        self._module = module
        self._text = text
        self._top_level = top_level
        self._spans: dict[int, Span] | None = None  # the whole module's, when it had to be generated
        self._done: dict[int, dict[int, Span]] = {}  # id(top-level statement) -> its nodes' spans
        self._starts: dict[int, int] | None = None  # id(top-level statement) -> line its code starts on
        self._offsets: list[int] | None = None

    def span(self, node: cst.CSTNode) -> Span | None:
        if self._spans is None and self._text is not None and self._top_level is not None:
            statement = self._top_level(node)
            if statement is not None:
                spans = self._statement_spans(statement)
                if spans is not None:
                    return spans.get(id(node))
        return self._whole().get(id(node))

    def _whole(self) -> dict[int, Span]:
        if self._spans is None:
            state = _PositionState(self._module)
            try:
                self._module._codegen(state)
            except RecursionError:  # parse_python bounds the depth; never let a position crash a run
                state.spans = {}
            self._spans = state.spans
        return self._spans

    def _statement_spans(self, statement: cst.CSTNode) -> dict[int, Span] | None:
        key = id(statement)
        if key in self._done:
            return self._done[key]
        line = self._start_lines().get(key)
        spans = None
        if line is not None:
            try:
                state = _generate(statement, self._module, line)
            except RecursionError:
                state = None
            if state is not None and self._matches(line, "".join(state.tokens)):
                spans = state.spans
        if spans is None:
            self._text = None  # an unusual file: generate the whole module from now on
            return None
        self._done[key] = spans
        return spans

    def _start_lines(self) -> dict[int, int]:
        """The line each top-level statement's code starts on (its leading blank and comment lines included)."""
        if self._starts is None:
            self._starts = {}
            try:
                tree = ast.parse(self._text or "")
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return self._starts
            syntax = tree.body
            at = 0
            for statement in self._module.body:
                if at >= len(syntax):
                    self._starts = {}
                    break
                first = syntax[at]
                decorators = getattr(first, "decorator_list", None)
                token_line = decorators[0].lineno if decorators else first.lineno
                attached = len(statement.leading_lines)
                cst_decorators = getattr(statement, "decorators", None)
                if cst_decorators:
                    attached += len(cst_decorators[0].leading_lines)
                self._starts[id(statement)] = token_line - attached
                at += len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
            if at != len(syntax):
                self._starts = {}
        return self._starts

    def _matches(self, line: int, code: str) -> bool:
        """Whether ``code`` is the source text from the start of ``line``."""
        text = self._text or ""
        if self._offsets is None:
            self._offsets = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        if not 1 <= line <= len(self._offsets):
            return False
        start = self._offsets[line - 1]
        if not code:
            return False
        if text.startswith(code, start):
            return True
        # The last statement of a file without a final newline: LibCST generates the newline
        # and the module drops it afterwards, once the positions are recorded.
        return not self._module.has_trailing_newline and text[start:] + self._module.default_newline == code
