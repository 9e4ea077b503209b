"""Node positions computed on demand, for the files that have findings only.

LibCST's ``PositionProvider`` records a ``CodeRange`` for every node through
context managers and a regex per token; on a 750-line bundle that costs twice the
parse. Findings need positions for a handful of nodes, so this module runs one
code-generation pass per file with a lean state that records plain tuples, and
only when a rule reports a node of that file.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

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


class PositionIndex:
    """Positions of every node of one module, computed once on first use."""

    def __init__(self, module: cst.Module) -> None:
        self._module = module
        self._spans: dict[int, Span] | None = None

    def span(self, node: cst.CSTNode) -> Span | None:
        if self._spans is None:
            state = _PositionState(self._module)
            try:
                self._module._codegen(state)
            except RecursionError:  # parse_python bounds the depth; never let a position crash a run
                state.spans = {}
            self._spans = state.spans
        return self._spans.get(id(node))
