"""Which run-config settings the bundle's code could read at all, by name.

``bundle.fact(ConfigUsage)`` answers, for the run configurations (the run entries of
``config/smoke_test.yaml`` / ``config/full_experiment.yaml``, or the Hydra run files
``config/runs/<id>.yaml``), which key paths the Python code never names, and which of
those distinguish runs of the same suite.

A key counts as *named* (possibly read) when its name occurs in any Python file of the
bundle as: a string literal (`"lr"`, a dotted or slashed path such as `"optim.lr"`, an
argparse flag `"--warm-start"`), an attribute (`cfg.lr`), a keyword argument (`lr=`), a
parameter, or an identifier that is not a Python builtin. This is deliberately
lenient: a key named anywhere is never reported, whatever object the name belongs to.

A mapping is *consumed wholesale* when its keys may be read without being named: it is
splatted into a call outside the bundle (`Net(**cfg.model)`), passed to
`hydra.utils.instantiate`/`call`, or splatted into a bundle function that itself takes
`**kwargs`. Keys under a wholesale mapping are never reported. When the splatted object
cannot be traced to a section of the run config (a parameter or local of unknown
origin), every key counts as consumed. Logging (`wandb.init(config=cfg)`), printing and
saving are not reads.
"""
from __future__ import annotations

import builtins
import re
from dataclasses import field
from typing import Any

import libcst as cst

from ..parsing.cst_helpers import call_name, dotted_name, string_value
from ..records import dataclass
from .memo import callee_names, shared

_BUILTINS = frozenset(dir(builtins))
_SPLIT = re.compile(r"[./\[\]:=,\s'\"{}()]+")
_INSTANTIATE = frozenset({"instantiate", "hydra.utils.instantiate", "utils.instantiate", "call", "hydra.utils.call"})
# Names of a local bound to a closed mapping the code builds itself (its keys are named there).
_OPEN_VALUE = (cst.Name, cst.Attribute, cst.Subscript, cst.Call)


def _string_names(value: str) -> set[str]:
    out = {value}
    if len(value) <= 120:
        stripped = value.lstrip("-")
        out.add(stripped)
        out.add(stripped.replace("-", "_"))
        for part in _SPLIT.split(value):
            if part:
                part = part.lstrip("-")
                out.add(part)
                out.add(part.replace("-", "_"))
    return out


@dataclass
class Mention:
    path: str
    node: cst.CSTNode


@dataclass
class ConfigUsage:
    names: dict[str, Mention] = field(default_factory=dict)  # name -> first mention
    per_file: dict[tuple[str, str], Mention] = field(default_factory=dict)  # (name, path) -> first mention there
    wholesale: set[str] = field(default_factory=set)  # key names whose mapping is splatted
    wholesale_all: bool = False  # something config-like of unknown origin is splatted
    splatted_names: set[str] = field(default_factory=set)  # names of unknown origin splatted
    literal_tokens: set[str] = field(default_factory=set)  # word tokens of the code's string literals
    wholesale_nodes: list[tuple[str, cst.CSTNode]] = field(default_factory=list)

    @classmethod
    def compute(cls, bundle) -> "ConfigUsage":
        usage = cls()
        bundle_functions = _bundle_functions(bundle)
        for path, index in bundle.modules():
            usage._collect(path, index, bundle_functions)
        return usage

    def named(self, key: Any) -> bool:
        return isinstance(key, str) and key in self.names

    def consumed(self, keys: tuple) -> bool:
        """Whether a mapping above ``keys`` (or the run entry itself) is consumed wholesale."""
        if self.wholesale_all:
            return True
        parents = {k for k in keys[:-1] if isinstance(k, str)}
        if parents & self.wholesale:
            return True
        # `**model_kwargs` of unknown origin may carry the `model` section
        return any(parents & set(_tokens(name)) or any(p in name for p in parents if len(p) >= 4)
                   for name in self.splatted_names)

    # -- collection -------------------------------------------------------------------------
    def _collect(self, path: str, index, bundle_functions: dict[str, bool]) -> None:
        # The first mention of each name, in the bundle and in this file, in the order
        # _mentions gives them; a keyword counts only where the bundle's functions say so.
        names, per_file = self.names, self.per_file
        here: set[str] = set()
        before, keywords, after, tokens = shared(index, "config usage mentions", lambda: _mentions(index))
        chosen = [(name, node) for name, node, callee, local in keywords if callee == "dict" or local in bundle_functions]
        for name, node in before + chosen + after:
            if name not in here:
                here.add(name)
                mention = Mention(path, node)
                if name not in names:
                    names[name] = mention
                per_file[(name, path)] = mention
        self.literal_tokens.update(tokens)
        for name, where, value, by_callee in shared(index, "config usage splats", lambda: _splats(index)):
            if by_callee:
                local = name.split(".")[-1] if name else None
                if name in bundle_functions or (local in bundle_functions and "." not in name):
                    if not bundle_functions.get(name, bundle_functions.get(local, False)):
                        continue  # a bundle function without **kwargs: its parameters are named
            closed = shared(index, "closed locals", lambda: _closed_locals(index))
            self._wholesale(value, path, where, index, closed)

    def _wholesale(self, expr: cst.BaseExpression, path: str, where: cst.CSTNode, index, closed: dict, depth: int = 0) -> None:
        self.wholesale_nodes.append((path, where))
        if isinstance(expr, (cst.DictComp,)) and depth < 3:
            # `{k: v for k, v in X.items() if ...}`: what X holds is what is splatted
            source = expr.for_in.iter
            if isinstance(source, cst.Call) and isinstance(source.func, cst.Attribute) and source.func.attr.value in ("items", "keys"):
                source = source.func.value
            self._wholesale(source, path, where, index, closed, depth + 1)
            return
        if isinstance(expr, cst.Dict) and depth < 3:
            for element in expr.elements:
                if isinstance(element, cst.StarredDictElement):
                    self._wholesale(element.value, path, where, index, closed, depth + 1)
            return
        keys = _section_names(expr)
        if keys:
            self.wholesale.update(keys)
            return
        if isinstance(expr, cst.Name):
            origin = closed.get(expr.value)
            if origin == "closed":
                return
            if isinstance(origin, set) and origin:
                self.wholesale.update(origin)
                return
            if _is_star_param(index, expr):
                return  # `**kwargs` forwarded: its own caller's splat is what counts
            tokens = set(_tokens(expr.value))
            if tokens & _CONFIG_WORDS:
                self.wholesale_all = True
            else:
                self.splatted_names.add(expr.value)  # e.g. `batch`, `model_kwargs`: decided per key
            return
        if isinstance(expr, (cst.Attribute, cst.Subscript)) and _root_name(expr) is not None:
            tokens = set(_tokens(_root_name(expr)))
            if not tokens & _CONFIG_WORDS and not tokens & {"self"}:
                self.splatted_names.add(_root_name(expr))
                return
        self.wholesale_all = True


