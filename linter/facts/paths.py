"""A small static evaluator of file paths in Python code.

It turns a LibCST expression into a :class:`PathPattern`: a sequence of constant text and
holes (the parts it cannot know: a CLI argument, a loop variable, a run id). It follows
string literals, f-strings, ``os.path.join``, ``Path(a, "b")``, ``p / "x"``,
``p.joinpath(...)``, ``str()``/``os.fspath()`` wrappers, ``.with_suffix``, ``.parent``,
module constants, and names assigned exactly once in the enclosing function or module.
A name assigned twice, augmented, unpacked or bound by ``with``/``global`` is unknown.

Nothing is imported or run: only the syntax is read, through the shared node index.
"""
from __future__ import annotations

import functools
import re
from dataclasses import field, replace
from typing import Iterable, Union

import libcst as cst

from ..parsing.cst_helpers import dotted_name, string_value
from ..parsing.walk import NodeIndex
from ..records import dataclass
from .memo import function_of, shared


@dataclass(frozen=True)
class Hole:
    """An unknown part of a path; ``label`` names where it came from (``results_dir``, ``*``)."""

    label: str = "?"

    def __str__(self) -> str:
        return "{" + self.label + "}"


Token = Union[str, Hole]
_GLOB_CHARS = re.compile(r"\*\*|\*|\?|\[[^\]]*\]")


def _merge(tokens: Iterable[Token]) -> tuple[Token, ...]:
    out: list[Token] = []
    for token in tokens:
        if isinstance(token, str):
            if not token:
                continue
            if out and isinstance(out[-1], str):
                out[-1] = out[-1] + token
                continue
        out.append(token)
    return tuple(out)


@dataclass(frozen=True)
class PathPattern:
    """Constant text and holes, e.g. ``{results_dir}/{run_id}/results.json``."""

    tokens: tuple[Token, ...]
    # The string literal (or f-string) that supplied the file name, for precise findings.
    origin: cst.CSTNode | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, *tokens: Token, origin: cst.CSTNode | None = None) -> "PathPattern":
        return cls(_merge(tokens), origin)

    def located(self, origin: cst.CSTNode | None) -> "PathPattern":
        return self if self.origin is not None or origin is None else replace(self, origin=origin)

    @classmethod
    def unknown(cls, label: str = "?") -> "PathPattern":
        return cls((Hole(label),))

    def __str__(self) -> str:
        return "".join(str(t) for t in self.tokens)

    # -- composition ------------------------------------------------------------------------
    def __add__(self, other: "PathPattern") -> "PathPattern":
        return PathPattern(_merge(self.tokens + other.tokens), other.origin if other.origin is not None else self.origin)

    def join(self, other: "PathPattern") -> "PathPattern":
        """``os.path.join(self, other)``: an absolute ``other`` replaces ``self``."""
        if other.tokens and isinstance(other.tokens[0], str) and other.tokens[0].startswith("/"):
            return other
        if not self.tokens:
            return other
        if not other.tokens:
            return self
        last = self.tokens[-1]
        sep = "" if isinstance(last, str) and last.endswith("/") else "/"
        return PathPattern(_merge(self.tokens + (sep,) + other.tokens), other.origin if other.origin is not None else self.origin)

    def as_glob(self) -> "PathPattern":
        """Glob metacharacters (``*``, ``**``, ``?``, ``[...]``) in constant text become holes."""
        out: list[Token] = []
        for token in self.tokens:
            if isinstance(token, Hole):
                out.append(token)
                continue
            pos = 0
            for match in _GLOB_CHARS.finditer(token):
                out.append(token[pos:match.start()])
                out.append(Hole("*"))
                pos = match.end()
            out.append(token[pos:])
        return PathPattern(_merge(out), self.origin)

    # -- segments ---------------------------------------------------------------------------
    def segments(self) -> list[tuple[Token, ...]]:
        """The path split on ``/``; a hole stays inside its segment (it may span several)."""
        segs: list[list[Token]] = [[]]
        for token in self.tokens:
            if isinstance(token, Hole):
                segs[-1].append(token)
                continue
            pieces = token.split("/")
            for i, piece in enumerate(pieces):
                if i:
                    segs.append([])
                if piece:
                    segs[-1].append(piece)
        return [tuple(s) for s in segs if s or s is segs[-1]]

    @property
    def name(self) -> tuple[Token, ...]:
        """The last segment (the file name), constants and holes."""
        segs = self.segments()
        return segs[-1] if segs else ()

    @property
    def name_glob(self) -> str:
        """The file name as an ``fnmatch`` pattern (holes become ``*``)."""
        return "".join("*" if isinstance(t, Hole) else t for t in self.name)

    @property
    def known_name(self) -> str | None:
        """The file name when it is entirely constant, else None."""
        name = self.name
        if name and all(isinstance(t, str) for t in name):
            return "".join(name)  # type: ignore[arg-type]
        return None

    @property
    def name_has_constant(self) -> bool:
        return any(isinstance(t, str) and t for t in self.name)

    @property
    def suffix(self) -> str | None:
        """The extension (``.json``) when the name ends in constant text that has one."""
        name = self.name
        if not name or not isinstance(name[-1], str):
            return None
        match = re.search(r"(\.[A-Za-z0-9]+)$", name[-1])
        return match.group(1).lower() if match else None

    def parent(self) -> "PathPattern":
        segs = self.segments()
        if len(segs) <= 1:
            return PathPattern.unknown("parent")
        out: list[Token] = []
        for i, seg in enumerate(segs[:-1]):
            if i:
                out.append("/")
            out.extend(seg)
        if self.tokens and self.tokens[0] == "/" and out and out[0] != "/":
            out.insert(0, "/")
        return PathPattern(_merge(out))

    def with_suffix(self, suffix: str) -> "PathPattern":
        tokens = list(self.tokens)
        if not tokens or not isinstance(tokens[-1], str):
            return PathPattern(_merge(tokens + [Hole("stem"), suffix]))
        last = tokens[-1]
        head, _, tail = last.rpartition("/")
        stem = re.sub(r"\.[A-Za-z0-9]+$", "", tail)
        tokens[-1] = (head + "/" if _ else "") + stem + suffix
        return PathPattern(_merge(tokens), self.origin)

    def name_meets(self, other: "PathPattern") -> bool:
        """Could both patterns name the same file (by file name)?"""
        return glob_intersects(self.name_glob, other.name_glob)


