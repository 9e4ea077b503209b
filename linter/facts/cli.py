"""Command lines: the argparse parsers of bundle modules and the commands main launches.

``bundle.fact(CliFacts)``:

- ``parsers[path]`` -> :class:`Parser` for a module with exactly one
  ``argparse.ArgumentParser`` (no ``parents=``, no sub-parsers): its options (option
  string -> :class:`Option`), positionals, required mutually exclusive groups,
  ``allow_abbrev``, whether it uses ``parse_known_args`` (unknown flags tolerated) and
  whether every ``add_argument`` was literal (``complete``).
- ``launches`` -> :class:`Launch` per command that runs a bundle module
  (``[sys.executable, "-m", "src.train", ...]``, ``"python src/train.py ..."``): list
  literals, lists grown with ``+``/``+=``/``extend``/``append``/``insert`` in the same
  function, f-strings and string literals given to ``subprocess``/``os.system``/
  ``shlex.split``. Tokens are literal strings or unknown values; ``complete`` is False when
  an unknown token could be a flag (a spread list, an unknown value where a flag may be).
"""
from __future__ import annotations

import re
from dataclasses import field

import libcst as cst

from ..parsing.cst_helpers import dotted_name, keyword_arg, string_value
from ..records import dataclass
from .memo import call_names, function_of, shared

_ZERO = {"store_true", "store_false", "store_const", "count", "help", "version", "append_const"}
_LAUNCHERS = {"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
              "subprocess.Popen", "os.system", "shlex.split", "os.popen"}


@dataclass
class Option:
    strings: tuple[str, ...]
    node: cst.Call
    required: bool = False
    nargs: object = None  # None (one value), 0, int, "?", "*", "+", or "unknown"


@dataclass
class Parser:
    path: str
    node: cst.Call
    options: dict[str, Option] = field(default_factory=dict)
    positionals: list[Option] = field(default_factory=list)
    required_groups: list[list[Option]] = field(default_factory=list)
    allow_abbrev: bool = True
    known_args: bool = False
    complete: bool = True

    def match(self, flag: str) -> tuple[str, Option | None]:
        """('exact'|'prefix'|'ambiguous'|'unknown', option) as argparse resolves ``flag``."""
        if flag in self.options:
            return "exact", self.options[flag]
        if self.allow_abbrev and flag.startswith("--"):
            hits = sorted({id(o): o for s, o in self.options.items() if s.startswith(flag)}.items())
            if len(hits) == 1:
                return "prefix", hits[0][1]
            if len(hits) > 1:
                return "ambiguous", None
        return "unknown", None


@dataclass
class Token:
    value: str | None  # None: not known statically
    node: cst.CSTNode


@dataclass
class Launch:
    path: str
    node: cst.CSTNode  # the list literal or string that starts the command
    target: str  # bundle path of the module run
    module: str  # as written: "src.train"
    tokens: list[Token]
    complete: bool


def _target(words: list[str | None], modules: set[str]) -> tuple[int, str, str] | None:
    for i, w in enumerate(words):
        if w == "-m" and i + 1 < len(words) and words[i + 1]:
            mod = words[i + 1]
            path = mod.replace(".", "/") + ".py"
            if path in modules:
                return i + 2, path, mod
        if w and w.endswith(".py"):
            path = w[2:] if w.startswith("./") else w
            if path in modules:
                return i + 1, path, path
    return None


@dataclass
class CliFacts:
    parsers: dict[str, Parser]
    launches: list[Launch]

    @classmethod
    def compute(cls, bundle) -> "CliFacts":
        parsers = {}
        launches: list[Launch] = []
        modules = set(bundle.paths("python"))
        for path, index in bundle.modules():
            # What a module's parser accepts depends only on its text: bundles repeating it share it.
            parser = shared(index, ("cli parser", path), lambda: _parser(path, index))
            if parser is not None:
                parsers[path] = parser
            launches.extend(_launches(path, index, modules))
        return cls(parsers, launches)


def _aliases(index) -> dict[str, str]:
    out = {}
    for node in index.of(cst.ImportFrom):
        mod = dotted_name(node.module) if node.module is not None else None
        if mod and not node.relative and not isinstance(node.names, cst.ImportStar):
            for a in node.names:
                if isinstance(a.name, cst.Name):
                    local = a.asname.name.value if a.asname is not None and isinstance(a.asname.name, cst.Name) else a.name.value
                    out[local] = f"{mod}.{a.name.value}"
    for node in index.of(cst.Import):
        for a in node.names:
            full = dotted_name(a.name)
            if full and a.asname is not None and isinstance(a.asname.name, cst.Name):
                out[a.asname.name.value] = full
    return out


