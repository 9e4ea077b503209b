"""Speed against peers: whole processes, same inputs, same run, interleaved.

    python -m linter.bench.speed [--repeat 7] [--corpus DIR] [--seed LOG] [--markdown]

Every measurement is a fresh process (cold start: interpreter, imports, work), timed by wall
clock. The commands are interleaved: repetition 1 runs every command once, then repetition 2,
and so on, so a load spike on the machine hits all of them alike. Medians are reported, with
ratios; against the floors, also the median of the ratios taken within each repetition (each
exp-lint corpus run comes right after its floor's run), which drifts in the machine's own
speed over a run affect less. Peers (pylint, fixit, ruff) come from the ``bench`` extra: ``pip install -e '.[bench]'``;
a missing peer is reported as such, not faked.

Single bundle: seed 000 as a directory (its decoded bundle written to a temporary directory)
and as the saved log; peers lint the bundle's Python files in that directory.
Corpus: every dev-corpus log in one invocation with ``--jobs 2``, against the floor
(``linter.bench.floor``: read the logs and parse their Python files with LibCST, nothing else)
in one process and in two; and against the same floor parsing as exp-lint does (skipping
LibCST's re-validation of parsed nodes and building them with lean constructors,
``linter.parsing.construction``), which leaves the cost of facts and rules alone.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .corpus import DEFAULT_CORPUS, FALLBACK_CORPUS, read_jsonl, render_table

HERE = Path(__file__).resolve().parent
FLOOR_OWN_PARSE = "floor, exp-lint's parse (DIR)"
SEED_NAME = "000_3606421511772a53.txt"
SEED_CANDIDATES = (HERE.parents[2] / "shared" / "seeds" / SEED_NAME, Path("/work/shared/seeds") / SEED_NAME)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        load = "load average %.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        load = "load average unknown"
    return f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu}, Python {platform.python_version()}, {load} at start"


def tool(name: str) -> str | None:
    """A peer's executable next to this interpreter (the venv), else on PATH."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    return shutil.which(name)


def write_bundle(log: Path, target: Path) -> list[str]:
    from ..loaders import load_input

    bundle = load_input(str(log))
    for name, source in bundle.files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source.text or "", encoding="utf-8")
    return sorted(str(target / n) for n, s in bundle.files.items() if s.kind == "python")


def time_once(cmd: list[str], cwd: str) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system, the process and its children) and exit status."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, proc.returncode


