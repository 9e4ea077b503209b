"""EXP416-EXP417: the flags main passes when it launches src.train / src.evaluate."""
from __future__ import annotations

import re

from linter.facts.cli import CliFacts, Launch, Parser
from linter.findings import Location
from linter.rule import Invalid, Report, Rule, Valid
from linter.testing import patched

from linter.profiles import EIGHT_FILE_PROFILES as EIGHT_FILE
_NUMBER = re.compile(r"-\d+(\.\d*)?([eE][-+]?\d+)?")


def _line(bundle, path: str, node) -> int | None:
    parsed = bundle.python(path)
    span = parsed.span(node) if parsed is not None else None
    return span[0] if span else None


def walk_argv(parser: Parser, launch: Launch):
    """Resolve the launch's tokens as argparse would: (unknown flags, options present,
    positional count, whether an unknown value stood where a flag could be)."""
    tokens = launch.tokens
    unknown: list = []
    present: set[int] = set()
    positionals = 0
    blind = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        value = token.value
        if value is None:
            blind = True
            i += 1
            continue
        if value == "--":
            positionals += len(tokens) - i - 1
            break
        if value.startswith("-") and len(value) > 1 and not _NUMBER.fullmatch(value):
            flag, eq, _ = value.partition("=") if value.startswith("--") else (value, "", "")
            kind, option = parser.match(flag)
            i += 1
            if option is None:
                unknown.append((token, flag, kind))
                if i < len(tokens) and not (tokens[i].value or "").startswith("-"):
                    i += 1  # its value (an unknown value after an unknown flag is taken as its value)
                continue
            present.add(id(option))
            if eq:
                continue
            n = option.nargs
            if n is None:
                i += 1
            elif n == 0:
                pass
            elif isinstance(n, int):
                i += n
            else:
                while i < len(tokens) and not (tokens[i].value is not None and tokens[i].value.startswith("-")):
                    i += 1
            continue
        positionals += 1
        i += 1
    return unknown, present, positionals, blind


def _pairs(bundle):
    facts = bundle.fact(CliFacts)
    for launch in facts.launches:
        parser = facts.parsers.get(launch.target)
        if parser is not None and launch.path != launch.target:
            yield launch, parser


class UnknownCliFlag(Rule):
    """## What it does
    Checks each flag `src/main.py` passes when it launches a bundle module
    (`[sys.executable, "-m", "src.train", "--lr", ...]`, lists grown with `+`, `+=`,
    `extend`, `append`, f-strings and `shlex.split` of a literal) against that module's
    argparse parser. Like argparse, a unique prefix of a long option is accepted
    (`--res` for `--results-dir`) unless the parser sets `allow_abbrev=False`; an
    ambiguous prefix is reported. A parser that uses `parse_known_args` tolerates unknown
    flags and is not checked, nor is one built with `parents=`, sub-parsers, or option
    names that are not literal. Hydra bundles pass `key=value` overrides instead; the
    EXP6xx rules check those.

    ## Why is this bad?
    argparse exits with `error: unrecognized arguments` (status 2) before training starts,
    so every run of the experiment fails at once, typically as `--run_id` against a parser
    that declares `--run-id`.

    ## Use instead
    Pass exactly the option strings the target declares, or add the option to its parser.
    """

    code = "EXP416"
    name = "unknown-cli-flag"
    summary = "main passes a flag the launched module's argparse parser does not define."
    profiles = EIGHT_FILE
    valid = (
        Valid(title="main passes --config, --run-id and --results-dir, which train declares"),
        Valid({"src/main.py": patched("experiment", "src/main.py", ('"--run-id", run["run_id"],', '"--run", run["run_id"],'))},
              title="a unique prefix is accepted as argparse allows abbreviations"),
        Valid({"src/main.py": patched("experiment", "src/main.py", ('"--results-dir", str(results_dir),\n        ]', '"--results-dir", str(results_dir),\n            "--seed", "1",\n        ]')),
               "src/train.py": patched("experiment", "src/train.py", ("args = parser.parse_args()", "args, _ = parser.parse_known_args()"))},
              title="parse_known_args tolerates unknown flags"),
    )
    invalid = (
        Invalid({"src/main.py": patched("experiment", "src/main.py", ('"--run-id", run["run_id"],', '"--run_id", run["run_id"],'))},
                "src/main.py:54", title="--run_id against a parser that declares --run-id"),
        Invalid({"src/main.py": patched("experiment", "src/main.py", ('        ]\n        status = run_logged(command', '        ]\n        command += ["--epochs", "3"]\n        status = run_logged(command'))},
                "src/main.py:57", title="a flag appended with += that train does not declare"),
    )

    def check(self, bundle):
        for launch, parser in _pairs(bundle):
            if parser.known_args or not parser.complete:
                continue
            unknown, _, _, _ = walk_argv(parser, launch)
            for token, flag, kind in unknown:
                line = _line(bundle, launch.path, token.node)
                where = f"{launch.path}:{line}" if line else launch.path
                if kind == "ambiguous":
                    matches = sorted({s for s in parser.options if s.startswith(flag)})
                    problem = f"'{flag}' is ambiguous in {launch.target}'s parser (it matches {', '.join(matches)})"
                else:
                    problem = f"{launch.target}'s parser has no option {flag}"
                yield Report(
                    launch.path,
                    f"argparse exits with 'unrecognized arguments' at run time: {where} passes {flag} to {launch.module} "
                    f"but {problem}; pass an option it declares or add {flag} to its parser.",
                    node=token.node,
                    related=(Location(launch.target, _line(bundle, launch.target, parser.node)),),
                )


