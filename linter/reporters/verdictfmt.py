"""Exactly the reviewer's JSON object, one per input, one per line."""
from __future__ import annotations

import json


def render(results, plugins, options) -> str:
    return "".join(json.dumps(r.verdict, ensure_ascii=False) + "\n" for r in results)
