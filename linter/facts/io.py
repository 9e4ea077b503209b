"""What each Python file of the bundle writes and reads, with statically evaluated paths.

``bundle.fact(FileIO)`` holds one :class:`FileAccess` per write or read call found:
``open(p, "w")``, ``Path.write_text``, ``json.dump`` into a handle, ``np.save``,
``torch.save``, ``df.to_csv``, ``savefig`` (a figure), ``shutil.copy``; and ``open(p)``,
``read_text``, ``pd.read_csv``, ``np.load``, ``torch.load``, ``glob``/``Path.glob``/``rglob``,
``Path.exists``/``os.path.exists``. Rules query these facts instead of walking the code.
"""
from __future__ import annotations

import re

import libcst as cst

from ..parsing.cst_helpers import arg, dotted_name, keyword_arg, string_value
from ..records import dataclass
from .memo import call_names, shared, within
from .paths import PathEvaluator, PathPattern, param_source

WRITE, READ = "write", "read"


@dataclass(frozen=True)
class FileAccess:
    path: str  # the bundle file holding the call
    node: cst.Call
    mode: str  # WRITE | READ
    api: str  # "open", "write_text", "np.save", "glob", "exists", ...
    pattern: PathPattern
    figure: bool = False  # savefig: a figure, not a result
    # Where the path came from when it is a parameter filled in by a caller: (file, call).
    via: tuple[str, cst.Call] | None = None
    # The serialization format ("json", "yaml", "torch", "npy", "csv", ...) when the call or
    # the code around it shows it: json.dump into the handle, OmegaConf.save, np.save, ...
    fmt: str | None = None

    @property
    def name(self) -> str:
        return self.pattern.name_glob

    def where(self) -> tuple[str, cst.CSTNode]:
        """The file and node that best show the file name: its literal, else the call."""
        if self.pattern.origin is not None:
            return (self.via[0] if self.via else self.path), self.pattern.origin
        if self.via is not None:
            return self.via
        return self.path, self.node


# (call name or ".method") -> index of the path argument, keyword name
_WRITE_FUNCS = {
    "np.save": (0, "file"), "numpy.save": (0, "file"), "np.savez": (0, "file"), "np.savez_compressed": (0, "file"),
    "np.savetxt": (0, "fname"), "numpy.savetxt": (0, "fname"),
    "torch.save": (1, "f"), "OmegaConf.save": (1, "f"), "omegaconf.OmegaConf.save": (1, "f"),
    "joblib.dump": (1, "filename"), "shutil.copy": (1, "dst"), "shutil.copyfile": (1, "dst"), "shutil.copy2": (1, "dst"),
}
_WRITE_METHODS = {
    "write_text": None, "write_bytes": None,
    "to_csv": (0, "path_or_buf"), "to_json": (0, "path_or_buf"), "to_parquet": (0, "path"),
    "to_pickle": (0, "path"), "to_excel": (0, "excel_writer"),
}
_READ_FUNCS = {
    "pd.read_csv": (0, "filepath_or_buffer"), "pandas.read_csv": (0, "filepath_or_buffer"),
    "pd.read_json": (0, "path_or_buf"), "pd.read_parquet": (0, "path"), "pd.read_pickle": (0, "filepath_or_buffer"),
    "np.load": (0, "file"), "numpy.load": (0, "file"), "np.loadtxt": (0, "fname"), "np.genfromtxt": (0, "fname"),
    "torch.load": (0, "f"), "OmegaConf.load": (0, "file_"), "omegaconf.OmegaConf.load": (0, "file_"),
    "joblib.load": (0, "filename"),
    "os.path.exists": (0, "path"), "os.path.isfile": (0, "path"), "osp.exists": (0, "path"), "osp.isfile": (0, "path"),
}
_READ_METHODS = {"read_text", "read_bytes", "exists", "is_file"}
_SAVEFIG = {"savefig"}
_MODE_RE = re.compile(r"^[rwxabtU+]+$")


def _open_mode(call: cst.Call, position: int) -> str | None:
    mode = arg(call, position, "mode")
    if mode is None:
        return "r"
    value = string_value(mode)
    if value is None:
        # "a" if resume else "w", a variable: maybe a write, so count it as one (rules then stay silent)
        return "w"
    return value


