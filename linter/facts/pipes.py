"""Child processes started with pipes, and how the launching module reads them.

``bundle.fact(Pipes)`` holds one :class:`PipeLaunch` per ``subprocess.Popen(...)`` whose
result is bound to a name (``proc = Popen(...)``, ``with Popen(...) as proc``): where its
stdout and stderr go, whether it is in text mode, and every later use of ``proc.stdout``
and ``proc.stderr`` in the same function, classified as a full drain (read to EOF), a
line read inside a loop that also reads the other pipe (interleaved), or anything else.
Streams passed to a helper function of the same module are followed into the helper
(two levels), with the helper's parameters mapped to the caller's arguments.
"""
from __future__ import annotations

from dataclasses import field

import libcst as cst

from ..parsing.cst_helpers import dotted_name, keyword_arg
from ..records import dataclass
from .memo import call_names

FULL, INTERLEAVED = "full", "interleaved"
_CONCURRENCY = ("threading", "Thread", "selectors", "select.", "asyncio", "concurrent.futures",
                "ThreadPoolExecutor", "multiprocessing", "trio", "anyio", "gevent")


@dataclass
class StreamUse:
    stream: str  # "stdout" | "stderr"
    node: cst.CSTNode  # the proc.stdout expression
    kind: str | None  # FULL | INTERLEAVED | None
    drain: cst.CSTNode | None = None  # where the reading happens (the loop, the .read() call)
    drain_path: str | None = None


@dataclass
class PipeLaunch:
    path: str
    call: cst.Call
    proc: str
    scope: cst.CSTNode
    stdout: str  # "pipe" | "stdout" | "devnull" | "other" | "none"
    stderr: str
    text: bool | None  # None: not statically known
    uses: list[StreamUse] = field(default_factory=list)
    communicate: bool = False


def _target_kind(expr: cst.BaseExpression | None) -> str:
    if expr is None:
        return "none"
    name = dotted_name(expr) or ""
    last = name.rsplit(".", 1)[-1]
    if last == "PIPE":
        return "pipe"
    if last == "STDOUT":
        return "stdout"
    if last == "DEVNULL":
        return "devnull"
    if name == "None":
        return "none"
    return "other"


def text_mode(call: cst.Call) -> bool | None:
    """True for text=True / universal_newlines=True / encoding= / errors=, False for bytes."""
    verdict: bool | None = False
    for key in ("text", "universal_newlines"):
        value = keyword_arg(call, key)
        if value is None:
            continue
        name = dotted_name(value)
        if name == "True":
            return True
        if name not in ("False", "None"):
            verdict = None
    for key in ("encoding", "errors"):
        value = keyword_arg(call, key)
        if value is not None and dotted_name(value) != "None":
            return True
    if any(a.star for a in call.args):
        return None
    return verdict


def is_bytes_literal(expr) -> bool | None:
    """True for b"", False for "", None for anything else."""
    if isinstance(expr, cst.SimpleString):
        return "b" in expr.prefix.lower()
    return None


class Pipes:
    def __init__(self, launches: list[PipeLaunch], concurrent: dict[str, bool]) -> None:
        self.launches = launches
        self.concurrent = concurrent  # module path -> uses threads/selectors/asyncio

    @classmethod
    def compute(cls, bundle) -> "Pipes":
        launches: list[PipeLaunch] = []
        concurrent: dict[str, bool] = {}
        for path, index in bundle.modules():
            callees = call_names(index)
            popens = [c for c in index.of(cst.Call) if (callees[id(c)] or "").rsplit(".", 1)[-1] == "Popen"]
            if not popens:
                continue
            text = bundle.files[path].text or ""
            concurrent[path] = any(word in text for word in _CONCURRENCY)
            helpers = _helpers(index)
            for call in popens:
                launch = _launch(path, index, call, helpers)
                if launch is not None:
                    launches.append(launch)
        return cls(launches, concurrent)


def _helpers(index) -> dict[str, cst.FunctionDef]:
    seen: dict[str, list[cst.FunctionDef]] = {}
    for fd in index.of(cst.FunctionDef):
        seen.setdefault(fd.name.value, []).append(fd)
    return {name: fds[0] for name, fds in seen.items() if len(fds) == 1}


