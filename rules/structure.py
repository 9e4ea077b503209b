"""EXP1xx: the bundle's files: present, expected, readable and parsable."""
from __future__ import annotations

from linter.findings import Severity
from linter.rule import Invalid, Report, Rule, Valid
from linter.source import PYTHON, TOML, YAML


class MissingRequiredFile(Rule):
    """## What it does
    Checks that every file the profile requires is in the bundle (the five `src/*.py`
    modules, `pyproject.toml`, and `config/smoke_test.yaml` + `config/full_experiment.yaml`
    or, for Hydra bundles, `config/config.yaml`).

    ## Why is this bad?
    The pipeline runs fixed commands (`uv run python -m src.main ...`); a missing module or
    config file stops the run before it starts.

    ## Use instead
    Add the file with its full content to the bundle.
    """

    code = "EXP101"
    name = "missing-required-file"
    summary = "A file the profile requires is not in the bundle."
    invalid = (Invalid({"src/evaluate.py": None}, "src/evaluate.py"),)
    valid = (Valid(),)

    def check(self, bundle):
        for path in bundle.profile.required:
            if path not in bundle.files:
                yield Report(path, f"{path} is missing: the {bundle.profile.name} profile requires it; add the file to the bundle.")


class ExtraFile(Rule):
    """## What it does
    Reports files beyond the profile's layout: modules such as `src/utils.py` or
    `src/__init__.py`, `setup.py`, or config files the layout does not name.

    ## Why is this bad?
    The generation contract allows exactly these files; the pipeline copies only those,
    so code that imports an extra module fails once deployed, and reviewers of the
    experiment cannot rely on the layout.

    ## Use instead
    Move the code into one of the allowed modules (for example helpers into
    `src/preprocess.py` or `src/model.py`) and delete the extra file.
    """

    code = "EXP102"
    name = "extra-file"
    summary = "A file outside the profile's allowed layout."
    invalid = (Invalid({"src/utils.py": "def helper():\n    return 1\n"}, "src/utils.py"),)
    valid = (Valid(),)

    def check(self, bundle):
        for path in bundle.files:
            if not bundle.profile.allows(path):
                kind = "module" if path.endswith(".py") else "file"
                yield Report(path, f"{path} is an extra {kind}: the {bundle.profile.name} layout allows only its fixed files; move its content into an allowed file and remove it.")


class EmptyFile(Rule):
    """## What it does
    Reports a required file that is empty or holds only whitespace and comments.

    ## Why is this bad?
    An empty `src/evaluate.py` or YAML config runs without error and produces nothing, so
    the experiment silently lacks its evaluation or its runs.

    ## Use instead
    Write the file's full content.
    """

    code = "EXP103"
    name = "empty-file"
    summary = "A required file is empty."
    invalid = (Invalid({"src/preprocess.py": "# nothing yet\n"}, "src/preprocess.py"),)
    valid = (Valid(),)

    def check(self, bundle):
        for path in bundle.profile.required:
            source = bundle.files.get(path)
            if source is None or source.text is None:
                continue
            if not any(l.strip() and not l.strip().startswith("#") for l in source.lines):  # stops at the first
                yield Report(path, f"{path} is empty: write its full content.", line=1)


class PythonSyntaxError(Rule):
    """## What it does
    Reports a Python file that does not parse.

    ## Why is this bad?
    Python refuses to import a module with a syntax error, so the run crashes at once.
    Every other rule still checks the rest of the bundle.

    ## Use instead
    Fix the syntax at the reported line.
    """

    code = "EXP104"
    name = "python-syntax-error"
    summary = "A Python file has a syntax error."
    invalid = (Invalid({"src/model.py": "def build(:\n    pass\n"}, "src/model.py:1"),)
    valid = (Valid(),)

    def check(self, bundle):
        for path in bundle.paths(PYTHON):
            parsed = bundle.python(path)
            if parsed is not None and parsed.error is not None and not parsed.error.limit:
                err = parsed.error
                yield Report(path, f"SyntaxError: {err.message}; Python cannot import {path} until this is fixed.", line=err.line, column=err.column)