class FileIO:
    """Every write and read of every Python file, in (path, document) order."""

    def __init__(self, accesses: list[FileAccess], evaluators: dict[str, PathEvaluator]) -> None:
        self.accesses = accesses
        self.evaluators = evaluators

    @classmethod
    def compute(cls, bundle) -> "FileIO":
        accesses: list[FileAccess] = []
        evaluators: dict[str, PathEvaluator] = {}
        modules = bundle.modules()
        for path, index in modules:
            evaluators[path] = PathEvaluator(index)
        for path, index in modules:
            evaluator = evaluators[path]
            for call, found in shared(index, "file calls", lambda: _file_calls(index)):
                mode, api, expr, figure, is_glob = found
                if is_glob:
                    pattern = evaluator.glob_pattern(call, evaluator.scope_of(call))
                    if pattern is None:
                        continue
                else:
                    pattern = evaluator.evaluate(expr, at=call)
                access = FileAccess(path, call, mode, api, pattern, figure, fmt=_format(call, api, mode, index))
                if not is_glob and not pattern.name_has_constant:
                    expanded = _through_callers(access, expr, evaluators, modules)
                    if expanded is not None:
                        accesses.extend(expanded)
                        continue
                accesses.append(access)
        return cls(accesses, evaluators)

    def writes(self, path: str | None = None) -> list[FileAccess]:
        return [a for a in self.accesses if a.mode == WRITE and (path is None or a.path == path)]

    def reads(self, path: str | None = None) -> list[FileAccess]:
        return [a for a in self.accesses if a.mode == READ and (path is None or a.path == path)]


def _file_calls(index) -> list[tuple[cst.Call, tuple]]:
    """(call, what _classify says of it) for every file call of a module, in document order."""
    names = call_names(index)
    return [(call, found) for call in index.of(cst.Call) if (found := _classify(call, names[id(call)])) is not None]


def _through_callers(access: FileAccess, expr, evaluators, modules) -> list[FileAccess] | None:
    """A path that is a parameter, evaluated at every call of its function (one level).

    None when it is not a parameter or a caller passes it in a way we cannot map; an
    empty list when nothing in the bundle calls the function (dead code).
    """
    source = param_source(evaluators[access.path], expr, access.node)
    if source is None:
        return None
    function, position, param = source
    name = function.name.value
    index = evaluators[access.path].index
    owner_class = index.enclosing(function, cst.ClassDef)
    if name == "__init__" and owner_class is not None:
        name = owner_class.name.value
    elif name.startswith("__"):
        return None
    out: list[FileAccess] = []
    for path, other in modules:
        for call in shared(other, "calls by name", lambda: _calls_by_name(other)).get(name, ()):
            if call is access.node:
                continue
            if any(a.star for a in call.args):
                return None
            value = arg(call, position, param) if position is not None and position >= 0 else keyword_arg(call, param)
            if value is None:
                continue  # a default value: not this path
            pattern = evaluators[path].evaluate(value, at=call)
            out.append(FileAccess(access.path, access.node, access.mode, access.api, pattern, access.figure, via=(path, call), fmt=access.fmt))
    return out


def _calls_by_name(index) -> dict[str, list[cst.Call]]:
    """A module's calls by the name they call (``f(...)``, ``x.f(...)``: "f"), in document order."""
    out: dict[str, list[cst.Call]] = {}
    for call in index.of(cst.Call):
        func = call.func
        called = func.value if type(func) is cst.Name else func.attr.value if type(func) is cst.Attribute else None
        if called is not None:
            out.setdefault(called, []).append(call)
    return out


# The format an API call itself writes or reads.
_API_FORMATS = {
    "np.save": "npy", "numpy.save": "npy", "np.savez": "npz", "np.savez_compressed": "npz", "numpy.savez": "npz",
    "torch.save": "torch", "torch.load": "torch",
    "OmegaConf.save": "yaml", "omegaconf.OmegaConf.save": "yaml", "OmegaConf.load": "yaml", "omegaconf.OmegaConf.load": "yaml",
    "to_csv": "csv", "pd.read_csv": "csv", "pandas.read_csv": "csv",
    "to_parquet": "parquet", "pd.read_parquet": "parquet",
    "to_pickle": "pickle", "pd.read_pickle": "pickle",
    "np.load": "numpy", "numpy.load": "numpy",
}
# Serializers that take a handle or a string: name -> format.
_SERIALIZERS = {
    "json.dump": "json", "json.dumps": "json", "json.load": "json", "json.loads": "json",
    "yaml.dump": "yaml", "yaml.safe_dump": "yaml", "yaml.safe_load": "yaml", "yaml.load": "yaml", "yaml.full_load": "yaml",
    "pickle.dump": "pickle", "pickle.dumps": "pickle", "pickle.load": "pickle", "pickle.loads": "pickle",
    "torch.save": "torch", "torch.load": "torch", "np.save": "npy", "np.load": "numpy",
    "pd.read_csv": "csv", "pandas.read_csv": "csv",
}


