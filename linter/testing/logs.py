"""Write inputs in the forms pipelines produce: JSON bundles and saved prompt logs.

Used by the tests and the fuzzer to build inputs from the minimal bundles, so the test
suite needs nothing outside the project.
"""
from __future__ import annotations

import json
from typing import Mapping

from ..loaders.jsonbundle import KEY_PATHS

PATH_KEYS = {path: key for key, path in KEY_PATHS.items()}
VERDICT = {
    "base": ("is_base_code_ready", "base_code_issue"),
    "derived": ("is_experiment_code_ready", "experiment_code_issue"),
    "hydra": ("is_code_ready", "code_issue"),
}


def key_form(files: Mapping[str, str]) -> dict:
    """The ``{"train_py": ...}`` form; hydra run configs go under ``run_configs``."""
    out: dict = {}
    runs: dict = {}
    for path, text in files.items():
        if path in PATH_KEYS:
            out[PATH_KEYS[path]] = text
        elif path.startswith("config/runs/") and path.endswith(".yaml"):
            runs[path[len("config/runs/"):-len(".yaml")]] = text
    if runs:
        out["run_configs"] = runs
    return out


def prompt_log(
    validator: str,
    files: Mapping[str, str],
    *,
    base: Mapping[str, str] | None = None,
    run_variations: list[str] | None = None,
    answer: Mapping | None = None,
    llm: str | None = None,
) -> str:
    """A saved reviewer log of the given validator kind, in the pipeline's layout."""
    ready_key, issue_key = VERDICT[validator]
    under_review = {k: v for k, v in key_form(files).items() if k != "run_configs"}
    lines = []
    if llm:
        lines.append(f"LLM Name: {llm}")
    lines += [
        "Input:",
        "You are an AI code reviewer. Check the experiment code below.",
        "",
        "# Instructions",
        "Check that the code is complete and runs as written.",
        "",
        "## Output Format",
        "Respond with a JSON object containing:",
        f"- `{ready_key}`: boolean - true if ALL criteria are met, false otherwise",
        f"- `{issue_key}`: string - specific issues found if any criteria are not met",
        "",
        "# Current Research Method",
        "A method worth testing.",
        "",
    ]
    if run_variations is not None:
        lines += ["# Current Experiment (To be validated)", "- Experiment ID: exp-1", f"- Run Variations: {run_variations!r}", ""]
    if validator == "hydra":
        lines += ["# Experiment Runs", ""]
        for path, text in sorted(files.items()):
            if path.startswith("config/runs/"):
                run_id = path[len("config/runs/"):-len(".yaml")]
                body = text.rstrip("\n").split("\n")
                lines += [f"- Run ID: {run_id}", "  Method: m", "", "  Config Content:", "  ```yaml", "  " + body[0], *body[1:], "  ```", "  ", ""]
    if base is not None:
        lines += ["# Base Code (Reference Foundation)", json.dumps(key_form(base)), ""]
    heading = {"base": "# Generated Base Code Files", "derived": "# Derived Experiment Code (To be validated)",
               "hydra": "# Generated Experiment Code (To be validated)"}[validator]
    lines += [heading, json.dumps(under_review), "", "Review the code thoroughly."]
    lines.append("Output:")
    lines.append(json.dumps(answer if answer is not None else {ready_key: True, issue_key: ""}, indent=4))
    return "\n".join(lines) + "\n"
