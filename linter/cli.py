"""The command line: ``exp-lint [OPTIONS] PATH...``, ``exp-lint rules``, ``exp-lint explain CODE``.

Exit status: 0 every bundle ready, 1 a bundle is not ready, 2 usage, configuration,
unreadable input or internal error (one line on stderr, never a traceback).
"""
from __future__ import annotations

import gc
import json
import os
import sys
from typing import TYPE_CHECKING, Sequence

import click

from . import collector
from .config import Settings, settings_from_file
from .errors import ExpLintError
from .plugins import load_plugins, version

if TYPE_CHECKING:
    from .engine import Linter, Result  # imported when linting starts: it imports LibCST (~0.3 s)

EXIT_READY, EXIT_NOT_READY, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "verdict", "github", "sarif", "markdown")
STATISTICS_FORMATS = ("text", "json", "github", "markdown")


def parse_list(value: str | None, option: str) -> tuple[str, ...] | None:
    """A comma list, or a JSON list for names that contain commas."""
    if value is None:
        return None
    text = value.strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise click.UsageError(f"{option}: not a JSON list ({exc.msg})")
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise click.UsageError(f"{option}: the JSON list must hold strings")
        return tuple(items)
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _codes(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(c.strip() for v in values for c in v.split(",") if c.strip())


def _report_option(value: str) -> tuple[str, str]:
    fmt, sep, target = value.partition("=")
    if not sep or not target or fmt not in FORMATS:
        raise click.UsageError(f"--report {value!r}: write FORMAT=FILE with FORMAT one of {', '.join(FORMATS)}")
    return fmt, target


# -- worker side (also used in-process when --jobs is 1) ----------------------------------------
_WORKER: dict = {}


def _init_worker(cli_settings: Settings, config_file: str | None, base_path: str | None, disabled: tuple[str, ...],
                 batch: tuple[bool, bool] | None = None) -> None:
    from .engine import Linter
    from .loaders import load_base

    plugins = load_plugins(disabled=disabled)
    file_settings = settings_from_file(config_file) if config_file else None
    _WORKER["linter"] = Linter(plugins, cli_settings, file_settings)
    _WORKER["base"] = load_base(base_path) if base_path else None
    if batch is not None:
        _start_batch(*batch)


def _start_batch(collector_off: bool, lean_parse: bool) -> None:
    """A batch's economies, in the main process and again in every pool worker: a forked
    worker inherits them, but a spawned one (the default on macOS and Windows) or one from a
    fork server starts without them. ``collector_off``: the console entry turned the cyclic
    collector off (linter.collector); ``lean_parse``: enough inputs for the lean node
    constructors to pay off (linter.parsing.construction)."""
    if collector_off:
        gc.disable()
    collector.start_batch()
    if lean_parse:
        from .parsing import construction

        construction.install()


def _lint_one(path: str) -> tuple[str, Result | None, str | None]:
    outcome = _lint_input(path)
    collector.after_input()
    return outcome


def _lint_input(path: str) -> tuple[str, Result | None, str | None]:
    from .loaders import load_input

    try:
        bundle = load_input(path)
        if _WORKER.get("base") is not None and bundle.context.base is None:
            bundle.context.base = _WORKER["base"]
        result = _WORKER["linter"].lint(bundle)
        result.bundle = None  # results cross process boundaries; the parse trees stay behind
        return path, result, None
    except ExpLintError as exc:
        return path, None, str(exc)
    except RecursionError:
        return path, None, f"{path}: input nested too deeply to analyse"
    except Exception as exc:  # one broken input must not hide the others' results
        return path, None, f"internal error on {path}: {type(exc).__name__}: {exc}"


class DefaultGroup(click.Group):
    """``exp-lint PATH`` runs ``check``; ``exp-lint rules`` and ``explain`` are subcommands."""

    def parse_args(self, ctx, args):
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Lint machine-learning experiment bundles and print the reviewer's verdict.

    Run `exp-lint PATH...` on bundle directories, JSON bundles or saved prompt logs.
    """


@cli.command("check")
@click.argument("paths", nargs=-1)
@click.option("--profile", type=click.Choice(["auto", "base", "experiment", "derived", "hydra"]), default=None,
              help="Review profile (default: auto).")
@click.option("--base", "base_path", metavar="PATH", help="Base bundle to compare a derived bundle with.")
@click.option("--run-variations", metavar="LIST", help="Required run variations: a,b,c or a JSON list.")
@click.option("--runs", metavar="LIST", help="Hydra run ids: a,b,c or a JSON list.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format (default: text; github when GITHUB_ACTIONS=true).")
@click.option("--select", multiple=True, help="Rules to run: codes, prefixes, names or ALL (replaces the default).")
@click.option("--extend-select", multiple=True, help="Rules to run in addition.")
@click.option("--ignore", multiple=True, help="Rules not to run.")
@click.option("--config", "config_file", metavar="FILE", help="TOML configuration used instead of the bundle's [tool.exp-lint].")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when a bundle is not ready (2 still means an error).")
@click.option("--statistics", is_flag=True, help="Count findings per rule.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Inputs linted in parallel.")
@click.option("-o", "--output", "output_file", metavar="FILE", help="Write the report to FILE instead of stdout.")
@click.option("--report", "extra_reports", multiple=True, metavar="FORMAT=FILE",
              help="Also write the report in FORMAT to FILE (repeatable), e.g. --report sarif=exp-lint.sarif.")
@click.option("--disable-plugin", multiple=True, metavar="NAME", help="Do not load this plugin.")
@click.option("--version", "show_version", is_flag=True, help="Show the version and the loaded plugins.")
def check(paths, profile, base_path, run_variations, runs, fmt, select, extend_select, ignore, config_file,
          exit_zero, statistics, jobs, output_file, extra_reports, disable_plugin, show_version):
    """Lint bundles. PATH is a bundle directory, a JSON bundle, a prompt log, or - for stdin."""
    if show_version:
        plugins = load_plugins(disabled=disable_plugin)
        click.echo(f"exp-lint {version()}")
        for name, dist in plugins.loaded:
            click.echo(f"  plugin {name}: {dist}")
        return EXIT_READY
    if not paths:
        raise click.UsageError("give at least one PATH (a bundle directory, JSON bundle or prompt log)")
    if list(paths).count("-") > 1:
        raise click.UsageError("standard input ('-') can be read only once")
    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    reports = [(fmt, output_file)] + [_report_option(value) for value in extra_reports]
    if statistics and not any(f in STATISTICS_FORMATS for f, _ in reports):
        raise click.UsageError(f"--statistics needs a report in one of: {', '.join(STATISTICS_FORMATS)}")
    settings = Settings(
        select=_codes(select) or None,
        extend_select=_codes(extend_select),
        ignore=_codes(ignore),
        profile=profile,
        disable_plugins=tuple(disable_plugin),
        run_variations=parse_list(run_variations, "--run-variations"),
        runs=parse_list(runs, "--runs"),
    )
    disabled = tuple(disable_plugin)
    if config_file:
        disabled += settings_from_file(config_file).disable_plugins
    from .parsing.construction import INSTALL_FROM  # libcst is loaded already, with the rules

    batch = (not gc.isenabled(), len(paths) >= INSTALL_FROM) if len(paths) > 1 else None
    _init_worker(settings, config_file, base_path, disabled, batch)  # before any worker forks
    linter: Linter = _WORKER["linter"]
    if jobs > 1 and len(paths) > 1:
        from .lanes import in_lanes  # only here: multiprocessing costs ~40 ms to import

        outcomes = in_lanes(_lint_one, paths, jobs, _init_worker, (settings, config_file, base_path, disabled, batch))
    else:
        outcomes = [_lint_one(p) for p in paths]
    results = [r for _, r, _ in outcomes if r is not None]
    errors = [e for _, _, e in outcomes if e is not None]
    from .reporters import REPORTERS

    for report_format, target in reports:
        report = REPORTERS[report_format](results, linter.plugins, {"statistics": statistics})
        if target:
            try:
                with open(target, "w", encoding="utf-8") as handle:
                    handle.write(report)
            except OSError as exc:
                raise ExpLintError(f"cannot write {target}: {exc.strerror or exc}") from None
        else:
            click.echo(report, nl=False)
    for error in errors:
        click.echo(f"exp-lint: {error}", err=True)
    if errors:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_READY
    return EXIT_READY if all(r.ready for r in results) else EXIT_NOT_READY


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--disable-plugin", multiple=True, metavar="NAME")
def rules_command(fmt, disable_plugin):
    """List every rule: code, name, severity, profiles, summary."""
    plugins = load_plugins(disabled=disable_plugin)
    if fmt == "json":
        rows = [
            {"code": r.code, "name": r.name, "severity": r.severity.value, "profiles": sorted(r.profiles), "summary": r.summary}
            for r in plugins.rules.values()
        ]
        click.echo(json.dumps(rows, indent=2))
        return EXIT_READY
    for rule in plugins.rules.values():
        profiles = "all" if len(rule.profiles) >= 4 else ",".join(sorted(rule.profiles))
        click.echo(f"{rule.code}  {rule.name:<34} {rule.severity.value:<7} {profiles:<24} {rule.summary}")
    return EXIT_READY


@cli.command("explain")
@click.argument("rule")
def explain_command(rule):
    """Print a rule's documentation (code or name)."""
    from .docs import rule_page

    plugins = load_plugins()
    by_name = plugins.rule_by_name()
    found = plugins.rules.get(rule.upper()) or by_name.get(rule)
    if found is None:
        raise click.UsageError(f"no rule {rule!r}; `exp-lint rules` lists them")
    click.echo(rule_page(found), nl=False)
    return EXIT_READY


def main(argv: Sequence[str] | None = None) -> int:
    try:
        status = cli.main(args=list(argv) if argv is not None else None, prog_name="exp-lint", standalone_mode=False)
    except click.UsageError as exc:
        click.echo(f"exp-lint: {exc.format_message()}", err=True)
        status = EXIT_ERROR
    except click.exceptions.Abort:
        click.echo("exp-lint: aborted", err=True)
        status = EXIT_ERROR
    except click.exceptions.Exit as exc:
        status = exc.exit_code
    except ExpLintError as exc:
        click.echo(f"exp-lint: {exc}", err=True)
        status = EXIT_ERROR
    except BrokenPipeError:
        status = EXIT_ERROR
    except Exception as exc:  # the promise: never a traceback
        if os.environ.get("EXP_LINT_DEBUG"):
            raise
        click.echo(f"exp-lint: internal error: {type(exc).__name__}: {exc}", err=True)
        status = EXIT_ERROR
    if status is None:
        status = EXIT_READY
    return int(status)


def entry() -> None:  # pragma: no cover
    """The console script: one short-lived process, so two interpreter chores are skipped.

    The cyclic collector is off while the process lives (LibCST's import and one parse make
    ~10^5 objects that it would rescan for nothing, ~10% of a cold run; with several inputs
    ``linter.collector`` runs a pass once garbage piles up), and the exit skips tearing down every
    parse tree object by object (another ~10%), as mypy does: output is flushed first, files were closed where written.
    """
    gc.disable()
    status = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        status = status or EXIT_ERROR
    os._exit(status)
