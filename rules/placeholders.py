"""EXP2xx: unfinished code: placeholder tokens, TODO markers, elision phrases, stub bodies."""
from __future__ import annotations

import re

import libcst as cst

from linter.facts.text import TextMatch, scan_text
from linter.parsing.cst_helpers import dotted_name
from linter.rule import Invalid, Report, Rule, Valid

COMPLETE_PROFILES = frozenset({"experiment", "derived", "hydra"})

PLACEHOLDER = re.compile(r"(?<![A-Za-z0-9])(?:[A-Z][A-Z0-9]*_)*PLACEHOLDER(?![a-z0-9])")
TODO = re.compile(r"(?<![A-Za-z0-9_])(TODO|FIXME)(?![A-Za-z0-9_])")
ELISION = re.compile(
    r"omitted for brevity|for brevity|simplified (?:version|implementation|variant)|omitted here to keep|truncated intentionally|(?:experiments?|runs?|variations?|code|implementation|logic|blocks?|entries|layers?|steps?) (?:are|is) (?:omitted|left out)|\[\s*UNCHANGED\s*\]|(?-i:\bUNCHANGED\b)"
    r"|rest of (?:the )?(?:code|file|implementation) (?:is )?(?:unchanged|omitted|as before|remains)"
    r"|(?:remains|remain) (?:the same|unchanged) as (?:in )?(?:the )?base"
    r"|(?:code|implementation|logic) (?:is )?omitted"
    r"|same as (?:in )?(?:the )?base(?: code)?\b"
    r"|your (?:code|implementation) here|implement (?:this|me) (?:later|here)|to be implemented",
    re.IGNORECASE,
)
# Every ELISION phrase contains one of these (casefolded): lines without any skip the regex.
ELISION_NEEDLES = ("brevity", "simplified", "omitted", "truncated", "left out", "unchanged", "rest of", "remain",
                   "same as", "your ", "implement")


class PlaceholderToken(Rule):
    """## What it does
    Finds placeholder tokens (`DATASET_PLACEHOLDER`, `MODEL_PLACEHOLDER`,
    `SPECIFIC_CONFIG_PLACEHOLDER`, any `*_PLACEHOLDER` or a bare `PLACEHOLDER`) in code,
    comments, strings and YAML values.

    ## Why is this bad?
    A placeholder is a promise that someone will fill the spot in. In an experiment
    bundle that is run as written, `DATASET_PLACEHOLDER` is a dataset name that does not
    exist, or a `NameError`.

    ## Use instead
    Replace the token with the real dataset, model or parameter. Base bundles may keep
    placeholders in dataset- and model-specific spots only (see EXP501).
    """

    code = "EXP201"
    name = "placeholder-token"
    summary = "A *_PLACEHOLDER token is left in the bundle."
    profiles = COMPLETE_PROFILES
    invalid = (
        Invalid({"config/full_experiment.yaml": "runs:\n  - run_id: baseline\n    dataset: DATASET_PLACEHOLDER\n"}, "config/full_experiment.yaml:3"),
        Invalid({"src/preprocess.py": "NAME = 'MODEL_PLACEHOLDER'  # replaced later\n"}, "src/preprocess.py:1"),
    )
    valid = (
        Valid(title="Words that merely contain 'placeholder' in lower case are fine."),
        Valid({"src/preprocess.py": "placeholder_value = 0  # the Placeholder column of the CSV\n"}),
    )

    def check(self, bundle):
        extra = [re.compile(p) for p in getattr(getattr(self, "settings", None), "placeholder_patterns", ())]
        extra += [re.compile(p) for p in getattr(getattr(self, "plugins", None), "placeholder_patterns", ())]
        # Without user patterns every match holds the word; theirs can match anything.
        for match in scan_text(bundle, PLACEHOLDER, *extra, needles=() if extra else ("PLACEHOLDER",)):
            yield Report(match.path, f"Placeholder `{match.text}` is still in the code: replace it with the real value before the experiment can run.",
                         line=match.line, column=match.column, end_line=match.line, end_column=match.end_column)


