"""Prompt-dependent checks of the logging contract (EXP403/EXP408 under older hydra prompts)."""
from __future__ import annotations

import json

import pytest
from conftest import run_cli

from linter.testing import minimal_files, patched
from linter.testing.logs import prompt_log

OLD_CRITERIA = (
    "Check that the code is complete and runs as written.\n"
    "6. **Structured Logging**:\n"
    "   - train.py prints JSON-formatted metrics with `run_id` field using `print(json.dumps({...}))`\n"
    "   - main.py redirects subprocess stdout/stderr to `{results_dir}/{run_id}/stdout.log` and `stderr.log`"
)
JSON_NO_RUN_ID = patched(
    "hydra", "src/train.py",
    ("from pathlib import Path\n", "import json\nfrom pathlib import Path\n"),
    ('    print(f"run {cfg.run_id}: best', '    print(json.dumps({"best": best}))\n    print(f"run {cfg.run_id}: best'),
)
JSON_WITH_RUN_ID = JSON_NO_RUN_ID.replace('json.dumps({"best": best})', 'json.dumps({"run_id": cfg.run_id, "best": best})')


def _findings(train: str | None, old_prompt: bool, rule: str) -> list[dict]:
    files = dict(minimal_files("hydra"))
    if train is not None:
        files["src/train.py"] = train
    text = prompt_log("hydra", files)
    if old_prompt:
        text = text.replace("Check that the code is complete and runs as written.", OLD_CRITERIA)
    out = run_cli("-", "--format", "json", "--select", rule, stdin=text)
    return json.loads(out.stdout)["results"][0]["findings"]


@pytest.mark.parametrize("train,old_prompt,expected", [
    (None, True, ["error"]),  # no JSON line at all, the old prompt asks for one
    (JSON_NO_RUN_ID, True, ["error"]),
    (JSON_WITH_RUN_ID, True, []),
    (None, False, []),  # the current hydra prompt forbids stdout JSON (EXP605 instead)
    (JSON_NO_RUN_ID, False, []),
])
def test_exp403_in_hydra_follows_the_prompt(train, old_prompt, expected):
    assert [f["severity"] for f in _findings(train, old_prompt, "EXP403")] == expected
