"""Profiles: which files a bundle must and may have, and which verdict keys it answers with.

A profile is data; plugins add their own through the ``exp_lint_profiles`` hook.
"""
from __future__ import annotations

import fnmatch
from dataclasses import field

from .records import dataclass

SRC_FILES = ("src/train.py", "src/evaluate.py", "src/preprocess.py", "src/model.py", "src/main.py")
EIGHT_FILES = SRC_FILES + ("pyproject.toml", "config/smoke_test.yaml", "config/full_experiment.yaml")
HYDRA_FILES = SRC_FILES + ("pyproject.toml", "config/config.yaml")


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    required: tuple[str, ...]
    verdict_keys: tuple[str, str]  # (ready key, issue key)
    allowed: tuple[str, ...] = ()  # glob patterns of optional files
    placeholders: str = "forbidden"  # "forbidden" | "specific-spots"

    def allows(self, path: str) -> bool:
        return path in self.required or any(fnmatch.fnmatchcase(path, p) for p in self.allowed)


BASE = Profile(
    "base",
    "Common core foundation: placeholders allowed only where a dataset or model is specific.",
    EIGHT_FILES,
    ("is_base_code_ready", "base_code_issue"),
    placeholders="specific-spots",
)
EXPERIMENT = Profile(
    "experiment",
    "A complete experiment in the 8-file layout, with no base given: no placeholder at all.",
    EIGHT_FILES,
    ("is_experiment_code_ready", "experiment_code_issue"),
)
DERIVED = Profile(
    "derived",
    "An experiment derived from a base bundle and a list of run variations.",
    EIGHT_FILES,
    ("is_experiment_code_ready", "experiment_code_issue"),
)
HYDRA = Profile(
    "hydra",
    "The 7-file Hydra + WandB layout with config/runs/<run_id>.yaml per run.",
    HYDRA_FILES,
    ("is_code_ready", "code_issue"),
    allowed=("config/runs/*.yaml",),
)

BUILTIN_PROFILES = (BASE, EXPERIMENT, DERIVED, HYDRA)
# The profiles of the 8-file layout (smoke_test.yaml/full_experiment.yaml, main.py's CLI).
EIGHT_FILE_PROFILES = frozenset(p.name for p in BUILTIN_PROFILES if p.required == EIGHT_FILES)