class TodoMarker(Rule):
    """## What it does
    Finds `TODO` and `FIXME` markers in code, comments, strings and YAML.

    ## Why is this bad?
    A marker says the author knew something was unfinished; the reviewer's contract
    requires code that is complete and runs as written.

    ## Use instead
    Finish the work the marker names and delete the marker.
    """

    code = "EXP202"
    name = "todo-marker"
    summary = "A TODO or FIXME marker is left in the bundle."
    profiles = COMPLETE_PROFILES
    invalid = (Invalid({"src/model.py": "def build():\n    # TODO: add dropout\n    return 1\n"}, "src/model.py:2"),)
    valid = (Valid({"src/model.py": "def build():\n    todo_list = []  # lower-case names are not markers\n    return todo_list\n"}),)

    def check(self, bundle):
        for match in scan_text(bundle, TODO, needles=("TODO", "FIXME")):
            yield Report(match.path, f"`{match.text}` marker: finish what it describes and remove it; the experiment must be complete as written.",
                         line=match.line, column=match.column, end_line=match.line, end_column=match.end_column)


class ElisionMarker(Rule):
    """## What it does
    Finds phrases that mark code left out: "omitted for brevity", "simplified version",
    `[UNCHANGED]`, "rest of the code unchanged", "same as base", "your code here".

    ## Why is this bad?
    A generator that writes such a phrase usually dropped real code in its place: the
    file is shorter than it should be and the run does less than the design says.

    ## Use instead
    Write the full code; never refer the reader to a base version or elide parts.
    """

    code = "EXP203"
    name = "elision-marker"
    summary = "A phrase such as 'omitted for brevity' or [UNCHANGED] marks missing code."
    profiles = COMPLETE_PROFILES
    invalid = (
        Invalid({"src/train.py": "# [UNCHANGED] training loop from the base code\n"}, "src/train.py:1"),
        Invalid({"src/model.py": "def build():\n    # remaining layers omitted for brevity\n    return None\n"}, "src/model.py:2"),
        Invalid({"src/model.py": "def quantize(w):\n    \"\"\"Simplified implementation of product quantisation.\"\"\"\n    return w\n"}, "src/model.py:2"),
        Invalid({"config/full_experiment.yaml": "runs:\n  - run_id: baseline\n# the remaining runs are omitted here to keep the file short\n"},
                "config/full_experiment.yaml:3"),
    )
    valid = (
        Valid({"src/model.py": "def build():\n    # brief summary: builds the model\n    return None\n"}),
        Valid({"src/train.py": (
            "def step(env, action):\n    \"\"\"All other logic stays unchanged; a truncated episode ends like a terminated one.\"\"\"\n"
            "    print('Error bars are omitted here because each run is a single trial.')\n"
            "    obs, reward, terminated, truncated, info = env.step(action)\n    return obs, reward, terminated or truncated\n"
        )}, title="Prose 'unchanged' and a gym 'truncated' flag are not markers."),
    )

    def check(self, bundle):
        for match in scan_text(bundle, ELISION, needles=ELISION_NEEDLES, fold=True):
            yield Report(match.path, f"\"{match.text}\" marks code that was left out: write the full implementation here.",
                         line=match.line, column=match.column, end_line=match.line, end_column=match.end_column)


_ABSTRACT = {"abstractmethod", "abc.abstractmethod", "overload", "typing.overload", "abstractproperty"}
_PROTOCOL_BASES = {"Protocol", "typing.Protocol", "ABC", "abc.ABC", "Generic"}