def _mentions(index) -> tuple[list, list, list, frozenset[str]]:
    """What one module names, for every bundle it is part of (shared by text): the first
    mention of each name by a string literal or attribute, then every keyword argument as
    (name, node, callee, callee's last part), then the first mention of each name by a
    parameter or identifier (not a builtin, not a keyword); and the word tokens of its short
    string literals."""
    before: dict[str, cst.CSTNode] = {}
    tokens: set[str] = set()
    docstrings = _docstrings(index)
    for node in index.of(cst.SimpleString, cst.FormattedStringText):
        if node in docstrings:
            continue
        value = string_value(node) if type(node) is cst.SimpleString else node.value
        if value is None:
            continue
        for name in _string_names(value):
            if name and name not in before:
                before[name] = node
        if len(value) <= 80:
            tokens.update(_tokens(value))
    for node in index.of(cst.Attribute):
        name = node.attr.value
        if name and name not in before:
            before[name] = node
    keywords = []
    keyword_ids = set()
    callees = callee_names(index)
    for node in index.of(cst.Arg):
        if node.keyword is not None:
            keyword_ids.add(id(node.keyword))
            # `f(lr=...)` names `lr` only where keys may arrive as keywords: dict(...) and the
            # bundle's own functions (`train(**run)` binds parameters by the run's key names)
            call = index.parent(node)
            callee = callees[id(call)] if type(call) is cst.Call else None
            keywords.append((node.keyword.value, node, callee, (callee or "").split(".")[-1]))
    after: dict[str, cst.CSTNode] = {}
    for node in index.of(cst.Param):
        name = node.name.value
        if name and name not in after:
            after[name] = node
    for node in index.of(cst.Name):
        name = node.value
        if name and name not in after and name not in _BUILTINS and id(node) not in keyword_ids:
            after[name] = node
    return list(before.items()), [k for k in keywords if k[0]], list(after.items()), frozenset(tokens)


def _splats(index) -> list[tuple[str | None, cst.CSTNode, cst.BaseExpression, bool]]:
    """Where one module may hand a mapping over whole, in order: (callee, call or dict, the
    value handed over, whether that depends on the callee being a bundle function without
    ``**kwargs``). The first positional argument of ``instantiate``, every ``**`` argument,
    and every ``**`` entry of a dict display that is itself splatted."""
    out = []
    callees = callee_names(index)
    for call in index.of(cst.Call):
        name = callees[id(call)] or ""
        if name in _INSTANTIATE or name.split(".")[-1] == "instantiate":
            for arg in call.args:
                if arg.keyword is None and not arg.star:
                    out.append((name, call, arg.value, False))
                    break
            continue
        for arg in call.args:
            if arg.star == "**":
                out.append((name, call, arg.value, True))
    for node in index.of(cst.Dict):
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                # `{**cfg.model, "x": 1}` builds a new mapping: it is consumed where that goes
                parent = index.parent(node)
                if isinstance(parent, cst.Arg) and parent.star == "**":
                    out.append((None, node, element.value, False))
    return out


