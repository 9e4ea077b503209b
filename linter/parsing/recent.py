"""Parse results kept by source text, bounded in count and in characters."""
from __future__ import annotations

_NONE = object()


class RecentParses:
    """The last results of a parse, by source text, least recently used dropped first.

    A batch of bundles (successive versions of one experiment, a derived bundle and its
    base) repeats files: a fifth of the dev corpus's Python files are texts the same process
    parsed a few inputs earlier. A parse result that nothing mutates (LibCST trees and their
    node indexes, ``ast`` trees, token tables) can be shared by every repeat.

    Bounded twice: at most ``size`` texts, and at most ``max_chars`` characters of them, a
    text longer than that never kept. exp-lint's callers keep one bundle's worth at most
    (limits.MAX_BUNDLE_PYTHON_BYTES): a LibCST tree and its index take ~65 bytes per source
    character, so a batch of huge files cannot pin gigabytes.
    """

    def __init__(self, size: int, max_chars: int) -> None:
        self.size = size
        self.max_chars = max_chars
        self._results: dict[str, object] = {}
        self._chars = 0

    def get(self, text: str, parse):
        result = self._results.pop(text, _NONE)
        if result is _NONE:
            result = parse(text)
            if len(text) > self.max_chars:
                return result  # too large to keep; parsed every time
            self._chars += len(text)
            while self._results and (len(self._results) >= self.size or self._chars > self.max_chars):
                oldest = next(iter(self._results))  # dicts keep insertion order
                del self._results[oldest]
                self._chars -= len(oldest)
        self._results[text] = result
        return result