def _qual(name: str | None, aliases: dict[str, str]) -> str | None:
    if name is None:
        return None
    head, _, rest = name.partition(".")
    if head in aliases:
        return aliases[head] + ("." + rest if rest else "")
    return name


def _parser(path: str, index) -> Parser | None:
    aliases = _aliases(index)
    calls = index.of(cst.Call)
    callees = call_names(index)
    ctors = [c for c in calls if _qual(callees[id(c)], aliases) == "argparse.ArgumentParser"]
    if len(ctors) != 1:
        return None
    ctor = ctors[0]
    parser = Parser(path, ctor)
    if keyword_arg(ctor, "parents") is not None:
        parser.complete = False
    abbrev = keyword_arg(ctor, "allow_abbrev")
    if type(abbrev) is cst.Name and abbrev.value == "False":
        parser.allow_abbrev = False
    groups: dict[str, bool] = {}  # group variable -> required (mutually exclusive)
    for node in index.of(cst.Assign):
        value = node.value
        if type(value) is cst.Call and type(value.func) is cst.Attribute and value.func.attr.value == "add_mutually_exclusive_group":
            req = keyword_arg(value, "required")
            for t in node.targets:
                if type(t.target) is cst.Name:
                    groups[t.target.value] = type(req) is cst.Name and req.value == "True"
    group_members: dict[str, list[Option]] = {g: [] for g, r in groups.items() if r}
    for call in calls:
        if type(call.func) is not cst.Attribute:
            continue
        attr = call.func.attr.value
        if attr == "parse_known_args":
            parser.known_args = True
        elif attr == "add_subparsers":
            return None
        elif attr == "add_argument":
            if any(a.star for a in call.args):
                parser.complete = False
                continue
            strings = []
            for a in call.args:
                if a.keyword is not None:
                    break
                s = string_value(a.value)
                if s is None:
                    parser.complete = False
                    strings = []
                    break
                strings.append(s)
            if not strings:
                continue
            action = string_value(keyword_arg(call, "action")) if keyword_arg(call, "action") is not None else None
            nargs_node = keyword_arg(call, "nargs")
            if action in _ZERO:
                nargs = 0
            elif keyword_arg(call, "action") is not None and action is None:
                nargs = "unknown"  # a custom Action class
            elif nargs_node is None:
                nargs = None
            elif type(nargs_node) is cst.Integer:
                nargs = int(nargs_node.value)
            else:
                nargs = string_value(nargs_node) or "unknown"
            req = keyword_arg(call, "required")
            opt = Option(tuple(strings), call, type(req) is cst.Name and req.value == "True", nargs)
            if strings[0][:1] in "-+" and len(strings[0]) > 1:
                for s in strings:
                    parser.options[s] = opt
                owner = dotted_name(call.func.value)
                if owner in group_members:
                    group_members[owner].append(opt)
            else:
                opt.required = nargs not in ("?", "*") and keyword_arg(call, "default") is None or nargs == "+"
                parser.positionals.append(opt)
    parser.required_groups = [m for _, m in sorted(group_members.items()) if m]
    return parser


# -- launches ---------------------------------------------------------------------------------

def _list_tokens(node: cst.BaseExpression) -> tuple[list[Token], bool] | None:
    """Tokens of a list literal (or a concatenation of them); None if not a list."""
    if type(node) is cst.List:
        out, complete = [], True
        for el in node.elements:
            if type(el) is cst.StarredElement:
                complete = False
                out.append(Token(None, el))
                continue
            out.extend(_value_tokens(el.value))
        return out, complete
    if type(node) is cst.BinaryOperation and type(node.operator) is cst.Add:
        left, right = _list_tokens(node.left), _list_tokens(node.right)
        if left is None and right is None:
            return None
        toks, complete = [], True
        for part, expr in ((left, node.left), (right, node.right)):
            if part is None:
                toks.append(Token(None, expr))
                complete = False
            else:
                toks.extend(part[0])
                complete = complete and part[1]
        return toks, complete
    return None


def _value_tokens(expr: cst.BaseExpression) -> list[Token]:
    s = string_value(expr)
    if s is not None:
        return [Token(s, expr)]
    return [Token(None, expr)]


