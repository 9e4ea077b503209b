"""TOML parsed once with the standard library's tomllib."""
from __future__ import annotations

import re
import tomllib
from typing import Any

from ..records import dataclass

_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass
class TomlProblem:
    line: int
    column: int
    message: str


@dataclass
class TomlFile:
    path: str
    text: str
    data: dict[str, Any] | None = None
    error: TomlProblem | None = None

    def line_of(self, table: str, key: str | None = None) -> int | None:
        """1-based line of ``[table]`` or of ``key`` inside it (dotted tables included)."""
        lines = self.text.splitlines()
        header = re.compile(r"^\s*\[\[?\s*" + re.escape(table) + r"\s*\]\]?\s*(#.*)?$")
        any_header = re.compile(r"^\s*\[")
        for i, line in enumerate(lines):
            if header.match(line):
                if key is None:
                    return i + 1
                keyline = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
                for j in range(i + 1, len(lines)):
                    if any_header.match(lines[j]):
                        break
                    if keyline.match(lines[j]):
                        return j + 1
                return i + 1
        # `table.key = ...` or `key = ` at top level of a parent table
        parent, _, leaf = table.rpartition(".")
        dotted = re.compile(r"^\s*" + re.escape(leaf if not parent else table.split(".", 1)[1]) + r"\s*[.=]")
        if parent:
            found = self.line_of(parent)
            if found:
                for j in range(found, len(lines)):
                    if j > found and any_header.match(lines[j]):
                        break
                    if dotted.match(lines[j]):
                        return j + 1
        return None


def parse_toml(path: str, text: str) -> TomlFile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _AT.search(message)
        line, col = (int(match.group(1)), int(match.group(2))) if match else (1, 1)
        return TomlFile(path, text, None, TomlProblem(line, col, _AT.sub("", message).strip()))
    except RecursionError:
        return TomlFile(path, text, None, TomlProblem(1, 1, "nested too deeply to parse"))
    return TomlFile(path, text, data)
