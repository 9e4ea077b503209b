"""A third-party rule: the seed of every run must be written as `seed:` in the YAML."""
from linter import hookimpl
from linter.rule import Invalid, Report, Rule, Valid


class NoPrintInModel(Rule):
    """## What it does
    Reports `print(` in `src/model.py`.

    ## Why is this bad?
    Models should log through the training loop.

    ## Use instead
    Return values and let train.py print them.
    """

    code = "XMP001"
    name = "no-print-in-model"
    summary = "src/model.py calls print()."
    valid = (Valid(),)
    invalid = (Invalid({"src/model.py": "print('hi')\n"}, "src/model.py:1"),)

    def check(self, bundle):
        for number, line in enumerate(bundle.files.get("src/model.py").lines if "src/model.py" in bundle.files else [], 1):
            if "print(" in line:
                yield Report("src/model.py", "print() in the model: log from train.py instead.", line=number, column=line.index("print(") + 1)


@hookimpl
def exp_lint_rules():
    return [NoPrintInModel]


@hookimpl
def exp_lint_import_map():
    return {"example_vision": "example-vision-dist"}
