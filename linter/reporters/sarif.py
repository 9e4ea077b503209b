"""SARIF 2.1.0 for code scanning (GitHub ``upload-sarif`` and other SARIF viewers).

One run; ``tool.driver.rules`` lists every loaded rule in code order (id, name,
short and full description, help from the rule's documentation, helpUri to its page,
default level); one result per finding with ``ruleId``/``ruleIndex``, level, message and a
physical location relative to ``%SRCROOT%``. A region is given only with what is known:
``startLine``, then ``startColumn``/``endLine``/``endColumn`` when the finding has them
(SARIF columns are 1-based, ``endColumn`` is the column after the last character, which
is what exp-lint reports). No timestamps, no absolute paths of the machine: the same
input gives the same bytes.
"""
from __future__ import annotations

import inspect
import json
import posixpath
import re
from urllib.parse import quote

from ..docs import DOCS_URL
from ..plugins import version
from .github import repo_path

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/exp-lint/exp-lint"
SRCROOT = "%SRCROOT%"
_SECTION = re.compile(r"^## (.+)$", re.MULTILINE)


def section(doc: str, title: str) -> str:
    """The text of one ``## title`` section of a rule docstring."""
    parts = _SECTION.split(doc)
    for name, body in zip(parts[1::2], parts[2::2]):
        if name.strip() == title:
            return " ".join(body.split())
    return ""


def plain_help(doc: str) -> str:
    """The docstring as plain text: ``Title: text`` paragraphs, one per section."""
    parts = _SECTION.split(doc)
    out = [" ".join(parts[0].split())] if parts[0].strip() else []
    out += [f"{name.strip()}: {' '.join(body.split())}" for name, body in zip(parts[1::2], parts[2::2])]
    return "\n\n".join(out)


def help_uri(rule) -> str | None:
    explicit = getattr(rule, "url", None)
    if explicit:
        return explicit
    if rule.__module__.split(".")[0] == "rules":  # a built-in rule: its page in docs/rules/
        return DOCS_URL.format(code=rule.code)
    return None


def rule_descriptor(rule) -> dict:
    doc = inspect.cleandoc(rule.__doc__ or "")
    full = section(doc, "What it does") or rule.summary
    descriptor = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": plain_help(doc) or rule.summary, "markdown": doc or rule.summary},
        "defaultConfiguration": {"level": "error" if rule.severity.value == "error" else "warning"},
        "properties": {"profiles": sorted(rule.profiles)},
    }
    uri = help_uri(rule)
    if uri:
        descriptor["helpUri"] = uri
    return descriptor


def artifact(path: str) -> dict:
    """An artifactLocation: a relative URI under %SRCROOT%, or a file: URI outside it."""
    path = repo_path(path)
    if posixpath.isabs(path):
        return {"uri": "file://" + quote(path, safe="/")}
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


def region(f) -> dict | None:
    if not f.line:
        return None
    out = {"startLine": f.line}
    if f.column:
        out["startColumn"] = f.column
    if f.end_line and f.end_line >= f.line:
        out["endLine"] = f.end_line
        if f.column and f.end_column and (f.end_line > f.line or f.end_column > f.column):
            out["endColumn"] = f.end_column
    return out


def result_entry(result, f, index: dict[str, int]) -> dict:
    entry: dict = {"ruleId": f.rule}
    if f.rule in index:
        entry["ruleIndex"] = index[f.rule]
    entry["level"] = "error" if f.severity.value == "error" else "warning"
    if result.on_disk:
        entry["message"] = {"text": f.message}
        physical: dict = {"artifactLocation": artifact(f.path if result.path in (".", "") else posixpath.join(result.path, f.path))}
        where = region(f)
        if where:
            physical["region"] = where
        entry["locations"] = [{"physicalLocation": physical}]
    else:
        # A JSON bundle or a log: the file is inside the input, so the input is the location
        # and the embedded file and line are named in the message.
        inner = f"{f.path}:{f.line}" if f.line else f.path
        entry["message"] = {"text": f"{inner}: {f.message}"}
        if result.path not in ("<stdin>", "-"):
            entry["locations"] = [{
                "physicalLocation": {"artifactLocation": artifact(result.path)},
                "logicalLocations": [{"name": f.path, "kind": "module"}],
            }]
    if f.related and result.on_disk:
        related = []
        for number, loc in enumerate(f.related):
            physical = {"artifactLocation": artifact(loc.path if result.path in (".", "") else posixpath.join(result.path, loc.path))}
            where = region(loc)
            if where:
                physical["region"] = where
            related.append({"id": number, "physicalLocation": physical})
        entry["relatedLocations"] = related
    return entry


def render(results, plugins, options) -> str:
    rules = list(plugins.rules.values())
    index = {rule.code: number for number, rule in enumerate(rules)}
    sarif_results = [result_entry(result, f, index) for result in results for f in result.findings]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "exp-lint",
                "informationUri": INFORMATION_URI,
                "version": version(),
                "rules": [rule_descriptor(rule) for rule in rules],
            }},
            "columnKind": "unicodeCodePoints",
            "results": sarif_results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
