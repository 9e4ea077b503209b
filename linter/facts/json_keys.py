"""Keys of the JSON results a bundle writes, and the keys ``src/evaluate.py`` reads back.

Written: ``json.dump(obj, handle)`` into an ``open(path, "w")`` handle, or
``path.write_text(json.dumps(obj))``, where ``obj`` is a dict literal (``dict(k=...)``),
possibly grown by ``obj["k"] = v`` and ``obj.update({...})`` in the same function. Anything
else (``**other``, a non-constant key, ``obj`` handed to another function) makes the key
set unknown, and rules stay silent.

Read: values loaded with ``json.load``/``json.loads`` from a file the FileIO facts know,
followed through assignments, ``list.append``, ``dict[k] = v``, loops (``.items()``,
``.values()``, ``enumerate``), comprehensions, function returns and parameters, inside
``src/evaluate.py``. A constant subscript ``value["key"]`` on such a value is a key read;
``.get("key")`` is not (it has a default).
"""
from __future__ import annotations

from dataclasses import field

import libcst as cst

from ..parsing.cst_helpers import dotted_name, string_value
from ..records import dataclass
from .io import FileAccess, FileIO
from .memo import call_names, function_of
from .paths import PathPattern

EVALUATE = "src/evaluate.py"
_PASSTHROUGH = {"sorted", "list", "tuple", "reversed", "copy.deepcopy", "dict", "iter"}
_HARMLESS_CALLS = {"json.dump", "json.dumps", "print", "len", "str", "repr", "pprint", "pprint.pprint", "logging.info", "isinstance"}


@dataclass
class KeyTree:
    """Keys of a dict; ``complete`` is False when other keys may exist."""

    keys: dict[str, "KeyTree | None"] = field(default_factory=dict)
    complete: bool = True


@dataclass(frozen=True)
class JsonWrite:
    path: str
    node: cst.CSTNode  # the json.dump / json.dumps / to_csv call
    pattern: PathPattern
    keys: KeyTree | None  # None: not a statically known dict
    table: bool = False  # a CSV file: the keys are its columns


@dataclass(frozen=True)
class KeyRead:
    path: str
    node: cst.Subscript
    keys: tuple[str, ...]  # ("summary", "test_acc") for data["summary"]["test_acc"]
    sources: tuple[PathPattern, ...]  # the files the value was loaded from


def _scope(index, node):
    return function_of(index)(node)


def _key(node: cst.Subscript) -> str | None:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    return string_value(node.slice[0].slice.value)


def _dict_keys(expr: cst.BaseExpression | None) -> KeyTree | None:
    if isinstance(expr, cst.Dict):
        tree = KeyTree()
        for element in expr.elements:
            if isinstance(element, cst.StarredDictElement):
                tree.complete = False
                continue
            key = string_value(element.key)
            if key is None:
                tree.complete = False
                continue
            tree.keys[key] = _dict_keys(element.value)
        return tree
    if isinstance(expr, cst.Call) and dotted_name(expr.func) == "dict":
        tree = KeyTree()
        for a in expr.args:
            if a.keyword is None:
                tree.complete = False
            else:
                tree.keys[a.keyword.value] = _dict_keys(a.value)
        return tree
    return None


class JsonKeys:
    def __init__(self, writes: list[JsonWrite], reads: list[KeyRead]) -> None:
        self.writes = writes
        self.reads = reads

    @classmethod
    def compute(cls, bundle) -> "JsonKeys":
        io = bundle.fact(FileIO)
        by_node: dict[int, list[FileAccess]] = {}
        for access in io.accesses:
            by_node.setdefault(id(access.node), []).append(access)
        writes: list[JsonWrite] = []
        for path, index in bundle.modules():
            writes.extend(_json_writes(path, index, by_node))
        reads: list[KeyRead] = []
        index = bundle.index(EVALUATE)
        if index is not None:
            reads = _KeyFlow(index, by_node).reads()
        return cls(writes, reads)


