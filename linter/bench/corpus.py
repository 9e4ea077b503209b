"""Corpus fidelity: exp-lint's verdicts and findings against real reviews.

    python -m linter.bench.corpus [--corpus DIR] [--labels FILE] [--jobs N] [--markdown]

Lints every log of the corpus with the real command line (``--format json --jobs N``),
then compares with the reviewer's verdict (manifest.jsonl), the hand labels
(linter/bench/labels.jsonl) and the first run after the review (the manifest's ``outcome``).
A script, not a test: it reports numbers, it does not assert them. Output is deterministic.

Matching a labelled defect (documented in docs/benchmarks.md):
- *caught by code*: a finding of one of the defect's rule codes in the defect's file (its path
  or one of its related locations); a defect without a file is caught by that code anywhere.
- *caught near*: any error finding in the defect's file within ``NEAR`` lines of the defect's
  line (or anywhere in that file when the label has no line). This catches defects that no
  planned code names, or that another rule reports first; it is the lenient figure.
Recall is reported on checkable defects the reviewer named correctly (``reviewer_correct`` true):
the target. Defects the reviewer missed (``reviewer_correct`` null) are reported separately, and
defects where the reviewer was wrong (false) are listed with the label's evidence.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import field
from pathlib import Path

from ..records import dataclass

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = Path(os.environ.get("EXP_LINT_CORPUS", HERE.parents[2] / "shared" / "corpus" / "dev"))
FALLBACK_CORPUS = Path("/work/shared/corpus/dev")
DEFAULT_LABELS = HERE / "labels.jsonl"
NEAR = 5  # lines either side of a labelled defect for the lenient match
VALIDATORS = ("base", "derived", "hydra")


# -- inputs ------------------------------------------------------------------------------------
def read_jsonl(path: Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise SystemExit(f"{path}:{number}: not JSON ({exc.msg})")
    return rows


def run_linter(paths: list[str], jobs: int) -> tuple[dict[str, dict], dict[str, str], float]:
    """Lint with the real CLI; returns ({path: result}, {path: load error}, seconds)."""
    import time

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.json")
        cmd = [sys.executable, "-m", "linter", "--format", "json", "--exit-zero", "--jobs", str(jobs), "-o", out, *paths]
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if not os.path.exists(out):
            raise SystemExit(f"exp-lint failed (status {proc.returncode}): {proc.stderr.strip()[:2000]}")
        with open(out, encoding="utf-8") as handle:
            data = json.load(handle)
    results = {r["path"]: r for r in data["results"]}
    errors: dict[str, str] = {}
    for line in proc.stderr.splitlines():
        text = line.removeprefix("exp-lint: ")
        for path in paths:
            if path in text:
                errors[path] = text
                break
    return results, errors, seconds


# -- matching -----------------------------------------------------------------------------------
def finding_files(finding: dict) -> set[str]:
    files = {finding["path"]}
    files.update(r["path"] for r in finding.get("related", ()) or ())
    return files


def caught_by_code(defect: dict, findings: list[dict]) -> list[dict]:
    codes = set(defect.get("rules") or ())
    if not codes:
        return []
    out = []
    for f in findings:
        if f["rule"] in codes and (defect.get("file") is None or defect["file"] in finding_files(f)):
            out.append(f)
    return out


def near(defect: dict, finding: dict) -> bool:
    if defect.get("file") is None or finding["severity"] != "error" or finding["path"] != defect["file"]:
        return False
    if defect.get("line") is None or finding.get("line") is None:
        return True
    end = finding.get("end_line") or finding["line"]
    return finding["line"] - NEAR <= defect["line"] <= end + NEAR


def caught_near(defect: dict, findings: list[dict]) -> list[dict]:
    return [f for f in findings if near(defect, f)]


# -- the report ----------------------------------------------------------------------------------
@dataclass
class Log:
    id: str
    validator: str
    ready: bool
    issue: str
    path: str
    outcome: dict | None
    result: dict | None = None
    error: str | None = None
    label: dict | None = None

    @property
    def findings(self) -> list[dict]:
        return self.result["findings"] if self.result else []

    @property
    def errors(self) -> list[dict]:
        return [f for f in self.findings if f["severity"] == "error"]

    @property
    def lint_ready(self) -> bool | None:
        return None if self.result is None else bool(self.result["ready"])


def pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "n/a"


def short(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def loc(defect: dict) -> str:
    if defect.get("file") is None:
        return "(no file)"
    return f"{defect['file']}:{defect['line']}" if defect.get("line") is not None else defect["file"]


def floc(f: dict) -> str:
    return f"{f['path']}:{f['line']}" if f.get("line") is not None else f["path"]


@dataclass
class Section:
    """A titled block: rendered as plain text or markdown."""

    title: str
    lines: list[str] = field(default_factory=list)  # paragraphs and bullets
    table: tuple[list[str], list[list[str]]] | None = None
    after: list[str] = field(default_factory=list)


def render_table(header: list[str], rows: list[list[str]], markdown: bool) -> list[str]:
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
        return out
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    fmt = lambda row: "  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip()  # noqa: E731
    return [fmt(header), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)]


def render(sections: list[Section], markdown: bool) -> str:
    out: list[str] = []
    for s in sections:
        if markdown:
            out += [f"### {s.title}", ""]
        else:
            out += [s.title, "=" * len(s.title)]
        for line in s.lines:
            out.append(line)
        if s.lines:
            out.append("")
        if s.table:
            out += render_table(*s.table, markdown)
            out.append("")
        for line in s.after:
            out.append(line)
        if s.after:
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def build(logs: list[Log], labels_total: int, rule_codes: set[str], jobs: int, seconds: float, corpus: Path | None) -> list[Section]:
    sections: list[Section] = []
    linted = [lg for lg in logs if lg.result is not None]
    head = Section("Corpus fidelity: summary")
    head.lines.append(
        f"{len(logs)} review logs ({', '.join(f'{v} {sum(1 for lg in logs if lg.validator == v)}' for v in VALIDATORS)}); "
        f"{len(linted)} linted, {len(logs) - len(linted)} refused by the loader; {labels_total} hand-labelled. "
        f"Rules in this build: {len(rule_codes)}."
    )
    sections.append(head)

    # 1. verdict agreement per validator
    conf = Section("Verdict agreement with the reviewer")
    conf.lines.append("exp-lint says ready when it reports no error. Rows: the reviewer's verdict; columns: exp-lint's.")
    rows = []
    total_agree = total = 0
    for v in (*VALIDATORS, "all"):
        group = [lg for lg in linted if v == "all" or lg.validator == v]
        c = Counter((lg.ready, lg.lint_ready) for lg in group)
        agree = c[(True, True)] + c[(False, False)]
        if v == "all":
            total_agree, total = agree, len(group)
        prec_nr = c[(False, False)] / (c[(False, False)] + c[(True, False)]) if (c[(False, False)] + c[(True, False)]) else None
        rows.append([
            v, str(len(group)), str(c[(True, True)]), str(c[(True, False)]), str(c[(False, True)]), str(c[(False, False)]),
            f"{agree}/{len(group)} ({pct(agree, len(group))})",
            "n/a" if prec_nr is None else f"{100 * prec_nr:.1f}%",
        ])
    conf.table = (["validator", "logs", "ready→ready", "ready→NOT", "not→ready", "not→NOT", "agreement", "not-ready precision"], rows)
    reasons = Counter()
    for lg in linted:
        if lg.ready and lg.lint_ready is False:
            for code in sorted({f["rule"] for f in lg.errors}):
                reasons[f"exp-lint NOT ready, reviewer ready: {code}"] += 1
        elif not lg.ready and lg.lint_ready:
            lab = lg.label
            if lab is None:
                reasons["exp-lint ready, reviewer not: unlabelled log"] += 1
            else:
                named = [d for d in lab["defects"] if d["reviewer_correct"] is True]
                if not named:
                    reasons["exp-lint ready, reviewer not: labels find no real defect the reviewer named"] += 1
                elif any(d["checkable"] for d in named):
                    reasons["exp-lint ready, reviewer not: a checkable named defect was missed"] += 1
                else:
                    reasons["exp-lint ready, reviewer not: only non-checkable (judgement) defects"] += 1
    conf.after.append(f"Overall agreement: {total_agree}/{total} ({pct(total_agree, total)}). Reasons for disagreement (logs):")
    conf.after += [f"- {k}: {n}" for k, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))]
    sections.append(conf)

    # 2. rules that fire, split by the reviewer's verdict
    for v in VALIDATORS:
        group = [lg for lg in linted if lg.validator == v]
        counts: dict[str, Counter] = defaultdict(Counter)
        sev: dict[str, str] = {}
        for lg in group:
            for code in sorted({f["rule"] for f in lg.findings}):
                counts[code]["ready" if lg.ready else "not"] += 1
            for f in lg.findings:
                counts[f["rule"]]["findings"] += 1
                sev[f["rule"]] = f["severity"]
        s = Section(f"Rules that fire on {v} logs")
        n_ready = sum(1 for lg in group if lg.ready)
        s.lines.append(f"{len(group)} logs: {n_ready} judged ready by the reviewer, {len(group) - n_ready} not ready. Columns count logs.")
        s.table = (["rule", "severity", "logs (reviewer ready)", "logs (reviewer not ready)", "findings"],
                   [[c, sev[c], str(counts[c]["ready"]), str(counts[c]["not"]), str(counts[c]["findings"])] for c in sorted(counts)])
        if not counts:
            s.lines.append("No rule fires.")
            s.table = None
        sections.append(s)

    # 3. errors on bundles the reviewer judged ready
    s = Section("Errors on bundles the reviewer judged ready")
    items = []
    for lg in sorted(linted, key=lambda x: x.id):
        if lg.ready and lg.errors:
            for f in lg.errors:
                note = ""
                if lg.label is not None:
                    hit = [d for d in lg.label["defects"] if f in caught_by_code(d, [f]) or near(d, f)]
                    note = (" — matches labelled defect: " + short(hit[0]["summary"], 90)) if hit else " — labelled log, matches no labelled defect: check by hand"
                items.append(f"- `{lg.id}` {f['rule']} {floc(f)}: {short(f['message'], 140)}{note}")
    s.lines += items or ["None."]
    sections.append(s)

    # 4. recall on labelled defects
    labelled = [lg for lg in linted if lg.label is not None]
    named = [(lg, d) for lg in labelled for d in lg.label["defects"] if d["checkable"] and d["reviewer_correct"] is True]
    missed_by_reviewer = [(lg, d) for lg in labelled for d in lg.label["defects"] if d["checkable"] and d["reviewer_correct"] is None]
    s = Section("Recall on checkable labelled defects")
    s.lines.append(
        f"A defect is *caught by code* when a finding of one of its rule codes is in its file (or related locations); "
        f"*caught near* when, in addition, any error finding lies in its file within {NEAR} lines. "
        f"Target: at least 90% of the checkable defects the reviewer named."
    )
    rows = []
    for title, pairs in (("named by the reviewer", named), ("missed by the reviewer", missed_by_reviewer)):
        for v in (*VALIDATORS, "all"):
            sub = [(lg, d) for lg, d in pairs if v == "all" or lg.validator == v]
            by_code = sum(1 for lg, d in sub if caught_by_code(d, lg.findings))
            lenient = sum(1 for lg, d in sub if caught_by_code(d, lg.findings) or caught_near(d, lg.findings))
            rows.append([title, v, str(len(sub)), f"{by_code} ({pct(by_code, len(sub))})", f"{lenient} ({pct(lenient, len(sub))})"])
    s.table = (["defects", "validator", "checkable", "caught by code", "caught by code or near"], rows)
    sections.append(s)

    s = Section("Recall per rule code (checkable defects the reviewer named)")
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for lg, d in named:
        for code in d["rules"] or ["(no code fits)"]:
            per[code][0] += 1
            if code != "(no code fits)" and any(f["rule"] == code for f in caught_by_code(d, lg.findings)):
                per[code][1] += 1
            if caught_by_code(d, lg.findings) or caught_near(d, lg.findings):
                per[code][2] += 1
    s.lines.append("`in build` says whether the rule exists in this build (others are still being written).")
    s.table = (["code", "in build", "defects", "caught by this code", "caught by code or near"],
               [[c, "-" if c.startswith("(") else "yes" if c in rule_codes else "no", str(n), f"{k} ({pct(k, n)})", f"{m} ({pct(m, n)})"]
                for c, (n, k, m) in sorted(per.items())])
    in_build = [(lg, d) for lg, d in named if any(c in rule_codes for c in d["rules"])]
    ib = sum(1 for lg, d in in_build if caught_by_code(d, lg.findings))
    s.after.append(f"Restricted to defects whose planned code exists in this build: {ib}/{len(in_build)} caught by code ({pct(ib, len(in_build))}).")
    sections.append(s)

    s = Section("Missed checkable defects the reviewer named")
    s.lines.append("Not caught by code (the strict figure); `near` marks those an error finding lies close to.")
    misses = []
    for lg, d in sorted(named, key=lambda p: (p[0].validator, p[0].id, loc(p[1]))):
        if not caught_by_code(d, lg.findings):
            codes = ",".join(d["rules"]) or "no code"
            state = "" if not d["rules"] or any(c in rule_codes for c in d["rules"]) else " (rule not in build)"
            state += ", near" if caught_near(d, lg.findings) else ""
            misses.append(f"- [{lg.validator}] `{lg.id}` {loc(d)} [{codes}{state}]: {short(d['summary'], 150)}")
    s.lines += misses or ["None."]
    sections.append(s)

    # 5. precision signals
    s = Section("Error findings on labelled logs that match no labelled defect")
    s.lines.append("Candidates for false alarms (or defects the labels missed): check each by hand.")
    cands = []
    for lg in sorted(labelled, key=lambda x: x.id):
        for f in lg.errors:
            if not any(f in caught_by_code(d, [f]) or near(d, f) for d in lg.label["defects"]):
                cands.append(f"- `{lg.id}` {f['rule']} {floc(f)}: {short(f['message'], 150)}")
    n_err = sum(len(lg.errors) for lg in labelled)
    s.lines.insert(1, f"{len(cands)} of {n_err} error findings on {len(labelled)} labelled logs.")
    s.after += cands or ["None."]
    sections.append(s)

    s = Section("Bundles checked to be correct")
    clean = [lg for lg in labelled if not any(d["reviewer_correct"] is not False for d in lg.label["defects"])]
    s.lines.append(
        "Labelled logs whose every labelled defect is one the reviewer got wrong (or that have none): "
        "exp-lint should report no error on them. Target: none."
    )
    s.lines += [f"- `{lg.id}` ({lg.validator}): {len(lg.errors)} errors" + (
        ": " + "; ".join(f"{f['rule']} {floc(f)}" for f in lg.errors) if lg.errors else "") for lg in clean] or ["None labelled."]
    sections.append(s)

    s = Section("Where the reviewer was wrong")
    wrong = [(lg, d) for lg in labelled for d in lg.label["defects"] if d["reviewer_correct"] is False]
    s.lines.append(f"{len(wrong)} labelled claims of the reviewer are wrong; what exp-lint reports at each (a finding of the listed code there deserves a hand check).")
    for lg, d in sorted(wrong, key=lambda p: (p[0].id, loc(p[1]))):
        fired = sorted({f["rule"] for f in caught_by_code(d, lg.findings) + caught_near(d, lg.findings)})
        s.after.append(
            f"- `{lg.id}` {loc(d)}: {short(d['summary'], 120)} Evidence: {short(d['evidence'], 160)}"
            f" exp-lint: {', '.join(fired) if fired else 'silent'}."
        )
    sections.append(s)

    # 6. run outcomes
    s = Section("Run outcomes: did exp-lint predict the crash?")
    with_outcome = [lg for lg in linted if lg.outcome]
    s.lines.append(
        f"{len(with_outcome)} logs have the first run log after the review. Crashed = the run log holds a traceback or an exception."
    )
    rows = []
    pred = Counter()
    for lg in sorted(with_outcome, key=lambda x: x.id):
        o = lg.outcome
        crashed = bool(o.get("has_traceback") or o.get("exception") or o.get("first_exception"))
        exc = o.get("first_exception") or o.get("exception") or ""
        exc = exc.split(":")[0].strip() if exc else ("" if crashed else "-")
        codes = ",".join(sorted({f["rule"] for f in lg.errors})) or "-"
        pred[(crashed, lg.lint_ready is False)] += 1
        rows.append([lg.id[:70], lg.validator, "ready" if lg.ready else "not", "crash" if crashed else "no crash", exc or "?",
                     "NOT ready" if lg.lint_ready is False else "ready", codes])
    s.table = (["log", "validator", "reviewer", "run", "exception", "exp-lint", "error rules"], rows)
    s.after.append(
        f"Crashed runs flagged not ready by exp-lint: {pred[(True, True)]}/{pred[(True, True)] + pred[(True, False)]}; "
        f"runs without a crash that exp-lint flagged: {pred[(False, True)]}/{pred[(False, True)] + pred[(False, False)]}."
    )
    sections.append(s)

    head.lines.append(
        f"Verdict agreement {total_agree}/{total} ({pct(total_agree, total)}); recall on checkable defects the reviewer named: "
        f"{sum(1 for lg, d in named if caught_by_code(d, lg.findings))}/{len(named)} by code, "
        f"{sum(1 for lg, d in named if caught_by_code(d, lg.findings) or caught_near(d, lg.findings))}/{len(named)} by code or near "
        f"(target 90%)."
    )
    where = f" --corpus {corpus}" if corpus else ""
    head.lines.append(f"Regenerate: `python -m linter.bench.corpus{where} --jobs {jobs}` (add `--markdown` for this page).")
    return sections


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m linter.bench.corpus", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None, help="corpus directory with manifest.jsonl and logs/")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--markdown", action="store_true", help="print a markdown section for docs/benchmarks.md")
    args = parser.parse_args(argv)
    corpus = args.corpus or (DEFAULT_CORPUS if (DEFAULT_CORPUS / "manifest.jsonl").exists() else FALLBACK_CORPUS)
    manifest = read_jsonl(corpus / "manifest.jsonl")
    labels = {row["id"]: row for row in read_jsonl(args.labels)} if args.labels.exists() else {}
    logs = [Log(r["id"], r["validator"], bool(r["ready"]), r.get("issue") or "", str(corpus / r["file"]), r.get("outcome"))
            for r in sorted(manifest, key=lambda r: r["id"])]
    for lg in logs:
        lg.label = labels.get(lg.id)
    unknown = sorted(set(labels) - {lg.id for lg in logs})
    results, errors, seconds = run_linter([lg.path for lg in logs], args.jobs)
    for lg in logs:
        lg.result = results.get(lg.path)
        lg.error = errors.get(lg.path)
    listing = subprocess.run([sys.executable, "-m", "linter", "rules", "--format", "json"], capture_output=True, text=True, check=True)
    rule_codes = {r["code"] for r in json.loads(listing.stdout)}
    sections = build(logs, len(labels), rule_codes, args.jobs, seconds, args.corpus)
    if unknown:
        sections[0].lines.append(f"Labels for logs not in the manifest (ignored): {', '.join(unknown)}.")
    refused = [lg for lg in logs if lg.result is None]
    if refused:
        sections[0].lines.append("Refused: " + "; ".join(f"`{lg.id}`: {short(lg.error or 'no result', 120)}" for lg in refused))
    sys.stdout.write(render(sections, args.markdown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
