"""The bundle under review: its files, what it is reviewed against, and parse caches.

Every file is parsed at most once, on first request, and the parse is shared by all
rules; so are the node indexes and the cross-file fact tables (``bundle.fact``).
"""
from __future__ import annotations

from dataclasses import field
from typing import Any, Mapping, TypeVar

from . import limits
from .parsing.python import PythonFile, SyntaxProblem, parse_python
from .parsing.toml import TomlFile, parse_toml
from .parsing.walk import NodeIndex
from .parsing.yaml import YamlFile, parse_yaml
from .records import dataclass
from .source import PYTHON, TOML, YAML, SourceFile

F = TypeVar("F")


@dataclass
class Context:
    """What a bundle is reviewed against, from the command line or from a prompt log."""

    validator: str | None = None  # "base" | "derived" | "hydra" when a log names it
    base: "Bundle | None" = None
    run_variations: list[str] | None = None
    runs: list[str] | None = None  # hydra run ids
    # Where the pipeline puts the hydra run configs: "config/runs" (current prompts) or
    # "config/run" (older prompts). The loader files them under config/runs/ either way.
    run_dir: str = "config/runs"
    # The hydra command lines the prompt documents: module -> keys set as key=value, e.g.
    # {"main": ("run", "results_dir", "mode"), "evaluate": ("results_dir", "run_ids")}.
    # None: the current prompt's commands (used for directories and JSON bundles).
    hydra_cli: dict[str, tuple[str, ...]] | None = None
    # The reviewer prompt's instructions (before the runs and the code), when read from a
    # log: prompt versions differ in what they require. None: the current prompt.
    instructions: str | None = None
    reviewer: dict[str, Any] | None = None  # the model reviewer's own answer, for comparison only


@dataclass
class LoadNote:
    """Something the loader had to skip or refuse (a link out of the bundle, a file over a limit)."""

    path: str
    message: str
    line: int | None = None


class Bundle:
    def __init__(
        self,
        files: Mapping[str, SourceFile],
        *,
        origin: str,
        context: Context | None = None,
        notes: list[LoadNote] | None = None,
        on_disk: bool = False,
    ) -> None:
        self.origin = origin
        self.on_disk = on_disk  # a directory: finding paths join onto the origin
        self.context = context or Context()
        notes = list(notes or [])
        self.files: dict[str, SourceFile] = _within_limits(dict(sorted(files.items())), notes)
        self.notes: list[LoadNote] = sorted(notes, key=lambda n: (n.path, n.line or 0, n.message))
        # Python parsed per bundle is bounded too; which files are left out depends on path order only.
        self._unparsed: set[str] = set()
        budget = limits.MAX_BUNDLE_PYTHON_BYTES
        for path, source in self.files.items():
            if source.kind == PYTHON and source.text is not None:
                budget -= source.size
                if budget < 0:
                    self._unparsed.add(path)
        self._parsed: dict[str, Any] = {}
        self._indexes: dict[str, NodeIndex | None] = {}
        self._facts: dict[type, Any] = {}
        self._listed: dict[tuple, list[str]] = {}  # paths(kind, prefix), for the files as they were listed
        self._listed_files: dict | None = None
        self._listed_count = 0
        self._modules: tuple[list[str], list[tuple[str, NodeIndex]]] | None = None

    # -- files ---------------------------------------------------------------------------
    def __contains__(self, path: str) -> bool:
        return path in self.files

    def text(self, path: str) -> str | None:
        source = self.files.get(path)
        return source.text if source is not None else None

    def paths(self, kind: str | None = None, prefix: str = "") -> list[str]:
        # Rules ask this thousands of times per batch; the answer changes only with the files.
        key = (kind, prefix)
        if self._listed_files is not self.files or self._listed_count != len(self.files):
            self._listed, self._listed_files, self._listed_count = {}, self.files, len(self.files)
        found = self._listed.get(key)
        if found is None:
            found = self._listed[key] = [p for p, s in self.files.items() if (kind is None or s.kind == kind) and p.startswith(prefix)]
        return list(found)

    # -- parses (once each) -----------------------------------------------------------------
    def _parse(self, path: str, kind: str, parser):
        if path in self._parsed:
            return self._parsed[path]
        source = self.files.get(path)
        result = None
        if source is not None and source.text is not None and source.kind == kind:
            result = parser(path, source.text)
        self._parsed[path] = result
        return result

    def python(self, path: str) -> PythonFile | None:
        if path in self._unparsed:
            return PythonFile(path, None, SyntaxProblem(1, 1, f"the bundle's Python is over the {limits.MAX_BUNDLE_PYTHON_BYTES}-byte analysis budget; not analysed", limit=True))
        return self._parse(path, PYTHON, parse_python)

    def yaml(self, path: str) -> YamlFile | None:
        return self._parse(path, YAML, parse_yaml)

    def toml(self, path: str) -> TomlFile | None:
        return self._parse(path, TOML, parse_toml)

    def index(self, path: str) -> NodeIndex | None:
        """The shared node index of a Python file, or None if absent or unparsable."""
        if path not in self._indexes:
            parsed = self.python(path)
            if parsed is None or parsed.module is None:
                self._indexes[path] = None
            else:
                self._indexes[path] = parsed.index or NodeIndex(parsed.module)
        return self._indexes[path]

    def modules(self) -> list[tuple[str, NodeIndex]]:
        """(path, index) for every Python file that parsed, in path order."""
        paths = self.paths(PYTHON)
        if self._modules is None or self._modules[0] != paths:
            self._modules = (paths, [(path, index) for path in paths if (index := self.index(path)) is not None])
        return list(self._modules[1])

    # -- cross-file facts (once each) ----------------------------------------------------------
    def fact(self, fact_type: type[F]) -> F:
        """The fact table ``fact_type`` computed from this bundle, once, shared by all rules."""
        if fact_type not in self._facts:
            self._facts[fact_type] = fact_type.compute(self)  # type: ignore[attr-defined]
        return self._facts[fact_type]


def _within_limits(files: dict[str, SourceFile], notes: list[LoadNote]) -> dict[str, SourceFile]:
    """At most MAX_FILES files and MAX_BUNDLE_BYTES of text, in path order; the rest noted."""
    kept: dict[str, SourceFile] = {}
    total = 0
    for i, (path, source) in enumerate(files.items()):
        if i >= limits.MAX_FILES:
            notes.append(LoadNote("<bundle>", f"the bundle has {len(files)} files, over the {limits.MAX_FILES}-file limit; the last {len(files) - limits.MAX_FILES} in path order were not read"))
            break
        if source.text is not None:
            total += source.size
            if total > limits.MAX_BUNDLE_BYTES:
                source = SourceFile(path, None, f"the bundle's text is over the {limits.MAX_BUNDLE_BYTES}-byte limit; not read", source.size, limit=True)
        kept[path] = source
    return kept
