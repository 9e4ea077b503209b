"""Node positions computed on demand, for the statements that hold reported nodes only.

LibCST's ``PositionProvider`` records a ``CodeRange`` for every node through
context managers and a regex per token; on a 750-line bundle that costs twice the
parse. Findings need positions for a handful of nodes, so this module runs a
code-generation pass with a lean state that records plain tuples, and only over the
smallest statement of a block (module or indented body) that holds a reported node.

Such a statement's code starts at column 0, with its block's indentation as state. Its
line is found in the source text: where its generated code occurs exactly once at the
start of a line, in the whole file or else between the lines CPython's own parser
(``ast``, in C) gives for its top-level statement and the next one. Failing that, the
enclosing statements are tried, then the top-level statement at its ``ast`` line as
before, and last the whole module. Files whose text LibCST does not reproduce exactly
(form feeds, a byte-order mark, lone line continuations) skip the text search.
Either way a node gets the span a whole-module pass gives it.
"""
from __future__ import annotations

import bisect
import re
from typing import Callable

import libcst as cst
from libcst._nodes.internal import CodegenState
from .cpython import syntax_tree

Span = tuple[int, int, int, int]  # start line, start col, end line, end col (1-based line, 0-based col)


class _Stop(Exception):
    """The node asked for has its span: the rest of the statement need not be generated."""


