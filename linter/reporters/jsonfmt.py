"""The JSON report: ``{"results": [{path, profile, ready, verdict, findings: [...]}]}``."""
from __future__ import annotations

import json


def result_dict(result) -> dict:
    return {
        "path": result.path,
        "profile": result.profile.name,
        "ready": result.ready,
        "verdict": result.verdict,
        "findings": [f.as_dict() for f in result.findings],
    }


def render(results, plugins, options) -> str:
    return json.dumps({"results": [result_dict(r) for r in results]}, indent=2, ensure_ascii=False) + "\n"