def _serializer_of(call: cst.Call, index) -> str | None:
    """The format of the serializer that directly takes ``call``'s result as an argument."""
    parent = index.parent(call)
    if isinstance(parent, cst.Arg):
        outer = index.parent(parent)
        if isinstance(outer, cst.Call):
            return _SERIALIZERS.get(dotted_name(outer.func) or "")
    return None


def _format(call: cst.Call, api: str, mode: str, index) -> str | None:
    """The serialization format of one file access, when the code shows it."""
    if api in _API_FORMATS:
        return _API_FORMATS[api]
    if api in ("read_text", "read_bytes"):
        return _serializer_of(call, index)
    if api == "write_text":
        content = arg(call, 0, "data")
        if isinstance(content, cst.Call):
            return _SERIALIZERS.get(dotted_name(content.func) or "")
        return None
    if api != "open":
        return None
    direct = _serializer_of(call, index)
    if direct is not None:
        return direct
    # json.loads(open(p).read())
    attribute = index.parent(call)
    if isinstance(attribute, cst.Attribute) and attribute.attr.value == "read":
        method_call = index.parent(attribute)
        if isinstance(method_call, cst.Call):
            return _serializer_of(method_call, index)
    # with open(p) as f: json.load(f) / json.dump(x, f) / f.write(json.dumps(x)) / json.loads(f.read())
    item = index.parent(call)
    if not isinstance(item, cst.WithItem) or item.asname is None or not isinstance(item.asname.name, cst.Name):
        return None
    handle = item.asname.name.value
    block = index.parent(item)
    found: set[str] = set()
    for other in within(index, cst.With, cst.Call).get(id(block), ()):
        name = dotted_name(other.func) or ""
        if name in _SERIALIZERS and any(isinstance(a.value, cst.Name) and a.value.value == handle for a in other.args):
            found.add(_SERIALIZERS[name])
        elif isinstance(other.func, cst.Attribute) and isinstance(other.func.value, cst.Name) and other.func.value.value == handle:
            method = other.func.attr.value
            if method in ("write", "writelines") and other.args and isinstance(other.args[0].value, cst.Call):
                found.add(_SERIALIZERS.get(dotted_name(other.args[0].value.func) or "", "text"))
            elif method in ("write", "writelines"):
                found.add("text")
            elif method in ("read", "readlines", "readline"):
                found.add(_serializer_of(other, index) or "text")
            elif method == "__iter__":
                found.add("text")
    if len(found) == 1:
        value = found.pop()
        return None if value == "text" else value
    return None


