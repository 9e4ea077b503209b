"""Bundle-relative paths: every path a loader accepts is checked here."""
from __future__ import annotations

from ..errors import InputError


def safe_relative(path: str, origin: str) -> str:
    """A normalised POSIX path inside the bundle, or InputError for anything that escapes."""
    if not isinstance(path, str) or not path.strip():
        raise InputError(f"{origin}: empty file path in bundle")
    if "\x00" in path:
        raise InputError(f"{origin}: file path with a NUL character in bundle")
    candidate = path.replace("\\", "/")
    if candidate.startswith("/") or (len(candidate) > 1 and candidate[1] == ":"):
        raise InputError(f"{origin}: absolute path {path!r} in bundle is not allowed")
    parts = [p for p in candidate.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts) or not parts:
        raise InputError(f"{origin}: path {path!r} leaves the bundle root")
    return "/".join(parts)
