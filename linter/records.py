"""``dataclass`` for exp-lint's own record types, at half the standard library's start-up cost.

Python 3.11's ``dataclasses.dataclass`` compiles each generated method (``__init__``,
``__repr__``, ``__eq__``, frozen ``__setattr__``/``__delattr__``, ``__hash__``) with its
own ``exec`` and computes ``inspect.signature`` for a ``__doc__``: ~0.5 ms a class, and
exp-lint defines about sixty, a tenth of a cold run. This decorator lets the standard
library collect the fields (so ``dataclasses.fields``, ``replace`` and ``asdict`` work as
before), compiles the hot methods (``__init__``, ``__eq__``, ``__hash__``) in one ``exec``,
and makes the others (``__repr__``, frozen ``__setattr__``) as closures with the same
behaviour.

Only the options exp-lint uses are supported: ``frozen`` and ``eq``; fields with
``default``, ``default_factory``, ``repr`` and ``compare``. tests/test_records.py checks
each generated method against the standard library's on the same classes.
"""
from __future__ import annotations

import dataclasses
from reprlib import recursive_repr

_MISSING = dataclasses.MISSING
# The default a factory-defaulted parameter shows (``<factory>``), as dataclasses writes it.
_FACTORY = getattr(dataclasses, "_HAS_DEFAULT_FACTORY", _MISSING)


def dataclass(cls=None, /, *, frozen: bool = False, eq: bool = True):
    def wrap(cls):
        return _process(cls, frozen, eq)

    return wrap if cls is None else wrap(cls)


def _process(cls, frozen: bool, eq: bool):
    # Fields only: no generated methods, and a doc string so no signature is computed.
    doc = cls.__dict__.get("__doc__")
    if doc is None:
        cls.__doc__ = " "  # truthy: dataclasses then skips inspect.signature
    cls = dataclasses.dataclass(cls, init=False, repr=False, eq=False, match_args=False)
    if doc is None:
        cls.__doc__ = None
    fields = [f for f in dataclasses.fields(cls)]
    names = [f.name for f in fields]
    env: dict[str, object] = {"__object_setattr": object.__setattr__, "__FACTORY": _FACTORY}
    own = cls.__dict__

    # __init__: parameters in field order; a factory default is a sentinel called in the body.
    params, body = [], []
    for i, f in enumerate(fields):
        if not f.init:
            continue
        if f.default is not _MISSING:
            env[f"__default_{i}"] = f.default
            params.append(f"{f.name}=__default_{i}")
            value = f.name
        elif f.default_factory is not _MISSING:
            env[f"__factory_{i}"] = f.default_factory
            params.append(f"{f.name}=__FACTORY")
            value = f"__factory_{i}() if {f.name} is __FACTORY else {f.name}"
        else:
            params.append(f.name)
            value = f.name
        body.append(f"  __object_setattr(self, {f.name!r}, {value})" if frozen else f"  self.{f.name} = {value}")
    for i, f in enumerate(fields):  # init=False fields with a default still get it
        if not f.init and f.default_factory is not _MISSING:
            env[f"__factory_{i}"] = f.default_factory
            body.append(f"  __object_setattr(self, {f.name!r}, __factory_{i}())" if frozen else f"  self.{f.name} = __factory_{i}()")
        elif not f.init and f.default is not _MISSING:
            env[f"__default_{i}"] = f.default
            body.append(f"  __object_setattr(self, {f.name!r}, __default_{i})" if frozen else f"  self.{f.name} = __default_{i}")
    if hasattr(cls, "__post_init__"):
        body.append("  self.__post_init__()")
    # __init__ runs for every record made, __eq__ and __hash__ whenever one is a set member or
    # dict key: those are compiled, in one exec. The rest are closures (nothing to compile).
    lines: list[str] = []
    if "__init__" not in own:
        lines += [f"def __init__(self, {', '.join(params)}):" if params else "def __init__(self):"] + (body or ["  pass"])
    compared = "(" + "".join(f"self.{f.name}," for f in fields if f.compare) + ")"
    if eq and "__eq__" not in own:
        lines += ["def __eq__(self, other):",
                  f"  if other.__class__ is self.__class__: return {compared} == {compared.replace('self.', 'other.')}",
                  "  return NotImplemented"]
    if eq and frozen and "__hash__" not in own:
        hashed = "".join(f"self.{f.name}," for f in fields if (f.compare if f.hash is None else f.hash))
        lines += ["def __hash__(self):", f"  return hash(({hashed}))"]
    namespace: dict[str, object] = {}
    if lines:
        exec("\n".join(lines), env, namespace)  # noqa: S102 - built from field names only, as dataclasses does
    methods: dict[str, object] = dict(namespace)
    if "__init__" in methods:
        methods["__init__"].__annotations__ = {**{f.name: f.type for f in fields if f.init}, "return": None}
    if "__repr__" not in own:
        methods["__repr__"] = recursive_repr()(_repr([f.name for f in fields if f.repr]))
    if frozen:
        methods["__setattr__"], methods["__delattr__"] = _frozen(cls, frozenset(names))
    for name, function in methods.items():
        function.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, function)
    if eq and not frozen and "__hash__" not in own:
        cls.__hash__ = None  # as dataclasses does: mutable and compared by value, so unhashable
    return cls


# The rarely called methods are closures over the field names: nothing to compile.
def _repr(names: list[str]):
    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return __repr__


def _frozen(cls: type, names: frozenset[str]):
    def __setattr__(self, name, value):
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self, name):
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __setattr__, __delattr__
