"""Answers about a module's nodes worked out once per node index and shared by the facts.

Several facts ask the same question of every call of a module (the dotted name of its
callee) or scan every call for the few below one node. Here each answer is computed once
per module. The tables live as long as the index (a weak key), so their ``id`` keys
always name live nodes of that module.
"""
from __future__ import annotations

from typing import Callable
from weakref import WeakKeyDictionary

import libcst as cst

from ..parsing.cst_helpers import dotted_name

_TABLES: WeakKeyDictionary = WeakKeyDictionary()
_MISSING = object()


def _tables(index) -> dict:
    tables = _TABLES.get(index)
    if tables is None:
        tables = _TABLES[index] = {}
    return tables


def call_names(index) -> dict[int, str | None]:
    """id(call) -> ``dotted_name(call.func)`` for every call of the module."""
    tables = _tables(index)
    names = tables.get("call_names")
    if names is None:
        names = tables["call_names"] = {id(call): dotted_name(call.func) for call in index.of(cst.Call)}
    return names


def callee_names(index) -> dict[int, str | None]:
    """id(call) -> ``call_name(call)`` (the dotted callee, or ``.method`` for a method of
    another expression) for every call of the module."""
    tables = _tables(index)
    names = tables.get("callee_names")
    if names is None:
        dotted = call_names(index)
        names = tables["callee_names"] = {}
        for call in index.of(cst.Call):
            name = dotted[id(call)]
            if name is None and type(call.func) is cst.Attribute:
                name = "." + call.func.attr.value
            names[id(call)] = name
    return names


def code(index, node: cst.CSTNode) -> str:
    """``index.module.code_for_node(node)``, generated once per node of a module text (code
    generation walks the whole subtree, and bundles repeating the text ask again)."""
    tables = _tables(index)
    codes = tables.get("code")
    if codes is None:
        codes = tables["code"] = {}
    found = codes.get(id(node))
    if found is None:
        found = codes[id(node)] = index.module.code_for_node(node)
    return found


def within(index, container: type, node_type: type) -> dict[int, list]:
    """id(c) -> the ``node_type`` nodes below each ``container`` node c, in document order
    (a subtree is one run of the index's pre-order: found by bisection, not parent walks)."""
    tables = _tables(index)
    key = ("within", container, node_type)
    table = tables.get(key)
    if table is None:
        below = index.below
        table = tables[key] = {id(outer): below(outer, node_type) for outer in index.of(container)}
    return table


def function_of(index) -> Callable[[cst.CSTNode], cst.FunctionDef | None]:
    """``index.enclosing(node, cst.FunctionDef)``, remembered per node.

    For facts that ask it of the same nodes over and over (every call or assignment of a
    function, for each value followed). Only nodes of this module are remembered. The
    table is shared; the function is not stored with it (it holds the index, which would
    then never be collected).
    """
    tables = _tables(index)
    memo = tables.get("function_of")
    if memo is None:
        memo = tables["function_of"] = {}
    parent_of = index.parent
    function_def = cst.FunctionDef

    def find(node: cst.CSTNode) -> cst.FunctionDef | None:
        found = memo.get(id(node), _MISSING)
        if found is _MISSING:
            found = parent_of(node)
            if found is None:
                return None  # the module, or not a node of this index
            while found is not None and type(found) is not function_def:
                found = parent_of(found)
            memo[id(node)] = found
        return found

    return find


def shared(index, key, compute: Callable[[], object]):
    """``compute()``, once per module index (or shared ``ast`` tree) and ``key``.

    A text repeated in a batch of bundles shares its index (linter.parsing.recent), and its
    ``ast`` tree (rules.derived), so an analysis that depends only on the module (and on what
    ``key`` names, such as its path) is shared with it. Its users must not change the result,
    and the result must not refer to the index or tree itself (or to anything that does,
    such as a bound ``index.parent``): the table is keyed weakly by it, and such a result
    would keep it alive for good (tests/test_memory.py counts the indexes a batch leaves).
    """
    tables = _tables(index)
    found = tables.get(key, _MISSING)
    if found is _MISSING:
        found = tables[key] = compute()
    return found