def stub_kind(body: cst.BaseSuite) -> str | None:
    """'pass', '...' or 'NotImplementedError' when the body does nothing else (docstring aside)."""
    if isinstance(body, cst.SimpleStatementSuite):
        statements = list(body.body)
    else:
        statements = []
        for line in body.body:
            if not isinstance(line, cst.SimpleStatementLine):
                return None
            statements.extend(line.body)
    if statements and isinstance(statements[0], cst.Expr) and isinstance(statements[0].value, (cst.SimpleString, cst.ConcatenatedString)):
        statements = statements[1:]
    if len(statements) != 1:
        return None
    only = statements[0]
    if isinstance(only, cst.Pass):
        return "pass"
    if isinstance(only, cst.Expr) and isinstance(only.value, cst.Ellipsis):
        return "..."
    if isinstance(only, cst.Raise) and only.exc is not None:
        exc = only.exc.func if isinstance(only.exc, cst.Call) else only.exc
        if dotted_name(exc) in ("NotImplementedError", "NotImplemented"):
            return "raise NotImplementedError"
    return None


def _intentional(func: cst.FunctionDef, cls: cst.ClassDef | None, overridden: set[tuple[str, str]]) -> bool:
    for decorator in func.decorators:
        target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        if dotted_name(target) in _ABSTRACT or (dotted_name(target) or "").endswith(".setter"):
            return True
    if cls is None:
        return False
    bases = {dotted_name(a.value) for a in cls.bases}
    if bases & _PROTOCOL_BASES or any(dotted_name(k.value) in ("ABCMeta", "abc.ABCMeta") for k in cls.keywords):
        return True
    # A no-op default that a subclass in the bundle overrides is a hook, not a stub.
    return (cls.name.value, func.name.value) in overridden


class StubBody(Rule):
    """## What it does
    Finds functions whose body is only `pass`, `...` or `raise NotImplementedError`
    (a docstring aside). Abstract methods, `@overload`s, methods of `Protocol`/`ABC`
    classes, and no-op hooks that a subclass in the bundle overrides are left alone.

    ## Why is this bad?
    A stub runs without complaint and does nothing, or raises as soon as it is called:
    the experiment skips a step or crashes mid-run.

    ## Use instead
    Implement the function, or delete it if nothing calls it.
    """

    code = "EXP204"
    name = "stub-body"
    summary = "A function body is only pass, ... or raise NotImplementedError."
    profiles = COMPLETE_PROFILES
    invalid = (
        Invalid({"src/model.py": "def build_model(cfg):\n    pass\n"}, "src/model.py:1"),
        Invalid({"src/preprocess.py": "def load(cfg):\n    \"\"\"Load the data.\"\"\"\n    raise NotImplementedError\n"}, "src/preprocess.py:1"),
    )
    valid = (
        Valid({"src/model.py": "import abc\n\n\nclass Base(abc.ABC):\n    @abc.abstractmethod\n    def forward(self, x):\n        ...\n"}),
        Valid({"src/model.py": "class Callback:\n    def on_epoch_end(self, epoch):\n        pass\n\n\nclass Printer(Callback):\n    def on_epoch_end(self, epoch):\n        print(epoch)\n"}),
    )

    def check(self, bundle):
        for path, index in bundle.modules():
            for func, kind in iter_stubs(index):
                yield Report(path, f"`{func.name.value}` is a stub (`{kind}` only): implement it; a stub does nothing or raises when the experiment calls it.",
                             node=func.name)


def iter_stubs(index) -> list[tuple[cst.FunctionDef, str]]:
    """(function, stub kind) for every unintentional stub of a module, in document order."""
    classes = index.of(cst.ClassDef)
    overridden: set[tuple[str, str]] = set()
    for sub in classes:
        methods = {s.name.value for s in sub.body.body if isinstance(s, cst.FunctionDef)} if isinstance(sub.body, cst.IndentedBlock) else set()
        for base in sub.bases:
            name = dotted_name(base.value)
            if name:
                overridden.update((name.rsplit(".", 1)[-1], m) for m in methods)
    out = []
    for func in index.of(cst.FunctionDef):
        kind = stub_kind(func.body)
        if kind is None:
            continue
        cls = index.enclosing(func, cst.ClassDef, cst.FunctionDef)
        cls = cls if isinstance(cls, cst.ClassDef) else None
        if not _intentional(func, cls, overridden):
            out.append((func, kind))
    return out


RULES = (PlaceholderToken, TodoMarker, ElisionMarker, StubBody)