class _PositionState(CodegenState):
    def __init__(self, module: cst.Module, line: int = 1, indents: list[str] | None = None,
                 stop: int | None = None) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        if indents:
            self.indent_tokens = list(indents)
        self.stop = stop  # id of the node whose span ends the pass (_Stop), if any
        self.line = line
        self.column = 0
        self.spans: dict[int, Span] = {}
        self._stack: list[tuple[int, int]] = []
        self._open: list[tuple] = []

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self.column += len(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            self.line += value.count("\n") + value.count("\r") - value.count("\r\n")
            cut = max(value.rfind("\n"), value.rfind("\r"))
            self.column = len(value) - cut - 1
        else:
            self.column += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._stack.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._stack.pop()
        key = id(node)
        if key not in self.spans:
            self.spans[key] = (start[0], start[1], self.line, self.column)
        if key == self.stop:
            raise _Stop

    def record_syntactic_position(self, node, *, start_node=None, end_node=None):  # type: ignore[override]
        # The state is its own context manager: no generator (~800k calls a corpus) and no
        # helper object pointing back at the state, whose reference cycle would keep every
        # generated token list alive until the cyclic collector runs.
        self._open.append((node, start_node, end_node, self.line, self.column))
        return self

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> None:
        node, start_node, end_node, line, column = self._open.pop()
        if exc_type is not None:
            return None
        spans = self.spans
        start = (line, column)
        end = (self.line, self.column)
        if start_node is not None and id(start_node) in spans:
            start = spans[id(start_node)][:2]
        if end_node is not None and id(end_node) in spans:
            end = spans[id(end_node)][2:]
        spans[id(node)] = (start[0], start[1], end[0], end[1])
        return None


_NEWLINE = re.compile(r"\r\n|\r|\n")
# Text LibCST does not give back as it read it: a form feed or byte-order mark (dropped), a line
# holding only a line continuation (dropped with its newline). Lines would no longer match.
_CONTINUATION = re.compile(r"\\(?=[\r\n])")


def _faithful(text: str) -> bool:
    if "\x0c" in text or "\ufeff" in text:
        return False
    for match in _CONTINUATION.finditer(text):  # rare: a few per file at most
        at = match.start()
        line = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
        if not text[line:at].strip(" \t"):
            return False
    return True


def _generate(node: cst.CSTNode, module: cst.Module, line: int, indents: list[str] | None = None) -> _PositionState:
    state = _PositionState(module, line, indents)
    node._codegen(state)
    return state


class PositionIndex:
    """Positions of the nodes of one module, computed once per located statement on first use.

    ``parent(node)`` is the node's syntactic parent (None: unknown, or the module itself);
    without ``text`` and ``parent`` the whole module is generated.
    """

    def __init__(self, module: cst.Module, text: str | None = None,
                 parent: Callable[[cst.CSTNode], cst.CSTNode | None] | None = None) -> None:
        self._module = module
        self._text = text
        self._parent = parent
        self._spans: dict[int, Span] | None = None  # the whole module's, when it had to be generated
        # id(statement) -> (its nodes' spans, lines to add, whether all its nodes are there)
        self._done: dict[int, tuple[dict[int, Span], int, bool]] = {}
        self._starts: dict[int, int] | None = None  # id(top-level statement) -> line its code starts on
        self._offsets: list[int] | None = None
        self._line_starts: set[int] | None = None
        self._source: str | None = None
        self._search: bool | None = None if text is not None else False

    def span(self, node: cst.CSTNode) -> Span | None:
        if self._spans is None and self._text is not None and self._parent is not None:
            chain = self._statements(node)
            if chain:
                key = id(node)
                for statement, _ in chain:
                    done = self._done.get(id(statement))
                    if done is not None:
                        spans, shift, complete = done
                        found = spans.get(key)
                        if found is not None:
                            return (found[0] + shift, found[1], found[2] + shift, found[3]) if shift else found
                        if complete:
                            return None
                found = self._locate(chain, node)
                if found is not None:
                    return found[0]
        return self._whole().get(id(node))

    def _statements(self, node: cst.CSTNode) -> list[tuple[cst.CSTNode, list[str]]]:
        """The statements of blocks that hold ``node`` (itself included), innermost first, each with
        the indentation its block generates it with; empty when ``node`` is not in the module."""
        parent_of = self._parent
        module = self._module
        chain: list[tuple[cst.CSTNode, list[str]]] = []
        blocks: list[cst.IndentedBlock] = []
        current, parent = node, parent_of(node)
        while parent is not None:
            if parent is module:
                chain.append((current, []))
                break
            if isinstance(parent, cst.IndentedBlock):
                chain.append((current, []))
                blocks.append(parent)
            current, parent = parent, parent_of(parent)
        else:
            return []
        # Each statement's indentation: the blocks outside it, outermost first.
        default = module.default_indent
        indents = [default if b.indent is None else b.indent for b in reversed(blocks)]
        for depth, (statement, _) in enumerate(reversed(chain)):
            chain[len(chain) - 1 - depth] = (statement, indents[:depth])
        return chain

    def _whole(self) -> dict[int, Span]:
        if self._spans is None:
            state = _PositionState(self._module)
            try:
                self._module._codegen(state)
            except RecursionError:  # parse_python bounds the depth; never let a position crash a run
                state.spans = {}
            self._spans = state.spans
        return self._spans

    def _locate(self, chain: list[tuple[cst.CSTNode, list[str]]], node: cst.CSTNode) -> tuple[Span | None] | None:
        """(``node``'s span,) from the innermost statement that can be placed; None: generate the whole module."""
        top = chain[-1][0]
        if self._search is None:
            self._search = _faithful(self._text or "")
        if self._search:
            for statement, indents in chain:
                # First only as far as ``node`` (its span is final once generated), then whole.
                for stop in (id(node), None):
                    state = _PositionState(self._module, 1, indents, stop)
                    complete = True
                    try:
                        statement._codegen(state)
                    except _Stop:
                        complete = statement is node
                    except RecursionError:
                        return self._fallback(top, node)
                    line = self._find("".join(state.tokens), top)
                    if line is not None:
                        self._done[id(statement)] = (state.spans, line - 1, complete)
                        found = state.spans.get(id(node))
                        return (None if found is None else (found[0] + line - 1, found[1], found[2] + line - 1, found[3]),)
                    if complete:
                        break
        return self._fallback(top, node)

    def _fallback(self, top: cst.CSTNode, node: cst.CSTNode) -> tuple[Span | None] | None:
        spans = self._statement_spans(top)
        return None if spans is None else (spans.get(id(node)),)

    def _find(self, code: str, top: cst.CSTNode) -> int | None:
        """The line where ``code`` occurs once at a line start: in the file, else within ``top``'s lines."""
        if not code:
            return None
        source = self._source_text()
        starts = self._line_starts
        assert starts is not None
        hits = self._hits(source, code, 0, len(source), starts, 2)
        if len(hits) != 1:
            if not hits:
                return None
            first = self._start_lines().get(id(top))
            if first is None:
                return None
            after = self._next_start(top)
            offsets = self._offsets
            assert offsets is not None
            if not 1 <= first <= len(offsets):
                return None
            end = offsets[after - 1] if after is not None and 1 <= after <= len(offsets) else len(source)
            hits = self._hits(source, code, offsets[first - 1], end, starts, 2)
            if len(hits) != 1:
                return None
        return bisect.bisect_right(self._offsets, hits[0])  # type: ignore[arg-type]

    @staticmethod
    def _hits(source: str, code: str, start: int, end: int, starts: set[int], most: int) -> list[int]:
        """Offsets in [start, end) where ``code`` begins a line (at most ``most`` of them)."""
        hits: list[int] = []
        at = source.find(code, start)
        while at != -1 and at < end:
            if at in starts:
                hits.append(at)
                if len(hits) >= most:
                    break
            at = source.find(code, at + 1)
        return hits

    def _source_text(self) -> str:
        if self._source is None:
            text = self._text or ""
            # A file without a final newline: LibCST generates it, and drops it once positions are recorded.
            self._source = text if self._module.has_trailing_newline else text + self._module.default_newline
            self._offsets = [0] + [m.end() for m in _NEWLINE.finditer(text)]
            self._line_starts = set(self._offsets)
        return self._source

    def _next_start(self, top: cst.CSTNode) -> int | None:
        body = self._module.body
        starts = self._start_lines()
        for at, statement in enumerate(body):
            if statement is top:
                return starts.get(id(body[at + 1])) if at + 1 < len(body) else None
        return None

    def _statement_spans(self, statement: cst.CSTNode) -> dict[int, Span] | None:
        key = id(statement)
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
        self._done[key] = (spans, 0, True)
        return spans

    def _start_lines(self) -> dict[int, int]:
        """The line each top-level statement's code starts on (its leading blank and comment lines included)."""
        if self._starts is None:
            self._starts = {}
            try:
                tree = syntax_tree(self._text or "")
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
        self._source_text()
        offsets = self._offsets
        assert offsets is not None
        if not 1 <= line <= len(offsets):
            return False
        start = offsets[line - 1]
        if not code:
            return False
        if text.startswith(code, start):
            return True
        # The last statement of a file without a final newline: LibCST generates the newline
        # and the module drops it afterwards, once the positions are recorded.
        return not self._module.has_trailing_newline and text[start:] + self._module.default_newline == code