@functools.lru_cache(maxsize=4096)
def glob_intersects(a: str, b: str) -> bool:
    """Is there a string both ``*``-patterns match? (Only ``*`` is special.)

    A search over pairs of positions with an explicit stack: no recursion limit on long
    patterns, and no recursive closure (its reference cycle was garbage for the collector
    on every call). Remembered: a batch asks about the same few file names again and again.
    """
    end = (len(a), len(b))
    seen = {(0, 0)}
    stack = [(0, 0)]
    while stack:
        i, j = stack.pop()
        if (i, j) == end:
            return True
        steps = []
        if i < len(a) and a[i] == "*":
            steps.append((i + 1, j))
            if j < len(b):
                steps.append((i, j + 1))
        elif j < len(b) and b[j] == "*":
            steps.append((i, j + 1))
            if i < len(a):
                steps.append((i + 1, j))
        elif i < len(a) and j < len(b) and a[i] == b[j]:
            steps.append((i + 1, j + 1))
        for step in steps:
            if step not in seen:
                seen.add(step)
                stack.append(step)
    return False


# -- bindings ---------------------------------------------------------------------------------
_UNKNOWN_BINDING = object()  # a binding whose value cannot be followed (param, with-as, unpack, ...)
Scope = Union[cst.FunctionDef, None]


class Bindings:
    """Where each name is bound, per function (None: the module), from one pass over the index."""

    def __init__(self, index: NodeIndex) -> None:
        self.index = index
        self.function_of = function_of(index)  # index.enclosing(node, cst.FunctionDef), remembered
        # The same for every bundle holding this text, so kept with its shared index.
        self._by_scope: dict[int, dict[str, list]] = shared(index, "bindings", lambda: _bindings_by_scope(index))

    def lookup(self, name: str, scope: Scope) -> tuple[list, Scope] | None:
        """The bindings of ``name`` seen from ``scope``: its own, else enclosing ones, else the module's."""
        current = scope
        while current is not None:
            found = self._by_scope.get(id(current), {}).get(name)
            if found:
                return found, current
            current = self.function_of(current)
        found = self._by_scope.get(0, {}).get(name)
        if found:
            return found, None
        return None