class MissingRequiredCliFlag(Rule):
    """## What it does
    Checks that `src/main.py` passes every option the launched module's argparse parser
    marks `required=True`, one option of each required mutually exclusive group, and its
    required positional arguments. Only commands whose every token is known are checked:
    a spread list (`*extra`, `cmd += flags`) or an unknown value where a flag could stand
    might supply the option.

    ## Why is this bad?
    argparse exits with `error: the following arguments are required` (status 2), so the
    run never starts.

    ## Use instead
    Pass the option in the command main builds, or give it a default in the target's parser.
    """

    code = "EXP417"
    name = "missing-required-cli-flag"
    summary = "main launches a module without a flag its parser requires."
    profiles = EIGHT_FILE
    valid = (
        Valid(title="main passes every required flag of train"),
        Valid({"src/main.py": patched("experiment", "src/main.py", ('            "--config", str(config_path),\n', '            *extra,\n'), ("    for run in config[\"runs\"]:", "    extra = [\"--config\", str(config_path)]\n    for run in config[\"runs\"]:"))},
              title="a spread list may carry the flag: not checked"),
    )
    invalid = (
        Invalid({"src/main.py": patched("experiment", "src/main.py", ('            "--config", str(config_path),\n', ''))},
                "src/main.py:51", title="--config is required by train but not passed"),
    )

    def check(self, bundle):
        for launch, parser in _pairs(bundle):
            if not launch.complete:
                continue
            _, present, positionals, blind = walk_argv(parser, launch)
            if blind:
                continue
            missing = []
            seen: set[int] = set()
            for option in parser.options.values():
                if option.required and id(option) not in present and id(option) not in seen:
                    seen.add(id(option))
                    missing.append((option.strings[0], option.node))
            for group in parser.required_groups:
                if not any(id(o) in present for o in group):
                    missing.append((" or ".join(o.strings[0] for o in group), group[0].node))
            needed = sum(p.nargs if isinstance(p.nargs, int) else 1 for p in parser.positionals if p.required)
            if positionals < needed:
                names = ", ".join(p.strings[0] for p in parser.positionals if p.required)
                missing.append((f"the positional argument(s) {names}", parser.positionals[0].node))
            if not missing:
                continue
            line = _line(bundle, launch.path, launch.node)  # positions cost a code generation: only for findings
            where = f"{launch.path}:{line}" if line else launch.path
            for flag, node in missing:
                decl = _line(bundle, launch.target, node)
                yield Report(
                    launch.path,
                    f"argparse exits with 'the following arguments are required' at run time: {where} launches "
                    f"{launch.module} without {flag}, which {launch.target}:{decl} requires; pass it or give it a default.",
                    node=launch.node,
                    related=(Location(launch.target, decl),),
                )


RULES = (UnknownCliFlag, MissingRequiredCliFlag)