def _string_words(expr: cst.BaseExpression) -> list[Token] | None:
    """Whitespace-split words of a string literal or f-string; expressions are unknown words."""
    s = string_value(expr)
    if s is not None:
        return [Token(w, expr) for w in s.split()]
    if type(expr) is cst.FormattedString:
        words: list[Token] = []
        current: list = []  # pieces of the current word
        def flush():
            if current:
                words.append(Token("".join(current) if all(isinstance(c, str) for c in current) else None, expr))
                current.clear()
        for part in expr.parts:
            if type(part) is cst.FormattedStringText:
                text = part.value
                pieces = re.split(r"(\s+)", text)
                for piece in pieces:
                    if not piece:
                        continue
                    if piece.isspace():
                        flush()
                    else:
                        current.append(piece)
            else:
                current.append(None)
        flush()
        return words
    return None


def _launches(path: str, index, modules: set[str]) -> list[Launch]:
    aliases = _aliases(index)
    out: list[Launch] = []
    seen: set[int] = set()
    for node in index.of(cst.List):
        if id(node) in seen:
            continue
        parsed = _list_tokens(node)
        if parsed is None:
            continue
        tokens, complete = parsed
        hit = _target([t.value for t in tokens], modules)
        if hit is None:
            continue
        start, target, module = hit
        # the list may be the left part of a concatenation, and may grow later
        top = node
        parent = index.parent(top)
        while type(parent) is cst.BinaryOperation and type(parent.operator) is cst.Add:
            top = parent
            parent = index.parent(top)
        if top is not node:
            whole = _list_tokens(top)
            if whole is not None:
                tokens, complete = whole
                start = _target([t.value for t in tokens], modules)[0]
        extra, extra_complete = _growth(index, top)
        tokens = tokens[start:] + extra
        out.append(Launch(path, node, target, module, tokens, complete and extra_complete))
    callees = call_names(index)
    for call in index.of(cst.Call):
        name = _qual(callees[id(call)], aliases)
        if name not in _LAUNCHERS or not call.args:
            continue
        words = _string_words(call.args[0].value)
        if words is None:
            continue
        hit = _target([w.value for w in words], modules)
        if hit is None:
            continue
        start, target, module = hit
        out.append(Launch(path, call.args[0].value, target, module, words[start:], True))
    return out


def _growth(index, top: cst.CSTNode) -> tuple[list[Token], bool]:
    """Tokens added later to the variable the list is assigned to, in the same function."""
    parent = index.parent(top)
    if type(parent) is not cst.Assign or len(parent.targets) != 1 or type(parent.targets[0].target) is not cst.Name:
        if type(parent) is cst.AnnAssign and type(parent.target) is cst.Name:
            name = parent.target.value
        else:
            return [], True
    else:
        name = parent.targets[0].target.value
    scope_of = function_of(index)
    scope = scope_of(top) or index.module
    tokens: list[Token] = []
    complete = True
    started = False
    for node in index.of(cst.AugAssign, cst.Call, cst.Assign):
        if node is parent:
            started = True
            continue
        if not started or (scope_of(node) or index.module) is not scope:
            continue
        if type(node) is cst.AugAssign and type(node.target) is cst.Name and node.target.value == name:
            part = _list_tokens(node.value)
            if part is None:
                complete = False
            else:
                tokens += part[0]
                complete = complete and part[1]
        elif type(node) is cst.Call and type(node.func) is cst.Attribute and type(node.func.value) is cst.Name and node.func.value.value == name:
            method = node.func.attr.value
            if method == "append" and node.args:
                tokens += _value_tokens(node.args[0].value)
            elif method == "extend" and node.args:
                part = _list_tokens(node.args[0].value)
                if part is None:
                    complete = False
                else:
                    tokens += part[0]
                    complete = complete and part[1]
            elif method == "insert" and len(node.args) == 2:
                tokens += _value_tokens(node.args[1].value)
        elif type(node) is cst.Assign and any(type(t.target) is cst.Name and t.target.value == name for t in node.targets):
            value = node.value
            if (type(value) is cst.BinaryOperation and type(value.operator) is cst.Add
                    and type(value.left) is cst.Name and value.left.value == name):
                part = _list_tokens(value.right)
                if part is None:
                    complete = False
                else:
                    tokens += part[0]
                    complete = complete and part[1]
            else:
                break  # rebound to something else
    return tokens, complete