def _bindings_by_scope(index: NodeIndex) -> dict[int, dict[str, list]]:
    """id(function) (0: the module) -> name -> its bindings, in document order (a parameter first)."""
    by_scope: dict[int, dict[str, list]] = {}
    scope_of = function_of(index)

    def add(node: cst.CSTNode, name: str, value) -> None:
        scope = scope_of(node)
        by_scope.setdefault(id(scope) if scope is not None else 0, {}).setdefault(name, []).append(value)

    for node in index.of(cst.Assign):
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                add(node, target.target.value, node.value if len(node.targets) == 1 else _UNKNOWN_BINDING)
            else:
                for name in _target_names(target.target):
                    add(node, name, _UNKNOWN_BINDING)
    for node in index.of(cst.AnnAssign):
        if isinstance(node.target, cst.Name):
            add(node, node.target.value, node.value if node.value is not None else None)
    for node in index.of(cst.AugAssign):
        if isinstance(node.target, cst.Name):
            add(node, node.target.value, _UNKNOWN_BINDING)
    for node in index.of(cst.For):
        names = _target_names(node.target)
        for name in names:
            add(node, name, ("for", node) if isinstance(node.target, cst.Name) else _UNKNOWN_BINDING)
    for node in index.of(cst.WithItem):
        if node.asname is not None:
            for name in _target_names(node.asname.name):
                add(node, name, _UNKNOWN_BINDING)
    for node in index.of(cst.NamedExpr):
        if isinstance(node.target, cst.Name):
            add(node, node.target.value, _UNKNOWN_BINDING)
    for node in index.of(cst.Global, cst.Nonlocal):
        for item in node.names:
            add(node, item.name.value, _UNKNOWN_BINDING)
    for node in index.of(cst.FunctionDef):
        params = by_scope.setdefault(id(node), {})
        p = node.params
        for param in [*p.posonly_params, *p.params, *p.kwonly_params]:
            params.setdefault(param.name.value, []).insert(0, ("param", param))
        for star in (p.star_arg, p.star_kwarg):
            if type(star) is cst.Param:
                params.setdefault(star.name.value, []).insert(0, ("param", star))
        # nested defs bind their name in the enclosing scope
        add(node, node.name.value, _UNKNOWN_BINDING)
    for node in index.of(cst.ClassDef):
        add(node, node.name.value, _UNKNOWN_BINDING)
    for node in index.of(cst.Import, cst.ImportFrom):
        names = node.names if isinstance(node.names, (list, tuple)) else ()
        for alias in names:
            bound = alias.asname.name if alias.asname is not None else alias.name
            name = dotted_name(bound) if isinstance(bound, (cst.Name, cst.Attribute)) else None
            if name:
                add(node, name.split(".")[0], _UNKNOWN_BINDING)
    return by_scope


def _target_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        out: list[str] = []
        for element in target.elements:
            out.extend(_target_names(element.value))
        return out
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return []


# -- the evaluator ----------------------------------------------------------------------------
_JOIN_FUNCS = {"os.path.join", "path.join", "osp.join", "posixpath.join", "join"}
_PATH_CTORS = {"Path", "pathlib.Path", "PurePath", "pathlib.PurePath", "PosixPath", "pathlib.PosixPath"}
_IDENTITY_FUNCS = {"str", "os.fspath", "os.path.abspath", "os.path.realpath", "os.path.expanduser", "os.path.normpath", "osp.abspath", "osp.expanduser"}
_IDENTITY_METHODS = {"resolve", "absolute", "expanduser", "as_posix", "__str__"}
_DIRNAME_FUNCS = {"os.path.dirname", "osp.dirname"}
_ITER_DIR_METHODS = {"iterdir"}
_GLOB_METHODS = {"glob", "rglob"}
_GLOB_FUNCS = {"glob.glob", "glob", "glob.iglob", "iglob"}
_LISTDIR_FUNCS = {"os.listdir", "listdir"}
_SORT_WRAPPERS = {"sorted", "list", "tuple", "reversed", "enumerate", "tqdm", "tqdm.tqdm"}
_MAX_DEPTH = 12