def _classify(call: cst.Call, name: str | None):
    """(mode, api, path expression, figure?, glob?) for a file call (``name``: its dotted callee), else None."""
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    if name in ("open", "io.open", "codecs.open"):
        mode = _open_mode(call, 1)
        target = arg(call, 0, "file")
        if mode is None or target is None:
            return None
        return (WRITE if any(c in mode for c in "wax") else READ), "open", target, False, False
    if name in _WRITE_FUNCS:
        position, keyword = _WRITE_FUNCS[name]
        target = arg(call, position, keyword)
        return (WRITE, name, target, False, False) if target is not None else None
    if name in _READ_FUNCS:
        position, keyword = _READ_FUNCS[name]
        target = arg(call, position, keyword)
        return (READ, name, target, False, False) if target is not None else None
    if name in ("glob.glob", "glob", "glob.iglob", "iglob") and positional:
        return READ, "glob", None, False, True
    if type(call.func) is not cst.Attribute:
        return None
    method = call.func.attr.value
    receiver = call.func.value
    if method in _SAVEFIG:
        target = arg(call, 0, "fname")
        return (WRITE, method, target, True, False) if target is not None else None
    if method == "open" and name not in ("os.open",):
        first = string_value(positional[0]) if positional else None
        if positional and isinstance(positional[0], cst.IfExp) and all(
            (string_value(b) or "").strip() and _MODE_RE.match(string_value(b) or "") for b in (positional[0].body, positional[0].orelse)
        ):
            first = "w"  # path.open("a" if resume else "w")
        if positional and (first is None or not _MODE_RE.match(first)):
            # gzip.open(path, mode), Image.open(path): the path comes first
            mode = _open_mode(call, 1)
            if mode is None:
                return None
            return (WRITE if any(c in mode for c in "wax") else READ), "open", positional[0], False, False
        mode = _open_mode(call, 0)
        if mode is None:
            return None
        return (WRITE if any(c in mode for c in "wax") else READ), "open", receiver, False, False
    if method in ("write_text", "write_bytes"):
        return WRITE, method, receiver, False, False
    if method in _WRITE_METHODS:
        position, keyword = _WRITE_METHODS[method]
        target = arg(call, position, keyword)
        if target is None or isinstance(target, (cst.Integer, cst.Name)) and dotted_name(target) in ("None",):
            return None
        return WRITE, method, target, False, False
    if method in _READ_METHODS and not positional:
        return READ, method, receiver, False, False
    if method in ("glob", "rglob") and positional:
        return READ, method, None, False, True
    return None


# -- paths relative to the results directory ------------------------------------------------------
# A hole with one of these labels is the results directory the module was given
# (`args.results_dir`, `cfg.results_dir`, a `results_dir` parameter, ...).
ROOT_LABEL = re.compile(r"^(results?|outputs?|out)_?(dir|root|path|folder)?$|^outdir$|^results_dir_path$")
# A hole that may stand for several path segments (a path-valued variable): unknown depth.
_PATHLIKE_LABEL = re.compile(r"dir|path|root|folder|file|parent|join|base|loc|\?|\*\*|^%$")
ONE = "<one>"  # a directory segment that is one unknown name (a run id, a glob `*`)


def is_root_hole(token) -> bool:
    from .paths import Hole

    return isinstance(token, Hole) and bool(ROOT_LABEL.match(token.label))


def relative_to_root(pattern: PathPattern) -> tuple[tuple[str, ...], str] | None:
    """(directory segments, file-name glob) of a path under the results directory.

    A directory segment is constant text or ``ONE`` (a run id, a glob ``*``). None when the
    path does not start at the results directory or a part may span several segments.
    """
    from .paths import Hole

    tokens = pattern.tokens
    if not tokens or not is_root_hole(tokens[0]):
        return None
    rest = PathPattern(tokens[1:])
    if not rest.tokens or not (isinstance(rest.tokens[0], str) and rest.tokens[0].startswith("/")):
        return None
    segments = rest.segments()
    if segments and not segments[0]:
        segments = segments[1:]
    if not segments:
        return None
    dirs: list[str] = []
    for seg in segments[:-1]:
        if not seg:
            continue
        holes = [t for t in seg if isinstance(t, Hole)]
        if any(_PATHLIKE_LABEL.search(h.label) for h in holes):
            return None
        if holes:
            dirs.append(ONE)
        else:
            text = "".join(seg)  # type: ignore[arg-type]
            if text == "..":
                return None
            if text != ".":
                dirs.append(text)
    name = segments[-1]
    if any(isinstance(t, Hole) and _PATHLIKE_LABEL.search(t.label) and t.label != "*" for t in name):
        return None
    return tuple(dirs), pattern.name_glob


_MODULE_MARKS = {"src/train.py": ("src.train", "src/train.py", "train.py"), "src/evaluate.py": ("src.evaluate", "src/evaluate.py", "evaluate.py")}


