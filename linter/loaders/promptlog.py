"""Saved reviewer prompt logs: ``[LLM Name: x]`` / ``Input:`` prompt / ``Output:`` answer.

From a log this reads the bundle under review, the base bundle (derived logs), the run
variations, the hydra experiment runs with their YAML, which validator it was (the
verdict keys its ``## Output Format`` names) and the reviewer's own answer, which is
kept only for comparison and never decides anything.
"""
from __future__ import annotations

import ast
import json
import re
from typing import Any

from ..bundle import Bundle, Context, LoadNote
from ..errors import InputError
from ..parsing.cpython import syntax_tree
from ..source import from_text
from .jsonbundle import bundle_from_mapping, is_bundle_mapping, run_config_path

VERDICT_KEYS = {
    "is_base_code_ready": "base",
    "is_experiment_code_ready": "derived",
    "is_code_ready": "hydra",
}
_HEAD = re.compile(r"^\s*(LLM Name:.*\n)?\s*Input:\s*$", re.MULTILINE)
_VARIATIONS = re.compile(r"^\s*-\s*Run Variations:\s*(\[.*\])\s*$", re.MULTILINE)
_RUN_ID = re.compile(r"^\s*-\s*Run ID:\s*(.+?)\s*$")
_FENCE_OPEN = re.compile(r"^(\s*)```\s*(ya?ml)?\s*$")


def looks_like_log(text: str) -> bool:
    head = text[:4000]
    return bool(re.search(r"^\s*Input:\s*$", head, re.MULTILINE))


def _split(text: str) -> tuple[str, str | None]:
    lines = text.split("\n")
    start = next((i for i, l in enumerate(lines) if l.strip() == "Input:"), None)
    if start is None:
        raise InputError("not a prompt log: no 'Input:' line")
    out = None
    for i in range(len(lines) - 1, start, -1):
        if lines[i].strip() == "Output:":
            out = i
            break
    if out is None:
        return "\n".join(lines[start + 1 :]), None
    return "\n".join(lines[start + 1 : out]), "\n".join(lines[out + 1 :])


def _validator(prompt: str) -> str | None:
    section = prompt.split("## Output Format", 1)
    scope = section[1][:2000] if len(section) == 2 else prompt
    found = [(scope.find(key), kind) for key, kind in VERDICT_KEYS.items() if key in scope]
    return min(found)[1] if found else None


def _json_lines(prompt: str) -> list[tuple[str, dict]]:
    """(heading above it, object) for every line of the prompt that is a JSON bundle."""
    heading = ""
    found = []
    for line in prompt.split("\n"):
        stripped = line.strip()
        if stripped.startswith("# ") and not stripped.startswith("{"):
            heading = stripped
            continue
        if stripped.startswith("{") and stripped.endswith("}") and '"' in stripped:
            try:
                data = json.loads(stripped)
            except (json.JSONDecodeError, RecursionError):
                continue
            if is_bundle_mapping(data):
                found.append((heading, data))
    return found


def _answer(output: str | None) -> dict[str, Any] | None:
    if not output or not output.strip():
        return None
    body = output.strip()
    fenced = re.match(r"^```(?:json)?\s*\n(.*?)\n```", body, re.DOTALL)
    if fenced:
        body = fenced.group(1)
    start = body.find("{")
    if start < 0:
        return None
    try:
        data, _ = json.JSONDecoder().raw_decode(body[start:])
    except (json.JSONDecodeError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _runs(prompt: str, origin: str) -> dict[str, str]:
    """Run id -> YAML text from the '# Experiment Runs' section of a hydra log."""
    if "# Experiment Runs" not in prompt:
        return {}
    section = prompt.split("# Experiment Runs", 1)[1]
    lines = section.split("\n")
    runs: dict[str, str] = {}
    current: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("# Generated") or line.startswith("# Derived") or line.startswith("# Current"):
            break
        match = _RUN_ID.match(line)
        if match:
            current = match.group(1)
        elif current is not None and _FENCE_OPEN.match(line):
            indent = _FENCE_OPEN.match(line).group(1)
            body: list[str] = []
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                body.append(lines[i])
                i += 1
            # The pipeline indents only the first line of the pasted file; undo just that,
            # unless every line carries the fence's indentation.
            if indent and all(not b.strip() or b.startswith(indent) for b in body):
                body = [b[len(indent):] for b in body]
            elif indent and body and body[0].startswith(indent):
                body[0] = body[0][len(indent):]
            runs[current] = "\n".join(body).rstrip() + "\n"
            current = None
        i += 1
    for run_id in runs:
        run_config_path(run_id, origin)  # refuses ids that would leave config/runs/
    return runs


def bundle_from_log_text(text: str, origin: str) -> Bundle:
    try:
        prompt, output = _split(text)
    except InputError as exc:
        raise InputError(f"{origin}: {exc}") from None
    context = Context(validator=_validator(prompt))
    answer = _answer(output)
    notes: list[LoadNote] = []
    match = _VARIATIONS.search(prompt)
    if match:
        try:
            value = ast.literal_eval(syntax_tree(match.group(1), origin, mode="eval"))  # without its warnings
            if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
                context.run_variations = list(value)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            notes.append(LoadNote("<log>", "the '- Run Variations:' list is not a Python literal; ignored"))
    bundles = _json_lines(prompt)
    under_review: dict | None = None
    base: dict | None = None
    for heading, data in bundles:
        if "base code" in heading.lower() and base is None and len(bundles) > 1:
            base = data
        else:
            under_review = data
    if under_review is None and answer is not None and is_bundle_mapping(answer):
        # A generation log: the bundle is the model's answer, not something reviewed.
        under_review, answer = answer, None
        if context.validator is None and re.search(r"placeholder|common core foundation", prompt, re.IGNORECASE):
            context.validator = "base"
    if under_review is None:
        raise InputError(f"{origin}: prompt log holds no bundle (no JSON object with bundle keys)")
    if answer is not None and any(k in answer for k in VERDICT_KEYS):
        context.reviewer = answer
    if base is not None:
        context.base = bundle_from_mapping(base, f"{origin} (base)")
    runs = _runs(prompt, origin)
    bundle = bundle_from_mapping(under_review, origin, context)
    if runs:
        context.runs = list(runs)
        cli: dict[str, list[str]] = {}
        for module, words in re.findall(r"uv run python(?: -u)? -m src\.(main|evaluate)\b([^\n`]*)", prompt.split("# Experiment Runs")[0]):
            keys = cli.setdefault(module, [])
            for word in words.split():
                key = word.split("=", 1)[0]
                if "=" in word and re.fullmatch(r"[A-Za-z_][\w.]*", key) and key not in keys:
                    keys.append(key)
        context.hydra_cli = {module: tuple(keys) for module, keys in sorted(cli.items())}
        context.instructions = prompt.split("# Experiment Runs")[0].split("# Generated")[0]
        if "config/run/" in prompt and "config/runs/" not in prompt:
            context.run_dir = "config/run"  # older prompts: the pipeline writes config/run/<id>.yaml
        for run_id, yaml_text in runs.items():
            path = run_config_path(run_id, origin)
            bundle.files.setdefault(path, from_text(path, yaml_text))
        bundle.files = dict(sorted(bundle.files.items()))
    bundle.notes.extend(notes)
    return bundle
