"""A file of a bundle: its text, its kind, and why it could not be read if it could not."""
from __future__ import annotations

from functools import cached_property

from . import limits
from .records import dataclass

PYTHON, YAML, TOML, OTHER = "python", "yaml", "toml", "other"


def kind_of(path: str) -> str:
    if path.endswith(".py"):
        return PYTHON
    if path.endswith((".yaml", ".yml")):
        return YAML
    if path.endswith(".toml"):
        return TOML
    return OTHER


@dataclass(frozen=True)
class SourceFile:
    """One file. ``text`` is None when it could not be read; ``problem`` says why."""

    path: str  # POSIX path relative to the bundle root
    text: str | None
    problem: str | None = None
    size: int = 0
    limit: bool = False  # unread because of a resource limit (EXP729), not because of its content

    @cached_property
    def kind(self) -> str:
        return kind_of(self.path)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines() if self.text is not None else []

    @cached_property
    def folded(self) -> str:
        """The text casefolded (for case-insensitive scans, once per file)."""
        return (self.text or "").casefold()

    @cached_property
    def newline_lines(self) -> bool:
        r"""Whether "\n" is the only line break in the text, so that ``lines[i]`` starts after
        the i-th "\n" (``str.splitlines`` also breaks at "\r", "\v", "\f", "\x1c"-"\x1e",
        "\x85", "\u2028" and "\u2029")."""
        text = self.text or ""
        return not any(brk in text for brk in _OTHER_BREAKS)


_OTHER_BREAKS = ("\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def decode(path: str, data: bytes) -> SourceFile:
    """Decode bytes as UTF-8 text, or say why they are not a readable source file."""
    size = len(data)
    if size > limits.MAX_FILE_BYTES:
        return too_large(path, size)
    if b"\x00" in data:
        return SourceFile(path, None, "binary file (contains NUL bytes)", size)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return SourceFile(path, None, f"not UTF-8 (byte {exc.start})", size)
    return from_text(path, text)


def from_text(path: str, text: str) -> SourceFile:
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.MAX_FILE_BYTES:
        return too_large(path, size)
    if "\x00" in text:
        return SourceFile(path, None, "binary file (contains NUL characters)", size)
    return SourceFile(path, text.replace("\r\n", "\n"), None, size)


def too_large(path: str, size: int) -> SourceFile:
    return SourceFile(path, None, f"file is {size} bytes, over the {limits.MAX_FILE_BYTES}-byte limit; not read", size, limit=True)