class YamlSyntaxError(Rule):
    """## What it does
    Reports a YAML file that PyYAML's `safe_load` cannot load.

    ## Why is this bad?
    The code loads its config with PyYAML (or OmegaConf, which uses it); a parse error
    stops every run.

    ## Use instead
    Fix the YAML at the reported line (indentation, an unclosed quote or bracket, a tab).
    """

    code = "EXP105"
    name = "yaml-syntax-error"
    summary = "A YAML file does not load."
    invalid = (Invalid({"config/smoke_test.yaml": "runs:\n  - run_id: a\n   lr: 1\n"}, "config/smoke_test.yaml:3"),)
    valid = (Valid(),)

    def check(self, bundle):
        for path in bundle.paths(YAML):
            parsed = bundle.yaml(path)
            if parsed is not None and parsed.error is not None and not parsed.error.limit:
                err = parsed.error
                yield Report(path, f"YAML error: {err.message}; the config cannot be loaded.", line=err.line, column=err.column)


class TomlSyntaxError(Rule):
    """## What it does
    Reports a TOML file (`pyproject.toml`) that does not parse.

    ## Why is this bad?
    `uv run` reads `pyproject.toml` before anything else; invalid TOML stops the run and
    no dependency gets installed.

    ## Use instead
    Fix the TOML at the reported line.
    """

    code = "EXP106"
    name = "toml-syntax-error"
    summary = "A TOML file does not parse."
    invalid = (Invalid({"pyproject.toml": "[project\nname = 'x'\n"}, "pyproject.toml:1"),)
    valid = (Valid(),)

    def check(self, bundle):
        for path in bundle.paths(TOML):
            parsed = bundle.toml(path)
            if parsed is not None and parsed.error is not None:
                err = parsed.error
                yield Report(path, f"TOML error: {err.message}; uv cannot read {path}.", line=err.line, column=err.column)


class UnreadableFile(Rule):
    """## What it does
    Reports a bundle file that cannot be read as text: not UTF-8, binary, or over the
    size limit.

    ## Why is this bad?
    Python and YAML need UTF-8 text; such a file cannot be imported or loaded, and
    exp-lint cannot check it either.

    ## Use instead
    Save the file as UTF-8 text, or remove the binary from the bundle.
    """

    code = "EXP107"
    name = "unreadable-file"
    summary = "A bundle file is not readable text."
    valid = (Valid(),)
    invalid = (Invalid({"src/train.py": "import os\x00\n"}, "src/train.py"),)

    def check(self, bundle):
        for path, source in bundle.files.items():
            if source.text is None and not source.limit:
                yield Report(path, f"{path} cannot be read: {source.problem}; save it as UTF-8 text.")


class SkippedInput(Rule):
    """## What it does
    Reports what the loader refused to read: a symbolic link that points outside the
    bundle root, a directory link, files over the count limit, or unknown keys of a JSON
    bundle.

    ## Why is this bad?
    exp-lint never reads outside the bundle, so whatever such a link points at was not
    checked; the pipeline, which copies the files, will not have it either.

    ## Use instead
    Put the real file inside the bundle instead of a link, or remove the key.
    """

    code = "EXP108"
    name = "skipped-input"
    summary = "Part of the input was not read (link out of the bundle, limits)."
    examples_exempt = "loader notes (links, limits, JSON keys) cannot be written as file overlays; tests/test_loaders.py covers it"
    severity = Severity.WARNING
    valid = (Valid(),)

    def check(self, bundle):
        for note in bundle.notes:
            yield Report(note.path, f"{note.path}: {note.message}.", line=note.line)


RULES = (MissingRequiredFile, ExtraFile, EmptyFile, PythonSyntaxError, YamlSyntaxError, TomlSyntaxError, UnreadableFile, SkippedInput)
