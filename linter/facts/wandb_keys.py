"""Metric keys a bundle logs to WandB, and the keys ``src/evaluate.py`` reads back.

Logged (any module but evaluate): ``wandb.log({...})`` / ``run.log({...})`` with a dict
literal or a dict built in the same function (see ``json_keys``), f-string keys as
patterns; ``wandb.summary["k"] = v``, ``run.summary.update({...})``. Read (evaluate):
``run.history(keys=[...])``/``scan_history(keys=[...])``, constant subscripts of a value
from ``run.history()`` or ``run.summary`` (through assignments and local function
parameters). ``.get("k", default)`` is not a read.
"""
from __future__ import annotations

import libcst as cst

from ..parsing.cst_helpers import dotted_name, keyword_arg, string_value
from ..records import dataclass
from .json_keys import _dict_keys, _key, _payload_keys, guarded_keys
from .memo import function_of, shared

EVALUATE = "src/evaluate.py"
HISTORY, SUMMARY = "history", "summary"


@dataclass(frozen=True)
class LoggedKey:
    path: str
    node: cst.CSTNode
    key: str  # an fnmatch pattern: f-string holes become "*"
    where: str  # HISTORY (wandb.log) | SUMMARY


@dataclass(frozen=True)
class MetricRead:
    path: str
    node: cst.CSTNode
    key: str
    where: str  # HISTORY | SUMMARY


def _key_pattern(expr) -> str | None:
    value = string_value(expr)
    if value is not None:
        return value
    if isinstance(expr, cst.FormattedString):
        out = []
        for part in expr.parts:
            out.append(part.value if isinstance(part, cst.FormattedStringText) else "*")
        return "".join(out)
    return None


def _dict_patterns(expr) -> tuple[list[tuple[str, cst.CSTNode]], bool]:
    """Keys of a dict literal as patterns, and whether the set is complete."""
    out, complete = [], True
    if isinstance(expr, cst.Dict):
        for element in expr.elements:
            if isinstance(element, cst.StarredDictElement):
                complete = False
                continue
            pattern = _key_pattern(element.key)
            if pattern is None:
                complete = False
            else:
                out.append((pattern, element.key))
        return out, complete
    tree = _dict_keys(expr)
    if tree is None:
        return [], False
    return [(k, expr) for k in tree.keys], tree.complete


def _is_summary(expr) -> bool:
    """``wandb.summary``, ``run.summary``, ``wandb.run.summary``."""
    return isinstance(expr, cst.Attribute) and expr.attr.value == "summary"


class WandbKeys:
    def __init__(self, logged: list[LoggedKey], complete: bool, reads: list[MetricRead], logs: int) -> None:
        self.logged = logged
        self.complete = complete  # every wandb.log payload was statically known
        self.reads = reads
        self.logs = logs  # how many wandb.log calls were found

    @classmethod
    def compute(cls, bundle) -> "WandbKeys":
        logged: list[LoggedKey] = []
        complete = True
        logs = 0
        for path, index in bundle.modules():
            if path == EVALUATE:
                continue
            # What a module logs depends only on its text and path: bundles repeating it share it.
            module_logged, module_complete, module_logs = shared(index, ("wandb logs", path), lambda: _logged(path, index))
            logged.extend(module_logged)
            complete = complete and module_complete
            logs += module_logs
        reads: list[MetricRead] = []
        index = bundle.index(EVALUATE)
        if index is not None:
            reads = list(shared(index, "wandb reads", lambda: tuple(_reads(index))))
        return cls(logged, complete, reads, logs)