def _handle_open(index, name: cst.Name, at: cst.CSTNode) -> cst.Call | None:
    """The ``open(...)`` call bound to handle ``name``: the innermost ``with ... as name``
    around ``at``, else the only ``name = open(...)`` of the function."""
    for ancestor in index.ancestors(at):
        if isinstance(ancestor, cst.With):
            for item in ancestor.items:
                if item.asname is not None and isinstance(item.asname.name, cst.Name) and item.asname.name.value == name.value:
                    return item.item if isinstance(item.item, cst.Call) else None
        if isinstance(ancestor, cst.FunctionDef):
            break
    scope_of = function_of(index)
    scope = scope_of(at)
    found = [
        assign.value for assign in index.of(cst.Assign)
        if scope_of(assign) is scope and isinstance(assign.value, cst.Call)
        and any(isinstance(t.target, cst.Name) and t.target.value == name.value for t in assign.targets)
    ]
    return found[0] if len(found) == 1 else None


def _json_writes(path: str, index, by_node) -> list[JsonWrite]:
    out: list[JsonWrite] = []
    names = call_names(index)  # dotted_name(call.func), once per module text
    for call in index.of(cst.Call):
        name = names[id(call)]
        payload = target_call = None
        if name in ("json.dump", "dump") and len(call.args) >= 2 and isinstance(call.args[1].value, cst.Name):
            payload = call.args[0].value
            target_call = _handle_open(index, call.args[1].value, call)
        elif type(call.func) is cst.Attribute and call.func.attr.value in ("write_text", "write") and call.args:
            inner = call.args[0].value
            if isinstance(inner, cst.Call) and dotted_name(inner.func) in ("json.dumps", "dumps") and inner.args:
                payload = inner.args[0].value
                if call.func.attr.value == "write_text":
                    target_call = call
                elif isinstance(call.func.value, cst.Name):
                    target_call = _handle_open(index, call.func.value, call)
        elif isinstance(call.func, cst.Attribute) and call.func.attr.value == "to_csv":
            accesses = [a for a in by_node.get(id(call), []) if a.mode == "write"]
            if accesses:
                columns = None if any(a.keyword is not None and a.keyword.value in ("columns", "header") for a in call.args) else _frame_columns(index, call.func.value, call)
                for access in accesses:
                    out.append(JsonWrite(path, call, access.pattern, columns, table=True))
            continue
        elif name in ("csv.DictWriter", "DictWriter") and call.args and isinstance(call.args[0].value, cst.Name):
            fields = keyword_or_arg(call, 1, "fieldnames")
            target_call = _handle_open(index, call.args[0].value, call)
            if target_call is not None and isinstance(fields, (cst.List, cst.Tuple)):
                names = [string_value(e.value) for e in fields.elements]
                columns = KeyTree({n: None for n in names if n is not None}, complete=all(n is not None for n in names))
                for access in [a for a in by_node.get(id(target_call), []) if a.mode == "write"]:
                    out.append(JsonWrite(path, call, access.pattern, columns, table=True))
            continue
        if payload is None or target_call is None:
            continue
        accesses = [a for a in by_node.get(id(target_call), []) if a.mode == "write"]
        keys = _payload_keys(index, payload, call)
        for access in accesses:
            out.append(JsonWrite(path, call, access.pattern, keys))
    return out


_FRAME_CTORS = {"pd.DataFrame", "pandas.DataFrame", "DataFrame", "pd.DataFrame.from_records", "pd.DataFrame.from_dict"}


def keyword_or_arg(call: cst.Call, position: int, keyword: str):
    for a in call.args:
        if a.keyword is not None and a.keyword.value == keyword:
            return a.value
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    return positional[position] if position < len(positional) else None


