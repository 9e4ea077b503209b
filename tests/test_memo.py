"""The per-module tables of linter.facts.memo give what the helpers they replace give."""
from __future__ import annotations

import libcst as cst

from linter.facts import memo
from linter.parsing.cst_helpers import call_name
from linter.parsing.python import parse_python

SOURCE = (
    "import os\n\n\ndef f(cfg):\n    with open(cfg.path) as h, lock():\n        g(h.read()).x()\n"
    "        with nested():\n            os.path.join('a', h)\n    return (lambda v: v)(cfg)['k']()\n"
)


def _index():
    return parse_python("src/m.py", SOURCE).index


def test_callee_names_are_call_name_of_every_call():
    index = _index()
    table = memo.callee_names(index)
    calls = index.of(cst.Call)
    assert len(calls) == 9 and list(table) == [id(c) for c in calls]
    assert [table[id(c)] for c in calls] == [call_name(c) for c in calls]
    assert {".x", "os.path.join", None} <= set(table.values())  # a method of another expression, a dotted name, neither


def test_code_is_code_for_node_generated_once():
    index = _index()
    with_node = index.of(cst.With)[0]
    first = memo.code(index, with_node)
    assert first == index.module.code_for_node(with_node) and first.startswith("with open(cfg.path) as h")
    assert memo.code(index, with_node) is first  # kept, not generated again
    assert memo.code(index, with_node.items[0]) == "open(cfg.path) as h, "


def test_within_lists_the_nodes_below_each_container_as_parent_walks_do():
    index = _index()
    table = memo.within(index, cst.With, cst.Call)
    for outer in index.of(cst.With):
        walked = [c for c in index.of(cst.Call) if any(a is outer for a in index.ancestors(c))]
        assert table[id(outer)] == walked
    outer, inner = index.of(cst.With)
    assert [call_name(c) for c in table[id(inner)]] == ["nested", "os.path.join"]
    assert len(table[id(outer)]) == 7
