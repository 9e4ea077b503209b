"""One fast walk per Python file, shared by every fact and rule.

LibCST's visitor protocol dispatches several method look-ups per node, whitespace
included, and costs more than the parse itself. Facts need only the syntax, so this
walk follows the dataclass fields of each node type, skips whitespace, comment and
punctuation fields, and buckets nodes by type in document order. Rules ask the index
for the node types they care about instead of walking the tree again.
"""
from __future__ import annotations

import dataclasses
from bisect import bisect_left, bisect_right
from operator import attrgetter
from typing import Callable, Iterable, Iterator, TypeVar

import libcst as cst

N = TypeVar("N", bound=cst.CSTNode)

_SKIPPED_FIELDS = frozenset(
    {
        "lpar", "rpar", "comma", "semicolon", "colon", "header", "footer", "leading_lines",
        "lines_after_decorators", "trailing_whitespace", "lbracket", "rbracket", "lbrace",
        "rbrace", "equal", "dot", "newline", "whitespace", "asynchronous", "star_tok",
    }
)
_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(node_type: type) -> tuple[str, ...]:
    names = _FIELDS.get(node_type)
    if names is None:
        names = tuple(
            f.name
            for f in dataclasses.fields(node_type)
            if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace")
        )
        _FIELDS[node_type] = names
    return names


def node_classes() -> list[type]:
    """Every subclass of ``cst.CSTNode`` now defined, sorted by module and name (the same
    order in every process)."""
    seen: set[type] = set()
    stack = [cst.CSTNode]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return sorted(seen, key=lambda c: (c.__module__, c.__qualname__))


def _leaf_classes() -> frozenset[type]:
    """Node classes whose syntactic fields are all strings (``Name``, ``Integer``,
    ``SimpleString``...) or that have none (operators, ``pass``): nothing below them to walk.
    A third of a module's syntactic nodes are ``Name``s; the walk skips reading their fields."""
    out = set()
    for node_type in node_classes():
        declared = {f.name: f.type for f in dataclasses.fields(node_type)} if dataclasses.is_dataclass(node_type) else None
        if declared is not None and all(declared.get(name) in ("str", str) for name in _fields(node_type)):
            out.add(node_type)
    return frozenset(out)


def leaf_classes() -> frozenset[type]:
    """The node classes ``child_nodes`` never gives anything for (computed once, at import).
    Facts with their own handlers for some of them (``Name``) take those out."""
    return _LEAVES


# What a field value is, by its type: 1 a node, 2 a list/tuple of values, 0 anything else.
# ``isinstance(value, cst.CSTNode)`` goes through ABCMeta.__instancecheck__ on every call;
# a dict look-up on the exact type is several times cheaper and gives the same answer.
_KIND: dict[type, int] = {}


def _kind(value_type: type) -> int:
    kind = _KIND.get(value_type)
    if kind is None:
        kind = 1 if issubclass(value_type, cst.CSTNode) else 2 if issubclass(value_type, (list, tuple)) else 0
        _KIND[value_type] = kind
    return kind


# node type -> a function giving the values of its syntactic fields as a tuple (one C call
# for all the fields instead of a getattr per field).
_GETTERS: dict[type, Callable[[cst.CSTNode], tuple]] = {}


def _getter(node_type: type) -> Callable[[cst.CSTNode], tuple]:
    names = _FIELDS.get(node_type) or _fields(node_type)
    if not names:
        getter = _no_fields
    elif len(names) == 1:
        one = attrgetter(names[0])
        getter = lambda node: (one(node),)  # noqa: E731 - attrgetter of one name gives no tuple
    else:
        getter = attrgetter(*names)
    _GETTERS[node_type] = getter
    return getter


def _no_fields(node: cst.CSTNode) -> tuple:
    return ()


_LEAVES = _leaf_classes()