def _logged(path: str, index) -> tuple[tuple[LoggedKey, ...], bool, int]:
    """(keys one module logs to WandB, whether every payload was statically known, how many
    wandb.log calls it makes)."""
    logged: list[LoggedKey] = []
    complete = True
    logs = 0
    for call in index.of(cst.Call):
        func = call.func
        if not isinstance(func, cst.Attribute):
            continue
        receiver = dotted_name(func.value) or ""
        if func.attr.value == "log" and (receiver == "wandb" or receiver.split(".")[-1] in ("run", "wandb_run", "wb_run", "self.run", "self.wandb_run")):
            logs += 1
            payload = call.args[0].value if call.args and call.args[0].keyword is None else keyword_arg(call, "data")
            if payload is None:
                complete = False
                continue
            if isinstance(payload, cst.Name):
                tree = _payload_keys(index, payload, call)
                if tree is None:
                    complete = False
                    continue
                complete = complete and tree.complete
                logged.extend(LoggedKey(path, call, k, HISTORY) for k in tree.keys)
                continue
            keys, ok = _dict_patterns(payload)
            complete = complete and ok
            logged.extend(LoggedKey(path, node, k, HISTORY) for k, node in keys)
        elif func.attr.value == "update" and _is_summary(func.value):
            if call.args:
                keys, ok = _dict_patterns(call.args[0].value)
                complete = complete and ok
                logged.extend(LoggedKey(path, node, k, SUMMARY) for k, node in keys)
    for assign in index.of(cst.Assign):
        for t in assign.targets:
            target = t.target
            if isinstance(target, cst.Subscript) and _is_summary(target.value):
                pattern = _key_pattern(target.slice[0].slice.value) if len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index) else None
                if pattern is None:
                    complete = False
                else:
                    logged.append(LoggedKey(path, target, pattern, SUMMARY))
    return tuple(logged), complete, logs


def _source_kind(expr) -> str | None:
    while isinstance(expr, cst.Call) and dotted_name(expr.func) in ("dict", "pd.DataFrame", "list") and len(expr.args) == 1:
        expr = expr.args[0].value
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
        method = expr.func.attr.value
        if method in ("history", "scan_history"):
            return HISTORY
        if method in ("dropna", "fillna", "reset_index", "copy", "sort_values", "set_index") :
            return _source_kind(expr.func.value)
    if isinstance(expr, cst.Attribute):
        if expr.attr.value == "summary":
            return SUMMARY
        if expr.attr.value in ("_json_dict",) and isinstance(expr.value, cst.Attribute) and expr.value.attr.value == "summary":
            return SUMMARY
    return None


def _reads(index) -> list[MetricRead]:
    kinds: dict[tuple[int, str], str] = {}
    scope_of = function_of(index)
    functions = {f.name.value: f for f in index.of(cst.FunctionDef) if scope_of(f) is None}

    def skey(node, name):
        scope = scope_of(node)
        return (id(scope) if scope is not None else 0, name)

    def kind_of(expr, at):
        if isinstance(expr, cst.Name):
            return kinds.get(skey(at, expr.value)) or kinds.get((0, expr.value))
        return _source_kind(expr)

    def put(key, kind) -> bool:
        if kind is None or kinds.get(key) == kind:
            return False
        kinds[key] = "conflict" if key in kinds else kind
        return True

    for _ in range(4):
        changed = False
        for assign in index.of(cst.Assign):
            kind = kind_of(assign.value, assign)
            for t in assign.targets:
                if isinstance(t.target, cst.Name):
                    changed |= put(skey(assign, t.target.value), kind)
        for call in index.of(cst.Call):
            name = dotted_name(call.func)
            if name in functions:
                params = functions[name].params.params
                for position, a in enumerate(call.args):
                    if a.star:
                        break
                    kind = kind_of(a.value, call)
                    pname = a.keyword.value if a.keyword is not None else (params[position].name.value if position < len(params) else None)
                    if kind and pname:
                        changed |= put((id(functions[name]), pname), kind)
        if not changed:
            break
    out: list[MetricRead] = []
    assigned = set()
    for assign in index.of(cst.Assign):
        for t in assign.targets:
            if isinstance(t.target, cst.Subscript):
                key = _key(t.target)
                if key:
                    assigned.add(key)
    assigned |= guarded_keys(index)
    targets = {id(t.target) for a in index.of(cst.Assign) for t in a.targets}
    for sub in index.of(cst.Subscript):
        if id(sub) in targets:
            continue
        key = _key(sub)
        if key is None or key in assigned:
            continue
        kind = kind_of(sub.value, sub)
        if kind in (HISTORY, SUMMARY):
            out.append(MetricRead(EVALUATE, sub, key, kind))
    for call in index.of(cst.Call):
        if isinstance(call.func, cst.Attribute) and call.func.attr.value in ("history", "scan_history"):
            keys = keyword_arg(call, "keys")
            if isinstance(keys, (cst.List, cst.Tuple)):
                for element in keys.elements:
                    value = string_value(element.value)
                    if value is not None:
                        out.append(MetricRead(EVALUATE, element.value, value, HISTORY))
    return out
