"""linter.records.dataclass makes the same classes as dataclasses.dataclass, faster.

Every record class of the project is rebuilt with the standard library's decorator from
its own fields, and both are compared: signature, repr, equality, hashing, immutability,
``replace``. Hand-written shapes cover the options one by one.
"""
from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil

import pytest

import linter
import rules
from linter import records
from linter.records import dataclass as record

MODULES = sorted(
    name for package in (linter, rules)
    for _, name, _ in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    if ".vendor" not in name and ".testing" not in name and not name.endswith("__main__")
)


def _project_records() -> list[type]:
    found = {}
    for name in MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == name:
                found[f"{name}.{value.__qualname__}"] = value
    return [found[k] for k in sorted(found)]


RECORDS = _project_records()


def _generated(value) -> bool:
    """A method linter.records made (compiled from a string, or one of its closures), not one the class defines."""
    code = getattr(getattr(value, "__wrapped__", value), "__code__", None)
    return code is not None and code.co_filename in ("<string>", records.__file__)


def _frozen(cls: type) -> bool:
    return _generated(vars(cls).get("__setattr__"))


def _eq(cls: type) -> bool:
    return "__eq__" in vars(cls)


def _stdlib_twin(cls: type) -> type:
    """The same fields and methods, decorated by dataclasses instead."""
    namespace = {k: v for k, v in vars(cls).items()
                 if k not in ("__dict__", "__weakref__", "__dataclass_fields__", "__dataclass_params__", "__match_args__")
                 and not _generated(v)}
    namespace["__annotations__"] = {f.name: f.type for f in dataclasses.fields(cls)}
    for f in dataclasses.fields(cls):
        namespace[f.name] = dataclasses.field(default=f.default, default_factory=f.default_factory, repr=f.repr,
                                              compare=f.compare, hash=f.hash, init=f.init)
    bases = tuple(b for b in cls.__bases__ if not dataclasses.is_dataclass(b)) or (object,)
    twin = type(cls.__name__, bases, namespace)
    twin.__qualname__ = cls.__qualname__
    return dataclasses.dataclass(twin, frozen=_frozen(cls), eq=_eq(cls))


def _outcome(action):
    try:
        return ("ok", action())
    except Exception as exc:  # both must fail alike
        return ("raises", type(exc).__name__)


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_project_record_behaves_like_a_standard_dataclass(cls):
    twin = _stdlib_twin(cls)
    assert str(inspect.signature(cls)) == str(inspect.signature(twin))
    required = [p for p in inspect.signature(cls).parameters.values() if p.default is inspect.Parameter.empty]
    args = list(range(len(required)))
    made = _outcome(lambda: cls(*args)), _outcome(lambda: twin(*args))
    assert made[0][0] == made[1][0], made
    if made[0][0] != "ok":
        return  # __post_init__ refused the placeholder values in both
    ours, theirs = made[0][1], made[1][1]
    assert repr(ours) == repr(theirs)
    assert (ours == cls(*args)) == (theirs == twin(*args))
    assert (cls.__hash__ is None) == (twin.__hash__ is None)
    if cls.__hash__ is not None and _frozen(cls):
        assert _outcome(lambda: hash(ours) == hash(cls(*args))) == _outcome(lambda: hash(theirs) == hash(twin(*args)))
    first = dataclasses.fields(cls)[0].name
    assert _outcome(lambda: setattr(ours, first, 1)) == _outcome(lambda: setattr(theirs, first, 1))
    assert repr(dataclasses.replace(ours)) == repr(dataclasses.replace(theirs))


@record(frozen=True)
class _Frozen:
    a: int
    b: str = "x"
    c: list = dataclasses.field(default_factory=list, compare=False)
    d: object = dataclasses.field(default=None, repr=False)


@record
class _Mutable:
    a: int
    items: dict = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        self.a = self.a * 2


@record(eq=False)
class _Identity:
    a: int


def test_options_one_by_one():
    one = _Frozen(1)
    assert repr(one) == "_Frozen(a=1, b='x', c=[])"
    assert one == _Frozen(1, c=[3]) and hash(one) == hash(_Frozen(1, c=[3]))  # c is not compared
    assert one != _Frozen(2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.a = 2
    assert _Frozen(1).c is not _Frozen(1).c  # a fresh list each time
    assert dataclasses.replace(one, b="y").b == "y"
    m = _Mutable(2)
    assert m.a == 4 and m.items == {} and _Mutable.__hash__ is None
    m.a = 1
    assert _Identity(1) != _Identity(1) and hash(_Identity(1)) is not None
    assert [f.name for f in dataclasses.fields(_Frozen)] == ["a", "b", "c", "d"]
    assert dataclasses.asdict(_Mutable(1)) == {"a": 2, "items": {}}
