"""EXP715: generation artefacts: long runs of blank or identical lines padding a file."""
from __future__ import annotations

from linter.findings import Severity
from linter.rule import Invalid, Report, Rule, Valid
from linter.testing import minimal_files

RUN = 40  # consecutive blank (or identical) lines; no hand-written file has this many


def _runs(lines: list[str], minimum: int):
    """(first line, length, blank?) of each run of >= minimum blank or identical lines."""
    start, n = 0, len(lines)
    while start < n:
        line = lines[start]
        blank = not line.strip()
        end = start + 1
        while end < n and ((not lines[end].strip()) if blank else lines[end] == line):
            end += 1
        if end - start >= minimum:
            yield start + 1, end - start, blank
        start = end


class FillerLines(Rule):
    """## What it does
    Reports a run of 40 or more consecutive blank lines, or of 40 or more identical
    lines, in any file of the bundle (code, YAML, pyproject.toml). One finding per file,
    at the first such run, with the total.

    ## Why is this bad?
    No one writes such padding by hand: it is the trace of a generation that ran on
    emitting newlines or one repeated line (often after a truncated or templated
    section), and it multiplies the size of the file every reader and reviewer must
    load. Nothing fails to parse because of it, so this is a warning; the surrounding
    content deserves a second look.

    ## Use instead
    Delete the padding; check that the content before and after it is complete.
    """

    code = "EXP715"
    name = "filler-lines"
    summary = "A file holds a long run of blank or repeated filler lines."
    severity = Severity.WARNING
    valid = (
        Valid(title="the minimal bundle"),
        Valid({"config/smoke_test.yaml": minimal_files("experiment")["config/smoke_test.yaml"] + "\n" * 10}, title="a few trailing blank lines"),
    )
    invalid = (
        Invalid({"config/full_experiment.yaml": minimal_files("experiment")["config/full_experiment.yaml"] + "# end of file\n" + "\n" * 300},
                "config/full_experiment.yaml:" + str(len(minimal_files("experiment")["config/full_experiment.yaml"].splitlines()) + 2),
                title="a config padded with 300 blank lines"),
        Invalid({"src/model.py": minimal_files("experiment")["src/model.py"] + "# ----\n" * 60},
                "src/model.py:" + str(len(minimal_files("experiment")["src/model.py"].splitlines()) + 1),
                title="one comment line repeated 60 times"),
    )

    def check(self, bundle):
        for path, source in sorted(bundle.files.items()):
            if source.text is None:
                continue
            lines = source.lines
            runs = list(_runs(lines, RUN))
            if not runs:
                continue
            first, length, blank = runs[0]
            last = first + length - 1
            total = sum(r[1] for r in runs)
            what = "blank lines" if blank else f"copies of the line `{lines[first - 1].strip()[:60]}`"
            more = f", {total} filler lines in {len(runs)} such runs in all" if len(runs) > 1 else ""
            where = "ends in" if len(runs) == 1 and all(not l.strip() for l in lines[last:]) else "holds"
            yield Report(
                path,
                f"{path} {where} {length} {what} (lines {first}-{last}{more}), a generation artefact that only bloats the file; "
                f"delete them and check that the content around them is complete.",
                line=first,
            )


RULES = (FillerLines,)