class PathEvaluator:
    """Evaluates path expressions of one module (``bundle.index(path)``)."""

    def __init__(self, index: NodeIndex) -> None:
        self.index = index
        self.bindings = Bindings(index)

    def scope_of(self, node: cst.CSTNode) -> Scope:
        return self.bindings.function_of(node)

    def evaluate(self, expr: cst.BaseExpression | None, at: cst.CSTNode | None = None) -> PathPattern:
        """The path ``expr`` denotes, seen from node ``at`` (default: ``expr`` itself)."""
        if expr is None:
            return PathPattern.unknown()
        scope = self.scope_of(at if at is not None else expr)
        return self._eval(expr, scope, 0, frozenset())

    # internal ---------------------------------------------------------------------------
    def _eval(self, expr: cst.BaseExpression, scope: Scope, depth: int, seen: frozenset) -> PathPattern:
        if depth > _MAX_DEPTH:
            return PathPattern.unknown()
        ev = lambda e: self._eval(e, scope, depth + 1, seen)  # noqa: E731
        value = string_value(expr)
        if value is not None:
            return PathPattern.of(value, origin=expr)
        if type(expr) is cst.FormattedString:
            tokens: list[Token] = []
            for part in expr.parts:
                if isinstance(part, cst.FormattedStringText):
                    tokens.append(part.value)
                elif isinstance(part, cst.FormattedStringExpression):
                    inner = ev(part.expression) if part.format_spec is None else PathPattern.unknown(_label(part.expression))
                    if all(isinstance(t, str) for t in inner.tokens):
                        tokens.extend(inner.tokens)
                    else:
                        tokens.append(Hole(_label(part.expression)))
            return PathPattern.of(*tokens, origin=expr)
        if type(expr) is cst.ConcatenatedString:
            return ev(expr.left) + ev(expr.right)
        if isinstance(expr, cst.Name):
            return self._name(expr.value, scope, depth, seen)
        if isinstance(expr, cst.Attribute):
            if expr.attr.value == "parent":
                return ev(expr.value).parent()
            if expr.attr.value in ("name", "stem", "suffix"):
                return PathPattern.unknown(expr.attr.value)
            return PathPattern.unknown(expr.attr.value)
        if isinstance(expr, cst.BinaryOperation):
            if isinstance(expr.operator, cst.Divide):
                return ev(expr.left).join(ev(expr.right))
            if isinstance(expr.operator, cst.Add):
                return ev(expr.left) + ev(expr.right)
            if isinstance(expr.operator, cst.Modulo):
                left = string_value(expr.left)
                if left is not None:
                    return PathPattern.of(*_percent_tokens(left), origin=expr.left)
            return PathPattern.unknown()
        if isinstance(expr, cst.Call):
            return self._call(expr, scope, depth, seen)
        if isinstance(expr, cst.Subscript):
            key = None
            if len(expr.slice) == 1 and isinstance(expr.slice[0].slice, cst.Index):
                key = string_value(expr.slice[0].slice.value)
            return PathPattern.unknown(key or _label(expr.value))
        return PathPattern.unknown()

    def _name(self, name: str, scope: Scope, depth: int, seen: frozenset) -> PathPattern:
        found = self.bindings.lookup(name, scope)
        if found is None:
            return PathPattern.unknown(name)
        values, owner = found
        key = (name, id(owner) if owner is not None else 0)
        if key in seen:
            return PathPattern.unknown(name)
        params = [v for v in values if isinstance(v, tuple) and v[0] == "param"]
        if params:
            return PathPattern.unknown(name)
        if len(values) != 1:
            return PathPattern.unknown(name)
        value = values[0]
        if value is _UNKNOWN_BINDING or value is None:
            return PathPattern.unknown(name)
        if isinstance(value, tuple) and value[0] == "for":
            return self._loop_item(value[1], name, owner, depth, seen | {key})
        return self._eval(value, owner, depth + 1, seen | {key})

    def _loop_item(self, loop: cst.For, name: str, scope: Scope, depth: int, seen: frozenset) -> PathPattern:
        """``for p in d.glob("*/x.json")`` -> the glob; ``for d in root.iterdir()`` -> ``root/*``."""
        it = loop.iter
        while isinstance(it, cst.Call) and dotted_name(it.func) in _SORT_WRAPPERS and it.args:
            if dotted_name(it.func) == "enumerate":
                return PathPattern.unknown(name)
            it = it.args[0].value
        if isinstance(it, cst.Call):
            pattern = self.glob_pattern(it, scope, depth + 1, seen)
            if pattern is not None:
                return pattern
            if isinstance(it.func, cst.Attribute) and it.func.attr.value in _ITER_DIR_METHODS:
                return self._eval(it.func.value, scope, depth + 1, seen).join(PathPattern((Hole("*"),)))
        return PathPattern.unknown(name)

    def glob_pattern(self, call: cst.Call, scope: Scope, depth: int = 0, seen: frozenset = frozenset()) -> PathPattern | None:
        """The pattern a ``glob``/``Path.glob``/``Path.rglob`` call matches, or None if not a glob."""
        name = dotted_name(call.func)
        positional = [a.value for a in call.args if a.keyword is None and not a.star]
        if isinstance(call.func, cst.Attribute) and call.func.attr.value in _GLOB_METHODS and name not in _GLOB_FUNCS:
            if not positional:
                return None
            base = self._eval(call.func.value, scope, depth + 1, seen)
            pattern = self._eval(positional[0], scope, depth + 1, seen).as_glob()
            if call.func.attr.value == "rglob":
                pattern = PathPattern((Hole("**"),)).join(pattern)
            return base.join(pattern)
        if name in _GLOB_FUNCS and positional:
            return self._eval(positional[0], scope, depth + 1, seen).as_glob()
        return None

    def _call(self, call: cst.Call, scope: Scope, depth: int, seen: frozenset) -> PathPattern:
        ev = lambda e: self._eval(e, scope, depth + 1, seen)  # noqa: E731
        name = dotted_name(call.func)
        positional = [a.value for a in call.args if a.keyword is None and not a.star]
        has_star = any(a.star for a in call.args)
        if name in _JOIN_FUNCS or name in _PATH_CTORS:
            if has_star or not positional:
                return PathPattern.unknown(name or "path")
            out = ev(positional[0])
            for part in positional[1:]:
                out = out.join(ev(part))
            return out
        if name in _IDENTITY_FUNCS and len(positional) == 1:
            return ev(positional[0])
        if name in _DIRNAME_FUNCS and len(positional) == 1:
            return ev(positional[0]).parent()
        if isinstance(call.func, cst.Attribute):
            method = call.func.attr.value
            receiver = call.func.value
            if method == "joinpath":
                if has_star:
                    return PathPattern.unknown("joinpath")
                out = ev(receiver)
                for part in positional:
                    out = out.join(ev(part))
                return out
            if method in _IDENTITY_METHODS and not positional:
                return ev(receiver)
            if method == "with_suffix" and len(positional) == 1:
                suffix = string_value(positional[0])
                if suffix is not None:
                    return ev(receiver).with_suffix(suffix)
            if method == "with_name" and len(positional) == 1:
                return ev(receiver).parent().join(ev(positional[0]))
            if method == "format":
                template = string_value(receiver)
                if template is not None:
                    return PathPattern.of(*_format_tokens(template), origin=receiver)
        return PathPattern.unknown(_label(call.func))