def _launch(path, index, call, helpers) -> PipeLaunch | None:
    parent = index.parent(call)
    proc = None
    if type(parent) is cst.Assign and len(parent.targets) == 1 and type(parent.targets[0].target) is cst.Name:
        proc = parent.targets[0].target.value
    elif type(parent) is cst.WithItem and parent.asname is not None and type(parent.asname.name) is cst.Name:
        proc = parent.asname.name.value
    if proc is None:
        return None
    scope = index.enclosing(call, cst.FunctionDef) or index.module
    launch = PipeLaunch(path, call, proc, scope,
                        _target_kind(keyword_arg(call, "stdout")), _target_kind(keyword_arg(call, "stderr")), text_mode(call))
    order = index._order()
    start = order.get(id(call), 0)
    for node in index.of(cst.Attribute):
        if order.get(id(node), 0) <= start or type(node.value) is not cst.Name or node.value.value != proc:
            continue
        if (index.enclosing(node, cst.FunctionDef) or index.module) is not scope:
            continue
        attr = node.attr.value
        if attr == "communicate":
            launch.communicate = True
        elif attr in ("stdout", "stderr"):
            kind, drain = drain_kind(index, node, scope, proc, attr, helpers, 0)
            launch.uses.append(StreamUse(attr, node, kind, drain, path))
    return launch


def _other_in(index, loop: cst.CSTNode, proc: str | None, other: str) -> bool:
    for node in index.of(cst.Attribute):
        if node.attr.value == other and type(node.value) is cst.Name and (proc is None or node.value.value == proc):
            if any(a is loop for a in index.ancestors(node)):
                return True
    return False


def drain_kind(index, node, scope, proc: str | None, stream: str, helpers, depth: int):
    """(FULL | INTERLEAVED | None, node where the reading happens) for one use of a stream."""
    other = "stderr" if stream == "stdout" else "stdout"
    parent = index.parent(node)
    if type(parent) is cst.For and parent.iter is node:
        return FULL, parent
    if type(parent) is cst.Attribute and parent.value is node:
        method = parent.attr.value
        grand = index.parent(parent)
        if type(grand) is cst.Call and grand.func is parent:
            if method in ("read", "readlines") and not grand.args:
                return FULL, grand
            if method == "readline":
                loop = index.enclosing(grand, cst.While, cst.For)
                if loop is None or not any(a is scope for a in index.ancestors(loop)) and loop is not scope:
                    return None, None
                if proc is not None and _other_in(index, loop, proc, other):
                    return INTERLEAVED, loop
                return FULL, loop
        if type(grand) is cst.Arg and method == "readline":
            iter_call = index.parent(grand)
            if type(iter_call) is cst.Call and dotted_name(iter_call.func) == "iter" and iter_call.args and iter_call.args[0] is grand:
                loop = index.parent(iter_call)
                if type(loop) in (cst.For, cst.CompFor):
                    return FULL, loop
        return None, None
    if type(parent) is cst.Arg and depth < 2:
        call = index.parent(parent)
        if type(call) is cst.Call and type(call.func) is cst.Name and call.func.value in helpers:
            helper = helpers[call.func.value]
            param = _param_for(helper, call, parent)
            if param is None:
                return None, None
            for use in _param_uses(index, helper, param):
                kind, where = drain_kind(index, use, helper, None, stream, helpers, depth + 1)
                if kind == FULL:
                    return FULL, call
    return None, None


def _param_for(helper: cst.FunctionDef, call: cst.Call, arg: cst.Arg) -> str | None:
    params = list(helper.params.posonly_params) + list(helper.params.params)
    if arg.keyword is not None:
        names = {p.name.value for p in params} | {p.name.value for p in helper.params.kwonly_params}
        return arg.keyword.value if arg.keyword.value in names else None
    if arg.star:
        return None
    position = [a for a in call.args if a.keyword is None].index(arg)
    return params[position].name.value if position < len(params) else None


def bind_arguments(helper: cst.FunctionDef, call: cst.Call) -> dict[str, cst.BaseExpression]:
    out = {}
    for a in call.args:
        if a.star:
            continue
        name = _param_for(helper, call, a)
        if name is not None:
            out[name] = a.value
    return out


def _param_uses(index, helper: cst.FunctionDef, param: str) -> list[cst.Name]:
    out = []
    for node in index.of(cst.Name):
        if node.value != param or type(index.parent(node)) is cst.Param:
            continue
        if index.enclosing(node, cst.FunctionDef) is helper:
            out.append(node)
    return out


def param_uses(index, helper, param):
    return _param_uses(index, helper, param)