def child_nodes(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The syntactic children of ``node`` (no whitespace or punctuation), in source order."""
    out: list[cst.CSTNode] = []
    if type(node) in _LEAVES:
        return out
    kind_of = _KIND.get
    getter = _GETTERS.get(type(node))
    if getter is None:
        getter = _getter(type(node))
    for value in getter(node):  # the fields NodeIndex reads, read the same way
        kind = kind_of(type(value))
        if kind is None:
            kind = _kind(type(value))
        if kind == 1:
            out.append(value)
        elif kind == 2:
            for item in value:
                item_kind = kind_of(type(item))
                if item_kind is None:
                    item_kind = _kind(type(item))
                if item_kind == 1:
                    out.append(item)
    return out


def _last_child(node: cst.CSTNode) -> cst.CSTNode | None:
    children = child_nodes(node)
    return children[-1] if children else None


class NodeIndex:
    """Every syntactic node of a module, by type, in document order, with parents."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self._by_type: dict[type, list[cst.CSTNode]] = {}
        self._parent: dict[int, cst.CSTNode] = {}
        # Document order, recorded by this walk (pre-order, like walk()): of() with several
        # types sorts by it instead of walking the module a second time.
        self._order_cache: dict[int, int] = {}
        self.depth = 0  # deepest syntactic nesting (parse_python refuses absurd depths)
        self._positions: dict[type, list[int]] = {}  # node type -> its bucket's pre-order positions (below())
        by_type, parent, order = self._by_type, self._parent, self._order_cache
        getter_of, kind_of, leaves = _GETTERS.get, _KIND.get, _LEAVES
        stack: list[tuple[cst.CSTNode, int]] = [(module, 1)]
        pop, push = stack.pop, stack.append
        best = position = 0
        # child_nodes() inlined, children pushed last first: this loop runs once per
        # syntactic node of every file.
        while stack:
            node, depth = pop()
            if depth > best:
                best = depth
            node_type = type(node)
            order[id(node)] = position
            position += 1
            bucket = by_type.get(node_type)
            if bucket is None:
                bucket = by_type[node_type] = []
            bucket.append(node)
            if node_type in leaves:
                continue
            getter = getter_of(node_type)
            if getter is None:
                getter = _getter(node_type)
            depth += 1
            for value in reversed(getter(node)):
                kind = kind_of(type(value))
                if kind is None:
                    kind = _kind(type(value))
                if kind == 1:
                    parent[id(value)] = node
                    push((value, depth))
                elif kind == 2:
                    for item in reversed(value):
                        item_kind = kind_of(type(item))
                        if item_kind is None:
                            item_kind = _kind(type(item))
                        if item_kind == 1:
                            parent[id(item)] = node
                            push((item, depth))
        self.depth = best

    def of(self, *types: type[N]) -> list[N]:
        """Nodes of the given types, in document order."""
        if len(types) == 1:
            return list(self._by_type.get(types[0], ()))
        found: list = []
        for t in types:
            found.extend(self._by_type.get(t, ()))
        if len(types) > 1:
            order = self._order()
            found.sort(key=lambda n: order.get(id(n), 0))
        return found

    def _order(self) -> dict[int, int]:
        return self._order_cache

    def position(self, node: cst.CSTNode) -> int | None:
        """``node``'s place in the module's pre-order (document order); None if not indexed."""
        return self._order_cache.get(id(node))

    def run(self, node: cst.CSTNode) -> tuple[int, int] | None:
        """(first, last) pre-order positions of ``node``'s subtree, itself included: a node
        below it has a position in that range, and no other node has. None if not indexed.

        A subtree is one run of the pre-order, from the node to its last descendant (found by
        following last children down)."""
        order = self._order_cache
        start = order.get(id(node))
        if start is None:
            return None
        last = node
        child = _last_child(last)
        while child is not None:
            last, child = child, _last_child(child)
        return start, order[id(last)]

    def below(self, node: cst.CSTNode, node_type: type[N]) -> list[N]:
        """The ``node_type`` nodes of ``node``'s subtree (itself included), in document order:
        what ``[n for n in walk(node) if type(n) is node_type]`` gives, without the walk (the
        bucket's part within ``run(node)``, found by bisection)."""
        span = self.run(node)
        if span is None:  # not a syntactic node of this module: walk it
            return [n for n in walk(node) if type(n) is node_type]
        positions = self._positions.get(node_type)
        if positions is None:
            order = self._order_cache
            positions = self._positions[node_type] = [order[id(n)] for n in self._by_type.get(node_type, ())]
        bucket = self._by_type.get(node_type, ())
        return list(bucket[bisect_left(positions, span[0]):bisect_right(positions, span[1])])

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self._parent.get(id(node))

    def top_level(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The statement of the module's body that holds ``node`` (itself if it is one); None for
        the module and for nodes the index does not hold (whitespace, comments)."""
        parent = self._parent.get(id(node))
        while parent is not None and parent is not self.module:
            node, parent = parent, self._parent.get(id(parent))
        return node if parent is self.module else None

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        current = self._parent.get(id(node))
        while current is not None:
            yield current
            current = self._parent.get(id(current))

    def enclosing(self, node: cst.CSTNode, *types: type[N]) -> N | None:
        parent_of = self._parent.get
        ancestor = parent_of(id(node))
        if _exact(types):  # concrete node classes: a type test, not an ABC isinstance per ancestor
            while ancestor is not None and type(ancestor) not in types:
                ancestor = parent_of(id(ancestor))
            return ancestor  # type: ignore[return-value]
        while ancestor is not None and not isinstance(ancestor, types):
            ancestor = parent_of(id(ancestor))
        return ancestor  # type: ignore[return-value]


# isinstance() against a LibCST class goes through ABCMeta.__instancecheck__ whenever the type
# differs (~0.16 us against ~0.02 us for a type test); for classes nothing subclasses, a type
# test gives the same answer.
_EXACT: dict[tuple[type, ...], bool] = {}


def _exact(types: tuple[type, ...]) -> bool:
    exact = _EXACT.get(types)
    if exact is None:
        exact = _EXACT[types] = all(not t.__subclasses__() for t in types)
    return exact


def walk(root: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Pre-order walk of the syntactic nodes below ``root`` (itself included)."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(child_nodes(node)))


def iter_type(root: cst.CSTNode, types: type[N] | tuple[type, ...]) -> Iterable[N]:
    return (n for n in walk(root) if isinstance(n, types))
