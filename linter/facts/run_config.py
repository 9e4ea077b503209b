"""Which YAML document each configuration read sees, and the run entries in those documents.

Built on :class:`~linter.facts.config_reads.ConfigReads`. For the 8-file layout the run
configuration is ``config/smoke_test.yaml`` and ``config/full_experiment.yaml`` (the
*suites*). A root that loads a literal bundle path sees that file. A root that loads a
path computed at run time sees a suite when it reads a run list or is main's own; it sees one run entry when, instead, the bundle dumps the entries of one run
list to files of their own (``yaml.safe_dump(run, f)``). With neither kind of evidence, nothing is checked. Hydra roots (``@hydra.main``, merges including one) are left to the hydra
rules. ``targets(read)`` answers, per read, ``[(yaml path, label, data, key prefix)]``
where ``data`` is the document or entry the read's ``keys`` apply to.
"""
from __future__ import annotations

from typing import Any

from ..records import dataclass
from .config_reads import ITEM, ConfigRead, ConfigReads, Root

SUITES = ("config/smoke_test.yaml", "config/full_experiment.yaml")
_ID_KEYS = ("run_id", "id", "name", "run_name", "experiment_id", "variation", "run")


def entry_label(entry: Any, fallback: Any) -> str:
    if isinstance(entry, dict):
        for key in _ID_KEYS:
            value = entry.get(key)
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                return str(value)
    return str(fallback)


def entries(container: Any) -> list[tuple[Any, str, Any]]:
    """(index or key, label, entry) of a run list or run mapping; [] if it is neither."""
    if isinstance(container, list):
        return [(i, entry_label(e, f"#{i + 1}"), e) for i, e in enumerate(container)]
    if isinstance(container, dict):
        return [(k, entry_label(e, k) if not isinstance(k, str) else str(k), e) for k, e in container.items()]
    return []


def get_path(data: Any, keys: tuple) -> tuple[bool, Any]:
    node = data
    for key in keys:
        if isinstance(node, dict) and key in node:
            node = node[key]
        else:
            return False, None
    return True, node


@dataclass
class RunConfig:
    suites: dict[str, Any]  # path -> loaded data (dicts only)
    facts: ConfigReads
    entry_lists: list[tuple]  # run lists whose entries are dumped to files of their own

    @classmethod
    def compute(cls, bundle) -> "RunConfig":
        facts = bundle.fact(ConfigReads)
        suites = {}
        for path in SUITES:
            parsed = bundle.yaml(path)
            if parsed is not None and parsed.error is None and isinstance(parsed.data, dict):
                suites[path] = parsed.data
        dumped = sorted({d.keys[: d.keys.index(ITEM)] for d in facts.dumps if ITEM in d.keys}, key=lambda k: tuple(map(str, k)))
        return cls(suites, facts, dumped)

    def hydra(self, root: Root) -> bool:
        return root.loader == "hydra" or any(self.hydra(p) for p in root.parts)

    def documents(self, bundle, root: Root) -> list[tuple[str, Any]] | None:
        """The YAML documents a root may load, or None when unknown."""
        if self.hydra(root) or root.source != "file":
            return None
        if root.file is not None:
            name = root.file.lstrip("./")
            for path in bundle.paths("yaml"):
                if path == name or (name.endswith(path) and name[: -len(path)].endswith("/")) or path.endswith("/" + name):
                    parsed = bundle.yaml(path)
                    if parsed is not None and parsed.error is None and isinstance(parsed.data, dict):
                        return [(path, parsed.data)]
            return None
        return sorted(self.suites.items())

    def mode(self, root: Root) -> str | None:
        """What a root loads: 'suite' (a whole suite file), 'entry' (a run entry dumped to a
        file of its own), or None when the code gives no evidence either way.

        A literal path is its file. A computed path is a suite when the root reads a run
        list itself or is in ``src/main.py`` (which picks the suite); otherwise it is a run entry
        when the bundle dumps the entries of one run list to files; otherwise unknown.
        """
        if root.file is not None:
            return "suite"
        own = [r for r in self.facts.reads if r.root is root]
        lists = {r.run_list for r in own if r.run_list}
        if any(self.suites and all(get_path(d, k)[0] for d in self.suites.values()) for k in lists):
            return "suite"  # it iterates a run list the suites have
        if root.path == "src/main.py":  # main chooses and loads the suite
            return "suite"
        if len(self.entry_lists) == 1:
            return "entry"
        return None

    def targets(self, bundle, read: ConfigRead) -> list[tuple[str, str | None, Any, tuple, Any]] | None:
        """[(yaml path, run label or None, data, keys to look up in data, entry index)] or None if unknown."""
        docs = self.documents(bundle, read.root)
        if docs is None:
            return None
        out = []
        mode = self.mode(read.root)
        if mode is None:
            return None
        if mode == "entry":
            if ITEM in read.keys or len(self.entry_lists) != 1:
                return None
            for path, data in docs:
                found, container = get_path(data, self.entry_lists[0])
                if not found:
                    return None
                for index, label, entry in entries(container):
                    out.append((path, label, entry, read.keys, self.entry_lists[0] + (index,)))
            return out
        if ITEM not in read.keys:
            return [(path, None, data, read.keys, ()) for path, data in docs]
        head = read.keys[: read.keys.index(ITEM)]
        tail = read.keys[read.keys.index(ITEM) + 1 :]
        if ITEM in tail:
            tail = tail[: tail.index(ITEM)]
        for path, data in docs:
            found, container = get_path(data, head)
            if not found:
                out.append((path, None, data, head, ()))  # the run list itself is missing
                continue
            for index, label, entry in entries(container):
                out.append((path, label, entry, tail, head + (index,)))
        return out

