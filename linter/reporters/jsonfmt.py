"""The JSON report: ``{"results": [{path, profile, ready, verdict, findings: [...]}]}``."""
from __future__ import annotations

import json
from collections import Counter


def result_dict(result) -> dict:
    return {
        "path": result.path,
        "profile": result.profile.name,
        "ready": result.ready,
        "verdict": result.verdict,
        "findings": [f.as_dict() for f in result.findings],
    }


def statistics(results, plugins) -> list[dict]:
    counts = Counter(f.rule for r in results for f in r.findings)
    return [
        {"code": code, "name": plugins.rules[code].name if code in plugins.rules else None, "count": n}
        for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def render(results, plugins, options) -> str:
    data: dict = {"results": [result_dict(r) for r in results]}
    if options.get("statistics"):
        data["statistics"] = statistics(results, plugins)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
