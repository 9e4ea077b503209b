"""Read a bundle directory without following links out of it and within the size limits."""
from __future__ import annotations

import os
from pathlib import Path

from .. import limits
from ..bundle import Bundle, LoadNote
from ..errors import InputError
from ..source import SourceFile, decode, too_large

# Directories that are never part of a bundle (tool output, caches, VCS metadata).
_SKIP_DIRS = frozenset({".git", ".hg", ".venv", "venv", "__pycache__", ".mypy_cache", ".ruff_cache",
                        ".pytest_cache", "node_modules", ".tox", ".cache", "results", ".research", "wandb", "outputs"})
# Top-level files that belong to a bundle besides src/ and config/.
_TOP_LEVEL = ("pyproject.toml", "setup.py", "setup.cfg")


def _wanted(rel: str) -> bool:
    if rel.startswith(("src/", "config/")):
        return True
    if "/" not in rel:
        return rel in _TOP_LEVEL or rel.endswith(".py") or (rel.startswith("requirements") and rel.endswith(".txt"))
    return False


def load_directory(root: str) -> Bundle:
    base = Path(root)
    try:
        real_root = base.resolve(strict=True)
    except OSError as exc:
        raise InputError(f"{root}: cannot open directory: {exc.strerror or exc}") from None
    files: dict[str, SourceFile] = {}
    notes: list[LoadNote] = []
    walked = 0
    for dirpath, dirnames, filenames in os.walk(real_root, followlinks=False):
        rel_dir = os.path.relpath(dirpath, real_root).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        # Sorted so the same tree is read in the same order whatever the file system says.
        # Only src/ and config/ (and what lies below them) can hold bundle files: a data folder
        # with a million files is never listed.
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not (d.startswith(".") and d != ".")
                             and _wanted(rel_dir + d + "/x"))
        for link in [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            dirnames.remove(link)
            if _wanted(rel_dir + link + "/x"):
                notes.append(LoadNote(rel_dir + link, "directory is a symbolic link; not followed"))
        for name in sorted(filenames):
            rel = rel_dir + name
            if not _wanted(rel) or name.endswith((".pyc", ".pyo")):
                continue
            walked += 1
            if walked > limits.MAX_FILES:
                notes.append(LoadNote(rel_dir or ".", f"more than {limits.MAX_FILES} bundle files; the rest were not read"))
                break
            full = os.path.join(dirpath, name)
            if os.path.islink(full):
                target = os.path.realpath(full)
                inside = target == str(real_root) or target.startswith(str(real_root) + os.sep)
                if not inside:
                    notes.append(LoadNote(rel, "symbolic link to a file outside the bundle root; not followed"))
                    continue
            if not os.path.isfile(full):
                notes.append(LoadNote(rel, "not a regular file; not read"))
                continue
            try:
                size = os.path.getsize(full)
                if size > limits.MAX_FILE_BYTES:
                    files[rel] = too_large(rel, size)
                    continue
                with open(full, "rb") as handle:
                    files[rel] = decode(rel, handle.read(limits.MAX_FILE_BYTES + 1))
            except OSError as exc:
                files[rel] = SourceFile(rel, None, f"cannot be read: {exc.strerror or exc}")
        if walked > limits.MAX_FILES:
            break
    return Bundle(files, origin=str(root).rstrip("/") or "/", notes=notes, on_disk=True)
