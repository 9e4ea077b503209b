"""Turn an input (directory, JSON bundle, prompt log; a path or '-') into a Bundle."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .. import limits
from ..bundle import Bundle, Context
from ..errors import InputError
from .directory import load_directory
from .jsonbundle import bundle_from_json_text
from .promptlog import bundle_from_log_text, looks_like_log


def _read_text(path: str) -> str:
    try:
        if path == "-":
            data = sys.stdin.buffer.read(limits.MAX_INPUT_BYTES + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(limits.MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limits.MAX_INPUT_BYTES:
        raise InputError(f"{path}: input is over the {limits.MAX_INPUT_BYTES}-byte limit")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def load_text(text: str, origin: str) -> Bundle:
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return bundle_from_json_text(text, origin)
    if looks_like_log(text):
        return bundle_from_log_text(text, origin)
    raise InputError(f"{origin}: neither a JSON bundle nor a saved prompt log (no 'Input:' line)")


def load_input(path: str) -> Bundle:
    """Load one input. Raises InputError with a one-line reason."""
    if path != "-":
        if not os.path.lexists(path):
            raise InputError(f"{path}: no such file or directory")
        if os.path.isdir(path):
            return load_directory(path)
        if not os.path.isfile(path):
            raise InputError(f"{path}: not a regular file or directory")
    return load_text(_read_text(path), "<stdin>" if path == "-" else path)


def load_base(path: str) -> Bundle:
    """A base bundle given with --base: any input form; from a log, the bundle under review."""
    return load_input(path)


__all__ = ["load_input", "load_text", "load_base", "Bundle", "Context"]