def _single_value(index, name: str, at: cst.CSTNode):
    """The value of the only assignment of ``name`` in the function around ``at``, else None."""
    scope_of = function_of(index)
    scope = scope_of(at)
    assigned = [a for a in index.of(cst.Assign, cst.AnnAssign, cst.AugAssign) if scope_of(a) is scope and _binds(a, name)]
    if len(assigned) != 1 or isinstance(assigned[0], cst.AugAssign):
        return None
    return assigned[0].value


def _frame_columns(index, expr, at) -> KeyTree | None:
    """The columns of ``pd.DataFrame(rows)`` when ``rows`` is statically known."""
    if isinstance(expr, cst.Name):
        value = _single_value(index, expr.value, at)
        if value is None or any(
            isinstance(c.func, cst.Attribute) and isinstance(c.func.value, cst.Name) and c.func.value.value == expr.value
            and c.func.attr.value in ("insert", "rename", "drop", "set_index", "reset_index", "pop")
            for c in index.of(cst.Call) if _scope(index, c) is _scope(index, at)
        ):
            return None
        expr = value
    if not isinstance(expr, cst.Call) or dotted_name(expr.func) not in _FRAME_CTORS or not expr.args or expr.args[0].keyword is not None:
        return None
    if any(a.keyword is not None and a.keyword.value in ("columns", "orient") for a in expr.args):
        return None
    tree = _rows_keys(index, expr.args[0].value, at, expr)
    if tree is None:
        return None
    # d["k"] = v on the frame adds a column
    scope_of = function_of(index)
    scope = scope_of(at)
    for assign in index.of(cst.Assign):
        if scope_of(assign) is not scope:
            continue
        for t in assign.targets:
            if isinstance(t.target, cst.Subscript) and isinstance(t.target.value, cst.Name):
                key = _key(t.target)
                if key is None:
                    tree.complete = False
                else:
                    tree.keys.setdefault(key, None)
    return tree


def _rows_keys(index, rows, at, ctor) -> KeyTree | None:
    """Keys of a list of dict literals (rows) or of a dict of columns."""
    if isinstance(rows, cst.Dict):
        tree = _dict_keys(rows)
        if tree is not None:
            tree.keys = {k: None for k in tree.keys}
        return tree
    if isinstance(rows, (cst.List, cst.ListComp)):
        elements = [e.value for e in rows.elements] if isinstance(rows, cst.List) else [rows.elt]
        return _union([_dict_keys(e) for e in elements])
    if not isinstance(rows, cst.Name):
        return None
    value = _single_value(index, rows.value, at)
    if not isinstance(value, cst.List) or value.elements:
        return None
    scope_of = function_of(index)
    scope = scope_of(at)
    appended = []
    for call in index.of(cst.Call):
        if scope_of(call) is not scope or call is at or call is ctor:
            continue
        func = call.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == rows.value:
            if func.attr.value != "append" or len(call.args) != 1:
                return None
            appended.append(_dict_keys(call.args[0].value))
        elif dotted_name(func) not in _HARMLESS_CALLS and any(isinstance(a.value, cst.Name) and a.value.value == rows.value for a in call.args):
            return None
    if not appended:
        return None
    return _union(appended)


def _union(trees) -> KeyTree | None:
    if not trees or any(t is None for t in trees):
        return None
    out = KeyTree()
    for tree in trees:
        out.complete = out.complete and tree.complete
        for key in tree.keys:
            out.keys.setdefault(key, None)
    return out