def root_offsets(bundle, evaluators: dict[str, "PathEvaluator"]) -> dict[str, tuple[str, ...]]:
    """Where main.py points each module's ``--results-dir``, relative to its own.

    ``{"src/train.py": (ONE,)}`` when main runs ``src.train --results-dir {results_dir}/{run_id}``;
    a module is absent when main does not pass it a statically known results directory, or
    passes several different ones.
    """
    index = bundle.index("src/main.py")
    evaluator = evaluators.get("src/main.py")
    found: dict[str, set[tuple[str, ...] | None]] = {}
    if index is None or evaluator is None:
        return {}
    for listing in index.of(cst.List):
        values = [e.value for e in listing.elements]
        texts = [string_value(v) for v in values]
        module = next((m for m, marks in _MODULE_MARKS.items() if any(t in marks for t in texts if t)), None)
        if module is None:
            continue
        for position, text in enumerate(texts):
            if text not in ("--results-dir", "--results_dir") or position + 1 >= len(values):
                continue
            pattern = evaluator.evaluate(values[position + 1], at=listing)
            if pattern.tokens and is_root_hole(pattern.tokens[0]) and len(pattern.tokens) == 1:
                found.setdefault(module, set()).add(())
                continue
            rel = relative_to_root(pattern.join(PathPattern.of("x")))
            found.setdefault(module, set()).add(rel[0] if rel is not None else None)
    return {m: next(iter(v)) for m, v in sorted(found.items()) if len(v) == 1 and None not in v}


def _param_position(function: cst.FunctionDef, name: str, index) -> tuple[int | None, bool]:
    """(position a caller passes it at, found?) for parameter ``name`` of ``function``."""
    params = function.params
    positional = [p.name.value for p in [*params.posonly_params, *params.params]]
    skip = 1 if positional and positional[0] in ("self", "cls") and index.enclosing(function, cst.ClassDef) is not None else 0
    if name in positional:
        return positional.index(name) - skip, True
    if name in [p.name.value for p in params.kwonly_params]:
        return None, True
    return None, False


def rooted(facts: "FileIO", bundle, access: FileAccess) -> tuple[tuple[str, ...], str] | None:
    """``relative_to_root`` of an access, with a results-directory parameter checked at its callers.

    When the path starts at a parameter (``def save(results_dir): ... results_dir / "x.json"``),
    every call of the function in the bundle must pass the results directory itself or a
    statically known folder under it (the same one at every call); otherwise None.
    """
    rel = relative_to_root(access.pattern)
    if rel is None:
        return None
    path, node = access.via if access.via is not None else (access.path, access.node)
    evaluator = facts.evaluators.get(path)
    if evaluator is None:
        return rel
    label = access.pattern.tokens[0].label  # type: ignore[union-attr]
    function = evaluator.index.enclosing(node, cst.FunctionDef)
    while function is not None:
        position, found = _param_position(function, label, evaluator.index)
        if found:
            break
        function = evaluator.index.enclosing(function, cst.FunctionDef)
    if function is None:
        return rel
    prefixes: set[tuple[str, ...] | None] = set()
    name = function.name.value
    method = evaluator.index.enclosing(function, cst.ClassDef) is not None
    stem = path.rsplit("/", 1)[-1].removesuffix(".py")
    imported: dict[str, set[str]] = {}
    for other_path, other_evaluator in facts.evaluators.items():
        for node in other_evaluator.index.of(cst.ImportFrom):
            module = dotted_name(node.module) if node.module is not None else ""
            if module.rsplit(".", 1)[-1] == stem and not isinstance(node.names, cst.ImportStar):
                imported.setdefault(other_path, set()).update(a.name.value for a in node.names if isinstance(a.name, cst.Name))
    for other_path, other_evaluator in sorted(facts.evaluators.items()):
        for call in other_evaluator.index.of(cst.Call):
            func = call.func
            if method:
                called = func.attr.value if isinstance(func, cst.Attribute) else None
            elif type(func) is cst.Name:
                called = func.value if other_path == path or name in imported.get(other_path, ()) else None
            else:  # module.function(...) from another module
                called = func.attr.value if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and other_path != path and func.value.value == stem else None
            if called != name:
                continue
            if any(a.star for a in call.args):
                return None
            value = arg(call, position, label) if position is not None and position >= 0 else keyword_arg(call, label)
            if value is None:
                prefixes.add(None)
                continue
            pattern = other_evaluator.evaluate(value, at=call)
            if len(pattern.tokens) == 1 and is_root_hole(pattern.tokens[0]):
                prefixes.add(())
                continue
            inner = relative_to_root(pattern.join(PathPattern.of("x")))
            prefixes.add(inner[0] if inner is not None else None)
    if not prefixes:
        return rel  # no caller in the bundle: an entry point, the label decides
    if len(prefixes) != 1 or None in prefixes:
        return None
    return next(iter(prefixes)) + rel[0], rel[1]
