"""JSON bundles as pipelines hold them: ``{"train_py": ...}`` or ``{"files": {path: text}}``."""
from __future__ import annotations

import json
import re
from typing import Any, Mapping

from ..bundle import Bundle, Context, LoadNote
from ..errors import InputError
from ..source import SourceFile, from_text
from .paths import safe_relative

KEY_PATHS = {
    "train_py": "src/train.py",
    "evaluate_py": "src/evaluate.py",
    "preprocess_py": "src/preprocess.py",
    "model_py": "src/model.py",
    "main_py": "src/main.py",
    "pyproject_toml": "pyproject.toml",
    "smoke_test_yaml": "config/smoke_test.yaml",
    "full_experiment_yaml": "config/full_experiment.yaml",
    "config_yaml": "config/config.yaml",
}
_RUN_ID = re.compile(r"^[^/\\\x00]{1,200}$")


def is_bundle_mapping(data: Any) -> bool:
    return isinstance(data, dict) and (
        isinstance(data.get("files"), dict) or any(k in KEY_PATHS for k in data)
    )


def run_config_path(run_id: str, origin: str) -> str:
    if not isinstance(run_id, str) or not _RUN_ID.match(run_id) or run_id in (".", ".."):
        raise InputError(f"{origin}: run id {run_id!r} cannot name a file under config/runs/")
    return f"config/runs/{run_id}.yaml"


def _text(value: Any, key: str, origin: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{origin}: value of {key!r} is {type(value).__name__}, expected the file's text as a string")
    return value


def bundle_from_mapping(data: Mapping[str, Any], origin: str, context: Context | None = None) -> Bundle:
    if not isinstance(data, dict):
        raise InputError(f"{origin}: a JSON bundle must be an object")
    files: dict[str, SourceFile] = {}
    notes: list[LoadNote] = []
    runs: list[str] | None = None
    if "files" in data:
        if not isinstance(data["files"], dict):
            raise InputError(f"{origin}: 'files' must map paths to file texts")
        for path, text in data["files"].items():
            rel = safe_relative(path, origin)
            files[rel] = from_text(rel, _text(text, path, origin))
    for key, value in data.items():
        if key == "files":
            continue
        if key in KEY_PATHS:
            files[KEY_PATHS[key]] = from_text(KEY_PATHS[key], _text(value, key, origin))
        elif key == "run_configs":
            if not isinstance(value, dict):
                raise InputError(f"{origin}: 'run_configs' must map run ids to YAML texts")
            runs = []
            for run_id, text in value.items():
                path = run_config_path(run_id, origin)
                files[path] = from_text(path, _text(text, f"run_configs.{run_id}", origin))
                runs.append(run_id)
        else:
            notes.append(LoadNote("<bundle>", f"unknown key {key!r} in the JSON bundle was ignored"))
    if not files:
        raise InputError(f"{origin}: the JSON bundle holds no files")
    context = context or Context()
    if runs is not None and context.runs is None:
        context.runs = runs
    return Bundle(files, origin=origin, context=context, notes=notes)


def bundle_from_json_text(text: str, origin: str) -> Bundle:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{origin}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"{origin}: JSON nested too deeply") from None
    if not is_bundle_mapping(data):
        raise InputError(f"{origin}: JSON object has no bundle keys (expected 'files' or keys such as 'train_py')")
    return bundle_from_mapping(data, origin)
