"""What each Python file of the bundle writes and reads, with statically evaluated paths.

``bundle.fact(FileIO)`` holds one :class:`FileAccess` per write or read call found:
``open(p, "w")``, ``Path.write_text``, ``json.dump`` into a handle, ``np.save``,
``torch.save``, ``df.to_csv``, ``savefig`` (a figure), ``shutil.copy``; and ``open(p)``,
``read_text``, ``pd.read_csv``, ``np.load``, ``torch.load``, ``glob``/``Path.glob``/``rglob``,
``Path.exists``/``os.path.exists``. Rules query these facts instead of walking the code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from ..parsing.cst_helpers import arg, dotted_name, keyword_arg, string_value
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
    "torch.save": (1, "f"), "shutil.copy": (1, "dst"), "shutil.copyfile": (1, "dst"), "shutil.copy2": (1, "dst"),
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
    "torch.load": (0, "f"),
    "os.path.exists": (0, "path"), "os.path.isfile": (0, "path"), "osp.exists": (0, "path"), "osp.isfile": (0, "path"),
}
_READ_METHODS = {"read_text", "read_bytes", "exists", "is_file"}
_SAVEFIG = {"savefig"}
_MODE_RE = re.compile(r"^[rwxabtU+]+$")


def _open_mode(call: cst.Call, position: int) -> str | None:
    mode = arg(call, position, "mode")
    if mode is None:
        return "r"
    return string_value(mode)


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
            for call in index.of(cst.Call):
                found = _classify(call, evaluator)
                if found is None:
                    continue
                mode, api, expr, figure, is_glob = found
                if is_glob:
                    pattern = evaluator.glob_pattern(call, evaluator.scope_of(call))
                    if pattern is None:
                        continue
                else:
                    pattern = evaluator.evaluate(expr, at=call)
                access = FileAccess(path, call, mode, api, pattern, figure)
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
        for call in other.of(cst.Call):
            func = call.func
            called = func.value if isinstance(func, cst.Name) else func.attr.value if isinstance(func, cst.Attribute) else None
            if called != name or call is access.node:
                continue
            if any(a.star for a in call.args):
                return None
            value = keyword_arg(call, param)
            if value is None and position is not None:
                positional = [a.value for a in call.args if a.keyword is None]
                value = positional[position] if 0 <= position < len(positional) else None
            if value is None:
                continue  # a default value: not this path
            pattern = evaluators[path].evaluate(value, at=call)
            out.append(FileAccess(access.path, access.node, access.mode, access.api, pattern, access.figure, via=(path, call)))
    return out


def _classify(call: cst.Call, evaluator: PathEvaluator):
    """(mode, api, path expression, figure?, glob?) for a file call, else None."""
    name = dotted_name(call.func)
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
    if not isinstance(call.func, cst.Attribute):
        return None
    method = call.func.attr.value
    receiver = call.func.value
    if method in _SAVEFIG:
        target = arg(call, 0, "fname")
        return (WRITE, method, target, True, False) if target is not None else None
    if method == "open" and name not in ("os.open",):
        first = string_value(positional[0]) if positional else None
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