_CONFIG_WORDS = frozenset({
    "cfg", "config", "conf", "configs", "configuration", "args", "arguments", "params", "hparams", "hp", "hyper",
    "hyperparams", "settings", "opts", "options", "opt", "kwargs", "kw", "spec", "setup", "run", "exp", "experiment",
    "entry", "variation", "c", "d", "conf_dict",
})


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[^0-9a-z]+", name.lower()) if t]


def _root_name(expr: cst.BaseExpression) -> str | None:
    node = expr
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def _section_names(expr: cst.BaseExpression) -> set[str]:
    """Key names an expression such as `cfg.model` / `cfg["model"]` / `to_container(cfg.model)` selects."""
    while isinstance(expr, cst.Call) and expr.args:
        name = call_name(expr) or ""
        if name.split(".")[-1] in ("to_container", "to_object", "dict", "deepcopy", "copy", "vars", "asdict"):
            expr = expr.args[0].value
        else:
            break
    out: set[str] = set()
    node = expr
    while True:
        if type(node) is cst.Attribute:
            out.add(node.attr.value)
            node = node.value
        elif type(node) is cst.Subscript and len(node.slice) == 1 and type(node.slice[0].slice) is cst.Index:
            value = string_value(node.slice[0].slice.value)
            if value is None:
                return set()
            out.add(value)
            node = node.value
        elif type(node) is cst.Call and type(node.func) is cst.Attribute and node.func.attr.value == "get" and node.args:
            value = string_value(node.args[0].value)
            if value is None:
                return set()
            out.add(value)
            node = node.func.value
        else:
            break
    return out


def _closed_locals(index) -> dict[str, Any]:
    """name -> "closed" (only ever bound to a dict display / dict(k=v) the code writes),
    a set of section names (bound to `cfg.section`), or absent (unknown)."""
    out: dict[str, Any] = {}
    unknown: set[str] = set()
    for node in index.of(cst.Assign, cst.AnnAssign):
        targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
        value = node.value
        for target in targets:
            if not isinstance(target, cst.Name) or value is None:
                continue
            name = target.value
            if type(value) is cst.Dict and not any(type(e) is cst.StarredDictElement for e in value.elements):
                kind: Any = "closed"
            elif isinstance(value, cst.Call) and dotted_name(value.func) == "dict" and all(a.keyword is not None for a in value.args):
                kind = "closed"
            else:
                sections = _section_names(value)
                kind = sections if sections else None
            if kind is None:
                unknown.add(name)
            elif name in out and out[name] != kind:
                if isinstance(out[name], set) and isinstance(kind, set):
                    out[name] = out[name] | kind
                else:
                    unknown.add(name)
            else:
                out[name] = kind
    for node in index.of(cst.Call):
        func = node.func
        if type(func) is cst.Attribute and func.attr.value == "update" and type(func.value) is cst.Name:
            if out.get(func.value.value) == "closed":
                arg = node.args[0].value if node.args else None
                if not (isinstance(arg, cst.Dict) and not any(isinstance(e, cst.StarredDictElement) for e in arg.elements)):
                    unknown.add(func.value.value)
    for node in index.of(cst.AssignTarget):
        target = node.target
        if type(target) is cst.Subscript and type(target.value) is cst.Name and out.get(target.value.value) == "closed":
            if len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index) and string_value(target.slice[0].slice.value) is None:
                unknown.add(target.value.value)
    for name in unknown:
        out.pop(name, None)
    return out


def _is_star_param(index, name: cst.Name) -> bool:
    for function in index.of(cst.FunctionDef):
        star = function.params.star_kwarg
        if star is not None and star.name.value == name.value:
            return True
    return False


def _docstrings(index) -> set:
    out = set()
    for node in index.of(cst.Module, cst.FunctionDef, cst.ClassDef):
        body = node.body if isinstance(node, cst.Module) else node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        if body and isinstance(body[0], cst.SimpleStatementLine) and body[0].body and isinstance(body[0].body[0], cst.Expr):
            value = body[0].body[0].value
            if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
                out.add(value)
                if isinstance(value, cst.ConcatenatedString):
                    out.update({value.left, value.right})
    # bare string statements (comment-like) anywhere
    for node in index.of(cst.Expr):
        if type(node.value) is cst.SimpleString:
            out.add(node.value)
    return out


def _bundle_functions(bundle) -> dict[str, bool]:
    """Function and class names defined in the bundle -> whether they take **kwargs."""
    out: dict[str, bool] = {}
    for path, index in bundle.modules():
        for function in index.of(cst.FunctionDef):
            star = function.params.star_kwarg is not None
            out[function.name.value] = out.get(function.name.value, False) or star
        for cls in index.of(cst.ClassDef):
            init = [f for f in cls.body.body if isinstance(f, cst.FunctionDef) and f.name.value == "__init__"] if isinstance(cls.body, cst.IndentedBlock) else []
            bases = bool(cls.bases)
            star = any(f.params.star_kwarg is not None for f in init) or (not init and bases)
            out[cls.name.value] = out.get(cls.name.value, False) or star
    return out