def compile_checkout(root: str) -> None:
    """Write .pyc files for the checkout, as pip does for an installed package: an editable
    install under PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module on every run."""
    import compileall

    for name in ("linter", "rules"):
        if os.path.isdir(os.path.join(root, name)):
            compileall.compile_dir(os.path.join(root, name), quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m linter.bench.speed", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--seed", type=Path, default=None, help=f"the single-bundle log (default: seeds/{SEED_NAME})")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-corpus", action="store_true", help="time the single bundle only")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    corpus = args.corpus or (DEFAULT_CORPUS if (DEFAULT_CORPUS / "manifest.jsonl").exists() else FALLBACK_CORPUS)
    seed = args.seed or next((p for p in SEED_CANDIDATES if p.exists()), SEED_CANDIDATES[-1])
    py = sys.executable
    root = str(HERE.parents[1])  # the checkout: `-m linter` resolves here
    notes: list[str] = []

    with tempfile.TemporaryDirectory(prefix="exp-lint-speed-") as tmp:
        bundle_dir = Path(tmp) / "bundle"
        py_files = write_bundle(seed, bundle_dir)
        single: list[tuple[str, list[str]]] = [
            ("exp-lint DIR (seed 000 bundle)", [py, "-m", "linter", "--exit-zero", str(bundle_dir)]),
            ("exp-lint LOG (seed 000 log)", [py, "-m", "linter", "--exit-zero", str(seed)]),
            ("floor: read + LibCST parse (DIR)", [py, "-m", "linter.bench.floor", str(bundle_dir)]),
            (FLOOR_OWN_PARSE, [py, "-m", "linter.bench.floor", "--exp-lint-parse", str(bundle_dir)]),
            ("pylint --errors-only (same .py files)", [py, "-m", "pylint", "--errors-only", "--persistent=n", *py_files]),
        ]
        fixit, ruff = tool("fixit"), tool("ruff")
        if fixit:
            single.append(("fixit lint (same .py files)", [fixit, "lint", *py_files]))
        else:
            notes.append("fixit not installed: pip install -e '.[bench]'")
        if ruff:
            single.append(("ruff check (same .py files)", [ruff, "check", "--no-cache", "--isolated", *py_files]))
        else:
            notes.append("ruff not installed: pip install -e '.[bench]'")
        import importlib.util

        if importlib.util.find_spec("pylint") is None:
            single = [s for s in single if not s[0].startswith("pylint")]
            notes.append("pylint not installed: pip install -e '.[bench]'")

        logs = [str(corpus / r["file"]) for r in sorted(read_jsonl(corpus / "manifest.jsonl"), key=lambda r: r["id"])]
        whole: list[tuple[str, list[str]]] = []
        if not args.no_corpus:
            whole = [
                (f"exp-lint corpus --jobs {args.jobs}", [py, "-m", "linter", "--exit-zero", "--format", "json", "--jobs", str(args.jobs), *logs]),
                ("floor corpus, 1 process", [py, "-m", "linter.bench.floor", *logs]),
                (f"floor corpus, {args.jobs} processes", [py, "-m", "linter.bench.floor", "--jobs", str(args.jobs), *logs]),
                (f"floor corpus, {args.jobs} processes, exp-lint's parse",
                 [py, "-m", "linter.bench.floor", "--jobs", str(args.jobs), "--exp-lint-parse", *logs]),
                ("exp-lint corpus --jobs 1", [py, "-m", "linter", "--exit-zero", "--format", "json", *logs]),
            ]
        # Run order within a repetition: each exp-lint command right after the floor it is
        # compared with, so a per-repetition ratio compares runs a few seconds apart.
        run_order = single + ([whole[2], whole[0], whole[3], whole[1], whole[4]] if whole else [])
        commands = single + whole
        env_note = machine()
        compile_checkout(root)
        times: dict[str, list[float]] = {name: [] for name, _ in commands}
        cpu: dict[str, list[float]] = {name: [] for name, _ in commands}
        status: dict[str, set[int]] = {name: set() for name, _ in commands}
        for name, cmd in commands:  # warm the file cache and .pyc files once, untimed
            subprocess.run(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(args.repeat):
            for name, cmd in run_order:
                seconds, cpu_seconds, rc = time_once(cmd, root)
                times[name].append(seconds)
                cpu[name].append(cpu_seconds)
                status[name].add(rc)

    med = {name: statistics.median(v) for name, v in times.items()}

    def paired(ours_name: str, other: str) -> str:
        """The median, over repetitions, of ours / other within one repetition, and its range:
        steadier than a ratio of medians when the machine's speed drifts during the run."""
        ratios = sorted(a / b for a, b in zip(times[ours_name], times[other]))
        return f"{statistics.median(ratios):.2f}x ({ratios[0]:.2f}-{ratios[-1]:.2f}x)"

    mcpu = {name: statistics.median(v) for name, v in cpu.items()}
    ours = med["exp-lint DIR (seed 000 bundle)"]
    rows = []
    for name, _ in single:
        ratio = med[name] / ours
        rows.append([name, f"{med[name]:.3f}", f"{min(times[name]):.3f}", f"{ratio:.2f}x", f"{mcpu[name]:.3f}",
                     f"{mcpu[name] / mcpu['exp-lint DIR (seed 000 bundle)']:.2f}x", ",".join(map(str, sorted(status[name])))])
    lines: list[str] = []
    md = args.markdown
    title = lambda t: lines.extend([f"### {t}", ""] if md else [t, "=" * len(t)])  # noqa: E731
    title("Speed: one bundle, cold process")
    lines.append(f"Machine: {env_note}. {args.repeat} interleaved repetitions, wall-clock seconds per process; "
                 f"ratio = that command's median / exp-lint DIR's median (higher: exp-lint is faster); "
                 f"CPU = user + system seconds of the process and its children, less sensitive to other load on the machine.")
    lines.append("")
    lines += render_table(["command", "wall median s", "wall min s", "wall ratio", "CPU median s", "CPU ratio", "exit"], rows, md)
    lines.append("")
    pylint_name = next((n for n, _ in single if n.startswith("pylint")), None)
    lines.append(f"exp-lint on the seed bundle: {ours:.3f} s median (target at most 0.45 s); "
                 f"{'pylint --errors-only / exp-lint = %.2fx (target at least 5x)' % (med[pylint_name] / ours) if pylint_name else 'pylint not measured'}; "
                 f"exp-lint / floor = {ours / med['floor: read + LibCST parse (DIR)']:.2f}x "
                 f"(per repetition: {paired('exp-lint DIR (seed 000 bundle)', 'floor: read + LibCST parse (DIR)')}); "
                 f"exp-lint / floor with exp-lint's parse = {ours / med[FLOOR_OWN_PARSE]:.2f}x.")
    lines.append("")
    if whole:
        title("Speed: the whole dev corpus in one invocation")
        n_logs = len(logs)
        rows = []
        ref = med[f"exp-lint corpus --jobs {args.jobs}"]
        for name, _ in whole:
            rows.append([name, f"{med[name]:.2f}", f"{min(times[name]):.2f}", f"{med[name] / ref:.2f}x", f"{1000 * med[name] / n_logs:.0f} ms",
                         f"{mcpu[name]:.2f}"])
        lines.append(f"{n_logs} logs. Ratio = that command's median / exp-lint --jobs {args.jobs}'s median.")
        lines.append("")
        lines += render_table(["command", "wall median s", "wall min s", "wall ratio", "wall per log", "CPU median s (all processes)"], rows, md)
        lines.append("")
        f1, f2 = med["floor corpus, 1 process"], med[f"floor corpus, {args.jobs} processes"]
        own = med[f"floor corpus, {args.jobs} processes, exp-lint's parse"]
        lines.append(f"exp-lint --jobs {args.jobs} / floor in {args.jobs} processes = {ref / f2:.2f}x (target at most 1.3x; "
                     f"per repetition, the floor run just before: "
                     f"{paired(f'exp-lint corpus --jobs {args.jobs}', f'floor corpus, {args.jobs} processes')}); "
                     f"exp-lint --jobs {args.jobs} / floor in 1 process = {ref / f1:.2f}x; "
                     f"exp-lint --jobs {args.jobs} / floor in {args.jobs} processes with exp-lint's parse = {ref / own:.2f}x "
                     f"(the facts' and rules' cost alone: exp-lint skips LibCST's re-validation of parsed nodes and builds them "
                     f"with lean constructors, the floor does not).")
        lines.append("")
    lines += [f"Note: {n}" for n in notes]
    where = [] if args.corpus is None else [f"--corpus {args.corpus}"]
    where += ["--no-corpus"] if args.no_corpus else []
    lines.append(f"Regenerate: `python -m linter.bench.speed {' '.join(where + ['--repeat', str(args.repeat)])}` (add `--markdown` for this page).")
    sys.stdout.write("\n".join(lines).rstrip() + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
