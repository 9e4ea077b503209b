"""EXP9xx: exp-lint's own directives. The engine applies suppressions; these rules name
the findings it makes about them so they can be selected, ignored and documented."""
from __future__ import annotations

from linter.findings import Severity
from linter.rule import Invalid, Rule, Valid


class InvalidSuppression(Rule):
    """## What it does
    Reports an `exp-lint:` comment that is not `# exp-lint: ignore[CODE, ...]`.

    ## Why is this bad?
    A directive without codes or with a typo would otherwise either do nothing or
    silence everything on its line; both hide problems. A malformed directive never
    suppresses anything.

    ## Use instead
    `# exp-lint: ignore[EXP201]`, on the line or alone on the line above.
    """

    code = "EXP901"
    name = "invalid-suppression"
    summary = "A malformed '# exp-lint:' directive."
    invalid = (Invalid({"src/model.py": "X = 1  # exp-lint: ignore\n"}, "src/model.py:1"),)
    valid = (Valid(),)

    def check(self, bundle):
        return ()  # reported by the engine, which reads every directive once


class UnusedSuppression(Rule):
    """## What it does
    Reports an `# exp-lint: ignore[...]` directive whose codes match no finding on its line.

    ## Why is this bad?
    Stale suppressions pile up and later hide a real problem on the same line.

    ## Use instead
    Remove the directive, or the codes it no longer needs.
    """

    code = "EXP902"
    name = "unused-suppression"
    summary = "A suppression that suppresses nothing."
    severity = Severity.WARNING
    invalid = (Invalid({"src/model.py": "X = 1  # exp-lint: ignore[EXP201]\n"}, "src/model.py:1", with_rules=("EXP201",)),)
    valid = (Valid({"src/model.py": "X = 'DATASET_PLACEHOLDER'  # exp-lint: ignore[EXP201]\n"}, with_rules=("EXP201",)),)

    def check(self, bundle):
        return ()


RULES = (InvalidSuppression, UnusedSuppression)