def _payload_keys(index, payload: cst.BaseExpression, at: cst.CSTNode) -> KeyTree | None:
    direct = _dict_keys(payload)
    if direct is not None or not isinstance(payload, cst.Name):
        return direct
    scope_of = function_of(index)
    scope = scope_of(at)
    name = payload.value
    assigned = [
        a for a in index.of(cst.Assign, cst.AnnAssign, cst.AugAssign)
        if scope_of(a) is scope and _binds(a, name)
    ]
    if len(assigned) != 1 or isinstance(assigned[0], cst.AugAssign):
        return None
    tree = _dict_keys(assigned[0].value)
    if tree is None:
        return None
    # d["k"] = v grows the dict; anything we cannot read makes it incomplete
    for assign in index.of(cst.Assign):
        if scope_of(assign) is not scope:
            continue
        for t in assign.targets:
            target = t.target
            if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name) and target.value.value == name:
                key = _key(target)
                if key is None:
                    tree.complete = False
                else:
                    tree.keys.setdefault(key, _dict_keys(assign.value))
            elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Subscript):
                inner = target.value
                if isinstance(inner.value, cst.Name) and inner.value.value == name:
                    sub = tree.keys.get(_key(inner) or "")
                    if isinstance(sub, KeyTree):
                        key = _key(target)
                        if key is None:
                            sub.complete = False
                        else:
                            sub.keys.setdefault(key, None)
    for call in index.of(cst.Call):
        if scope_of(call) is not scope:
            continue
        func = call.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == name:
            if func.attr.value == "update":
                extra = _dict_keys(call.args[0].value) if len(call.args) == 1 else None
                if extra is None:
                    if any(a.keyword is not None for a in call.args) and all(a.keyword is not None for a in call.args):
                        for a in call.args:
                            tree.keys.setdefault(a.keyword.value, None)
                    else:
                        tree.complete = False
                else:
                    tree.complete = tree.complete and extra.complete
                    for k, v in extra.keys.items():
                        tree.keys.setdefault(k, v)
            elif func.attr.value in ("setdefault", "__setitem__", "pop", "popitem", "clear"):
                tree.complete = False
        elif dotted_name(func) not in _HARMLESS_CALLS and call is not at:
            if any(isinstance(a.value, cst.Name) and a.value.value == name for a in call.args):
                tree.complete = False
    return tree


_SET_TESTS = {"issubset", "issuperset", "intersection", "difference", "isdisjoint"}


def guarded_keys(index) -> set[str]:
    """Keys a module tests before use: ``"k" in d``, ``{"a", "b"}.issubset(df.columns)``."""
    from ..parsing.walk import iter_type

    out: set[str] = set()
    for comparison in index.of(cst.Comparison):
        if any(isinstance(c.operator, (cst.In, cst.NotIn)) for c in comparison.comparisons):
            for node in iter_type(comparison, cst.SimpleString):
                value = string_value(node)
                if value is not None:
                    out.add(value)
    for call in index.of(cst.Call):
        if isinstance(call.func, cst.Attribute) and call.func.attr.value in _SET_TESTS:
            for node in iter_type(call, cst.SimpleString):
                value = string_value(node)
                if value is not None:
                    out.add(value)
    return out


def _binds(node, name: str) -> bool:
    if isinstance(node, cst.Assign):
        return any(isinstance(t.target, cst.Name) and t.target.value == name for t in node.targets)
    return isinstance(node.target, cst.Name) and node.target.value == name


