"""NodeIndex.enclosing answers as isinstance would, for concrete and abstract node classes."""
from __future__ import annotations

import libcst as cst

from linter.parsing.python import parse_python

SOURCE = "class A:\n    def f(self):\n        for x in y:\n            if x:\n                g(x)\n"


def _index():
    parsed = parse_python("m.py", SOURCE)
    call = parsed.index.of(cst.Call)[0]
    return parsed.index, call


def test_enclosing_concrete_classes_is_the_nearest_ancestor_of_those_types():
    index, call = _index()
    assert index.enclosing(call, cst.FunctionDef).name.value == "f"
    assert type(index.enclosing(call, cst.For, cst.If)) is cst.If
    assert index.enclosing(call, cst.ClassDef).name.value == "A"
    assert index.enclosing(call, cst.While) is None


def test_enclosing_abstract_classes_still_matches_subclasses():
    index, call = _index()
    found = index.enclosing(call, cst.BaseCompoundStatement)
    assert type(found) is cst.If  # the nearest compound statement, matched through the ABC
    assert type(index.enclosing(found, cst.BaseCompoundStatement)) is cst.For
    assert index.enclosing(index.module.body[0], cst.BaseCompoundStatement) is None


def test_below_is_the_walk_filtered_by_type_for_every_node():
    from linter.parsing.walk import walk

    source = SOURCE + "\n\ndef h(a, b=g(1)):\n    return [a.x(y) for y in b if y] or h(*a, **{'k': f(2)})\n"
    parsed = parse_python("m.py", source)
    index = parsed.index
    nodes = [n for n in walk(parsed.module)]
    assert len(nodes) > 60
    for node in nodes:
        for node_type in (cst.Name, cst.Call, cst.Attribute, cst.FunctionDef, cst.Arg):
            expected = [n for n in walk(node) if type(n) is node_type]
            found = index.below(node, node_type)
            assert len(found) == len(expected) and all(a is b for a, b in zip(found, expected)), (type(node).__name__, node_type)


def test_below_a_node_from_elsewhere_walks_it():
    index, _ = _index()
    other = cst.parse_expression("f(g(x))")
    assert [c.func.value for c in index.below(other, cst.Call)] == ["f", "g"]


def _children_read_from_fields(node):
    """child_nodes without its shortcut for leaf classes: every syntactic field read."""
    from linter.parsing.walk import _fields

    out = []
    for name in _fields(type(node)):
        value = getattr(node, name)
        out += [v for v in (value if isinstance(value, (list, tuple)) else [value]) if isinstance(v, cst.CSTNode)]
    return out


def test_leaf_classes_have_no_syntactic_children():
    from linter.parsing.walk import leaf_classes

    classes = leaf_classes()
    assert {cst.Add, cst.Divide, cst.Pass, cst.Not, cst.Name, cst.Integer, cst.SimpleString} <= classes
    assert not {cst.Call, cst.BinaryOperation, cst.Attribute, cst.FormattedString, cst.Arg} & classes
    built = 0
    for cls in classes:
        try:
            node = cls()
        except TypeError:  # needs arguments
            try:
                node = cls(value="x")  # Name, Integer, the string texts...
            except Exception:
                continue
        built += 1
        assert _children_read_from_fields(node) == [], cls
    assert built > 30


def test_run_spans_exactly_the_subtree_in_document_order():
    from linter.parsing.walk import walk

    source = SOURCE + "\n\ntry:\n    with open_dict(cfg):\n        cfg.x = [1, (2, {3: f(4)})]\nexcept KeyError:\n    pass\n"
    index = parse_python("m.py", source).index
    everything = list(walk(index.module))
    assert [index.position(n) for n in everything] == list(range(len(everything)))
    for node in everything:
        inside = {id(n) for n in walk(node)}
        first, last = index.run(node)
        assert first == index.position(node)
        assert {id(n) for n in everything if first <= index.position(n) <= last} == inside, type(node).__name__
    assert index.run(cst.parse_expression("x")) is None and index.position(cst.Name("x")) is None


def test_the_index_holds_what_a_walk_reading_every_field_finds():
    source = (SOURCE + "\n\nx = -f(1, 'a', *b, k=2.5j) + [c for c in d if not c] or {e: ...}\n"
              "y = f'{x!r:>{w}} text' 'more'\nif a is not b and a != c:\n    pass\nwhile 1:\n    break\n")
    index = parse_python("m.py", source).index
    expected, stack = [], [index.module]
    while stack:
        node = stack.pop()
        expected.append(node)
        stack.extend(reversed(_children_read_from_fields(node)))
    assert len(expected) > 80
    assert [index.position(n) for n in expected] == list(range(len(expected)))  # all of them, in pre-order
