"""exp-lint's parse builds LibCST's own trees, only cheaper (linter/parsing/construction.py).

While a parse runs, LibCST's per-node re-validation is off, and, once ``install()`` has run,
each node class's lean constructor stores fields straight into slots. These tests check both
ways of parsing give LibCST's own trees and errors, on example files and on mutations of them;
that validation is back on afterwards; and that the lean constructors keep LibCST's
signatures, defaults and behaviour outside a parse.
"""
from __future__ import annotations

import dataclasses
import inspect

import libcst as cst
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.parsing import construction
from linter.parsing.walk import node_classes
from linter.parsing.python import _parse_module, parse_python
from linter.testing import minimal_files

from conftest import ROOT

SOURCES = sorted(
    [text for profile in ("experiment", "hydra") for name, text in minimal_files(profile).items() if name.endswith(".py")]
    + [p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures" / "examples").rglob("*.py"))]
)
SNIPPETS = ["(", ")", ":", " ", "\n", "lambda", "*", "**", "=", ",", "async ", "await ", "@", "\\", "'", '"', "f'{", "}",
            "[", "]", "->", " if ", " else ", "yield ", "global x\n", ":=", "\t", "del ", "match x:\n case 1: pass\n",
            "from . import (a as b,)\n", "x: int = 1\n", "try:\n pass\nexcept* E: pass\n", "@d\nclass C[T](B, k=1): pass\n"]


@pytest.fixture(params=["validation off", "lean constructors"])
def mode(request):
    if request.param == "lean constructors":
        construction.install()
        yield request.param
        construction.uninstall()
    else:
        construction.uninstall()
        yield request.param


def _outcome(parse, text: str):
    try:
        return parse(text)
    except Exception as exc:  # the same exception type either way
        return type(exc).__name__


def _reference(text: str):
    installed = bool(construction._INSTALLED)
    construction.uninstall()  # LibCST's parse as it ships, whatever the test installed
    try:
        return _outcome(cst.parse_module, text)
    finally:
        if installed:
            construction.install()


def _same(a, b) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return a.deep_equals(b) and a.code == b.code


@pytest.mark.parametrize("text", SOURCES)
def test_example_files_parse_to_libcsts_own_tree(text, mode):
    assert _same(_outcome(_parse_module, text), _reference(text))


@pytest.mark.parametrize("installed", [False, True])
@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SOURCES), st.integers(0, 10**6), st.sampled_from(SNIPPETS), st.integers(0, 3))
def test_mutated_files_parse_or_fail_as_libcst_does(installed, text, where, snippet, cut):
    at = where % (len(text) + 1)
    mutated = text[:at] + snippet + text[at + cut:]
    reference = _reference(mutated)
    if installed:
        construction.install()
    try:
        assert _same(_outcome(_parse_module, mutated), reference), mutated[max(0, at - 40):at + 40]
    finally:
        construction.uninstall()


def test_validation_is_back_on_after_a_parse_and_after_a_syntax_error(mode):
    parse_python("a.py", "x = 1\n")
    parse_python("b.py", "def (:\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")
    with pytest.raises(cst.CSTValidationError):
        cst.BinaryOperation(cst.Name("a"), cst.Add(), cst.Name("b"), lpar=[cst.LeftParen()])  # unbalanced


def _concrete_classes() -> list[type]:
    return sorted((c for c in node_classes() if "__slots__" in c.__dict__ and "__init__" in c.__dict__
                   and c.__module__.startswith("libcst.")), key=lambda c: c.__qualname__)


def test_every_concrete_node_class_gets_a_lean_constructor_with_libcsts_signature():
    construction.uninstall()
    originals = {c: c.__init__ for c in _concrete_classes()}
    assert len(originals) > 150  # LibCST's node classes, not a handful found by accident
    try:
        assert construction.install() == len(originals)
        for cls, original in originals.items():
            lean = cls.__init__
            assert lean is not original, cls
            assert inspect.signature(lean) == inspect.signature(original), cls
            assert lean.__qualname__ == original.__qualname__
    finally:
        construction.uninstall()
    assert all(c.__init__ is original for c, original in originals.items())


def test_install_is_idempotent():
    try:
        first = construction.install()
        constructors = {c: c.__init__ for c in _concrete_classes()}
        assert construction.install() == first
        assert {c: c.__init__ for c in _concrete_classes()} == constructors
    finally:
        construction.uninstall()


def _build_examples():
    """Nodes built with defaults and default factories left to the constructor."""
    return [
        cst.Name("x"),
        cst.Arg(cst.Integer("1"), keyword=cst.Name("k")),
        cst.FunctionDef(cst.Name("f"), cst.Parameters([cst.Param(cst.Name("p"), default=cst.Integer("2"))]),
                        cst.IndentedBlock([cst.SimpleStatementLine([cst.Pass()])])),
        cst.ImportFrom(module=cst.Name("m"), names=[cst.ImportAlias(cst.Name("a"))]),
        cst.Comparison(cst.Name("a"), [cst.ComparisonTarget(cst.LessThan(), cst.Name("b"))]),
    ]


def test_lean_constructors_fill_defaults_and_factories_as_libcst_does():
    construction.uninstall()
    expected = [cst.Module([]).code_for_node(n) for n in _build_examples()]
    reference = _build_examples()
    construction.install()
    try:
        with construction.building():
            built = _build_examples()
        outside = _build_examples()
    finally:
        construction.uninstall()
    for ref, lean, plain in zip(reference, built, outside):
        assert lean.deep_equals(ref) and plain.deep_equals(ref)
    assert [cst.Module([]).code_for_node(n) for n in built] == expected
    # A default factory gives every node its own default, as dataclasses does.
    assert built[1].whitespace_after_arg is not _build_examples()[1].whitespace_after_arg


def test_lean_constructors_skip_validation_only_while_building():
    construction.install()
    try:
        with construction.building():
            cst.Name("not a name")  # parser output is never like this; nothing checks it here
        with pytest.raises(cst.CSTValidationError):
            cst.Name("not a name")
    finally:
        construction.uninstall()


def test_a_class_whose_constructor_is_not_the_dataclass_one_keeps_it():
    import gc

    # A subclass of an abstract base, not of a concrete class: type tests elsewhere rely on
    # LibCST's concrete node classes having no subclasses.
    @dataclasses.dataclass(frozen=True)
    class Custom(cst.BaseSmallStatement):
        __slots__ = ("value",)
        value: str

        def __init__(self, value):  # hand-written, not dataclass-generated
            object.__setattr__(self, "value", value)

    @dataclasses.dataclass(frozen=True)
    class Generated(cst.BaseSmallStatement):
        __slots__ = ("value",)
        value: str

    try:
        assert construction._plan(Custom) is None
        assert construction._plan(Generated) is not None  # the same class with dataclass's constructor qualifies
    finally:
        del Custom, Generated
        gc.collect()  # out of CSTNode.__subclasses__() before any other test looks