def _label(expr: cst.BaseExpression) -> str:
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    if isinstance(expr, cst.Subscript):
        if len(expr.slice) == 1 and isinstance(expr.slice[0].slice, cst.Index):
            key = string_value(expr.slice[0].slice.value)
            if key:
                return key
        return _label(expr.value)
    if isinstance(expr, cst.Call):
        return _label(expr.func)
    return "?"


def _format_tokens(template: str) -> list[Token]:
    out: list[Token] = []
    pos = 0
    for match in re.finditer(r"\{\{|\}\}|\{([^{}]*)\}", template):
        out.append(template[pos:match.start()])
        text = match.group(0)
        if text in ("{{", "}}"):
            out.append(text[0])
        else:
            out.append(Hole(match.group(1).split(":")[0].split("!")[0] or "?"))
        pos = match.end()
    out.append(template[pos:])
    return out


def _percent_tokens(template: str) -> list[Token]:
    out: list[Token] = []
    pos = 0
    for match in re.finditer(r"%%|%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[sdifrgex]", template):
        out.append(template[pos:match.start()])
        out.append("%" if match.group(0) == "%%" else Hole("%"))
        pos = match.end()
    out.append(template[pos:])
    return out


def param_source(evaluator: PathEvaluator, expr: cst.BaseExpression, at: cst.CSTNode) -> tuple[cst.FunctionDef, int | None, str] | None:
    """When ``expr`` is (a wrapper of) a parameter of its function: (function, position, name).

    ``position`` counts the arguments a caller passes (``self``/``cls`` excluded); None for
    keyword-only parameters.
    """
    while isinstance(expr, cst.Call) and dotted_name(expr.func) in (_IDENTITY_FUNCS | _PATH_CTORS) and len(expr.args) == 1:
        expr = expr.args[0].value
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value in _IDENTITY_METHODS and not expr.args:
        return param_source(evaluator, expr.func.value, at)
    if not isinstance(expr, cst.Name):
        return None
    found = evaluator.bindings.lookup(expr.value, evaluator.scope_of(at))
    if found is None:
        return None
    values, owner = found
    if owner is None or len(values) != 1 or not (isinstance(values[0], tuple) and values[0][0] == "param"):
        return None
    params = owner.params
    positional = [*params.posonly_params, *params.params]
    names = [p.name.value for p in positional]
    skip = 1 if names and names[0] in ("self", "cls") and evaluator.index.enclosing(owner, cst.ClassDef) is not None else 0
    if expr.value in names:
        return owner, names.index(expr.value) - skip, expr.value
    return owner, None, expr.value