class _KeyFlow:
    """Follows loaded JSON values through src/evaluate.py (see the module docstring)."""

    def __init__(self, index, by_node) -> None:
        self.index = index
        self.by_node = by_node
        self.kind: dict[tuple[int, str], tuple[str, tuple[PathPattern, ...]]] = {}
        self.returns: dict[str, tuple[str, tuple[PathPattern, ...]]] = {}
        self._scope_of = function_of(index)
        self.functions = {f.name.value: f for f in index.of(cst.FunctionDef) if self._scope_of(f) is None}

    def _skey(self, node, name: str) -> tuple[int, str]:
        scope = self._scope_of(node)
        return (id(scope) if scope is not None else 0, name)

    def _lookup(self, node, name: str):
        found = self.kind.get(self._skey(node, name))
        if found is None:
            found = self.kind.get((0, name))
        return found

    def _sources(self, call: cst.Call) -> tuple[PathPattern, ...] | None:
        """The files a json.load/json.loads call reads, when known."""
        if not call.args:
            return None
        arg = call.args[0].value
        opened = None
        if isinstance(arg, cst.Name):
            opened = _handle_open(self.index, arg, call)
        elif isinstance(arg, cst.Call):
            opened = arg
        if opened is None:
            return None
        patterns = tuple(a.pattern for a in self.by_node.get(id(opened), []) if a.mode == "read")
        return patterns or None

    def kind_of(self, expr, at=None):
        at = at if at is not None else expr
        if isinstance(expr, cst.Name):
            return self._lookup(at, expr.value)
        if isinstance(expr, cst.Call):
            name = dotted_name(expr.func)
            if name in ("json.load", "json.loads") or (name in ("load", "loads") and name not in self.functions):
                sources = self._sources(expr)
                return ("value", sources) if sources else None
            if name in ("pd.read_csv", "pandas.read_csv"):
                if any(a.keyword is not None and a.keyword.value in ("names", "header", "usecols", "index_col") for a in expr.args):
                    return None
                sources = tuple(a.pattern for a in self.by_node.get(id(expr), []) if a.mode == "read")
                return ("value", sources) if sources else None
            if name in _FRAME_CTORS and len(expr.args) == 1 and expr.args[0].keyword is None:
                inner = self.kind_of(expr.args[0].value, at)
                if inner is not None and inner[0] == "container":
                    return ("value", inner[1])  # one row per loaded dict: its keys are the columns
                return None
            if name in _PASSTHROUGH and len(expr.args) == 1:
                return self.kind_of(expr.args[0].value, at)
            if name in self.returns:
                return self.returns[name]
            return None
        if isinstance(expr, cst.Subscript):
            inner = self.kind_of(expr.value, at)
            if inner is not None and inner[0] == "container":
                return ("value", inner[1])
        return None

    def _set(self, node, name: str, kind) -> bool:
        key = self._skey(node, name)
        if kind is None or self.kind.get(key) == kind:
            return False
        if key in self.kind and self.kind[key][0] != kind[0]:
            self.kind[key] = ("conflict", ())
            return False
        self.kind[key] = kind
        return True

    def _loop_item(self, target, iterable, at) -> bool:
        changed = False
        it = iterable
        while isinstance(it, cst.Call) and dotted_name(it.func) in ("sorted", "list", "reversed", "enumerate", "tqdm") and it.args:
            enum = dotted_name(it.func) == "enumerate"
            it = it.args[0].value
            if enum and isinstance(target, cst.Tuple) and len(target.elements) == 2:
                target = target.elements[1].value
        if isinstance(it, cst.Call) and isinstance(it.func, cst.Attribute) and it.func.attr.value in ("items", "values") and not it.args:
            kind = self.kind_of(it.func.value, at)
            if kind is not None and kind[0] == "container":
                if it.func.attr.value == "items" and isinstance(target, cst.Tuple) and len(target.elements) == 2:
                    target = target.elements[1].value
                if isinstance(target, cst.Name):
                    changed |= self._set(at, target.value, ("value", kind[1]))
            return changed
        kind = self.kind_of(it, at)
        if kind is not None and kind[0] == "container" and isinstance(target, cst.Name):
            changed |= self._set(at, target.value, ("value", kind[1]))
        return changed

    def _propagate(self) -> bool:
        index = self.index
        changed = False
        for assign in index.of(cst.Assign):
            kind = self.kind_of(assign.value, assign)
            for t in assign.targets:
                if isinstance(t.target, cst.Name):
                    changed |= self._set(assign, t.target.value, kind)
                elif isinstance(t.target, cst.Subscript) and isinstance(t.target.value, cst.Name) and kind is not None and kind[0] == "value":
                    changed |= self._set(assign, t.target.value.value, ("container", kind[1]))
        for call in index.of(cst.Call):
            func = call.func
            if isinstance(func, cst.Attribute) and func.attr.value == "append" and isinstance(func.value, cst.Name) and len(call.args) == 1:
                kind = self.kind_of(call.args[0].value, call)
                if kind is not None and kind[0] == "value":
                    changed |= self._set(call, func.value.value, ("container", kind[1]))
            name = dotted_name(func)
            if name in self.functions:
                params = self.functions[name].params.params
                for position, a in enumerate(call.args):
                    if a.star:
                        break
                    kind = self.kind_of(a.value, call)
                    if kind is None:
                        continue
                    pname = a.keyword.value if a.keyword is not None else (params[position].name.value if position < len(params) else None)
                    if pname:
                        changed |= self._set_param(self.functions[name], pname, kind)
        for loop in index.of(cst.For):
            changed |= self._loop_item(loop.target, loop.iter, loop)
        for comp in index.of(cst.CompFor):
            changed |= self._loop_item(comp.target, comp.iter, comp)
        for ret in index.of(cst.Return):
            function = _scope(index, ret)
            if function is None or ret.value is None:
                continue
            kind = self.kind_of(ret.value, ret)
            if kind is not None and self.returns.get(function.name.value) != kind:
                self.returns[function.name.value] = kind
                changed = True
        return changed

    def _set_param(self, function, name: str, kind) -> bool:
        key = (id(function), name)
        if self.kind.get(key) == kind:
            return False
        if key in self.kind and self.kind[key][0] != kind[0]:
            self.kind[key] = ("conflict", ())
            return False
        self.kind[key] = kind
        return True

    def reads(self) -> list[KeyRead]:
        for _ in range(6):
            if not self._propagate():
                break
        index = self.index
        assigned_keys: set[str] = set()
        for assign in index.of(cst.Assign):
            for t in assign.targets:
                if isinstance(t.target, cst.Subscript):
                    key = _key(t.target)
                    if key:
                        assigned_keys.add(key)
        tested = guarded_keys(index)
        # frames renamed or re-indexed in place, and names bound twice in one function
        reshaped: set[str] = set()
        for call in index.of(cst.Call):
            func = call.func
            if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
                if any(a.keyword is not None and a.keyword.value == "inplace" for a in call.args) or func.attr.value in ("insert", "pop"):
                    reshaped.add(func.value.value)
        bound: dict[tuple[int, str], int] = {}
        for assign in index.of(cst.Assign):
            for t in assign.targets:
                if isinstance(t.target, cst.Name):
                    key = self._skey(assign, t.target.value)
                    bound[key] = bound.get(key, 0) + 1
                elif isinstance(t.target, cst.Attribute) and isinstance(t.target.value, cst.Name) and t.target.attr.value == "columns":
                    reshaped.add(t.target.value.value)
        reshaped |= {name for (_, name), count in bound.items() if count > 1}
        out: list[KeyRead] = []
        targets = {id(t.target) for a in index.of(cst.Assign) for t in a.targets}
        for sub in index.of(cst.Subscript):
            if id(sub) in targets or isinstance(index.parent(sub), cst.Subscript) and index.parent(sub).value is sub:
                continue  # only the outermost subscript of a chain
            chain: list[tuple[str, cst.Subscript]] = []
            node = sub
            while isinstance(node, cst.Subscript):
                key = _key(node)
                if key is None:
                    chain = []  # res["history"][-1]["acc"]: keep the keys below the index
                else:
                    chain.append((key, node))
                node = node.value
            if not chain:
                continue
            kind = self.kind_of(node, sub)
            if kind is None or kind[0] != "value":
                continue
            if isinstance(node, cst.Name) and node.value in reshaped:
                continue
            keys = tuple(k for k, _ in reversed(chain))
            if keys[0] in assigned_keys or keys[0] in tested:
                continue
            out.append(KeyRead(EVALUATE, chain[0][1], keys, kind[1]))
        return out
