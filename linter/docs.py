"""Rule documentation, generated from each rule's docstring, metadata and examples.

The same text is printed by ``exp-lint explain CODE`` and written to
``docs/rules/CODE.md`` by ``python -m linter.docs``; a test fails when a page is stale.
"""
from __future__ import annotations

import inspect
import sys
from pathlib import Path

from .rule import Example, Rule

REQUIRED_SECTIONS = ("## What it does", "## Why is this bad?", "## Use instead")
DOCS_URL = "https://github.com/exp-lint/exp-lint/blob/main/docs/rules/{code}.md"


def _example_block(example: Example) -> str:
    out = []
    if example.title:
        out.append(example.title + "\n")
    context = []
    if example.profile != "experiment":
        context.append(f"profile `{example.profile}`")
    if example.run_variations:
        context.append("run variations " + ", ".join(f"`{v}`" for v in example.run_variations))
    if example.runs:
        context.append("runs " + ", ".join(f"`{v}`" for v in example.runs))
    if context:
        out.append("With " + "; ".join(context) + ":\n")
    for path, text in sorted(example.files.items()):
        if text is None:
            out.append(f"`{path}` is absent.\n")
            continue
        lang = "python" if path.endswith(".py") else "yaml" if path.endswith((".yaml", ".yml")) else "toml" if path.endswith(".toml") else ""
        out.append(f"`{path}`:\n\n```{lang}\n{text.rstrip()}\n```\n")
    if example.base:
        for path, text in sorted(example.base.items()):
            out.append(f"Base bundle `{path}`:\n\n```\n{(text or '').rstrip()}\n```\n")
    if example.expect:
        out.append("Reported at " + ", ".join(f"`{e}`" for e in example.expect) + ".\n")
    return "\n".join(out)


def rule_page(rule: type[Rule]) -> str:
    doc = inspect.cleandoc(rule.__doc__ or "")
    profiles = ", ".join(sorted(rule.profiles))
    parts = [
        f"# {rule.code} {rule.name}\n",
        f"{rule.summary}\n",
        f"- Severity: {rule.severity.value}\n- Profiles: {profiles}\n",
        doc.strip() + "\n",
    ]
    if rule.options:
        rows = ["## Options\n", "| option | default | meaning |", "|---|---|---|"]
        for name, option in sorted(rule.options.items()):
            rows.append(f"| `{name}` | `{option.default!r}` | {option.help} |")
        parts.append("\n".join(rows) + "\n\nSet them under `[tool.exp-lint.options.\"" + rule.code + "\"]`.\n")
    if rule.invalid:
        parts.append("## Example\n")
        parts.extend(_example_block(e) for e in rule.invalid[:2])
    if rule.valid:
        parts.append("## Passes\n")
        parts.extend(_example_block(e) for e in rule.valid[:2])
    return "\n".join(p.rstrip() + "\n" for p in parts)


def missing_sections(rule: type[Rule]) -> list[str]:
    doc = inspect.cleandoc(rule.__doc__ or "")
    return [s for s in REQUIRED_SECTIONS if s not in doc]


def index_page(rules) -> str:
    rows = ["# Rules\n", "| code | name | severity | profiles | summary |", "|---|---|---|---|---|"]
    for rule in rules:
        rows.append(f"| [{rule.code}]({rule.code}.md) | {rule.name} | {rule.severity.value} | {', '.join(sorted(rule.profiles))} | {rule.summary} |")
    return "\n".join(rows) + "\n"


def write_docs(target: Path) -> list[Path]:
    from .plugins import load_plugins

    plugins = load_plugins(autoload=False)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for rule in plugins.rules.values():
        page = target / f"{rule.code}.md"
        page.write_text(rule_page(rule), encoding="utf-8")
        written.append(page)
    index = target / "README.md"
    index.write_text(index_page(plugins.rules.values()), encoding="utf-8")
    written.append(index)
    for stale in target.glob("*.md"):
        if stale not in written:
            stale.unlink()
    return written


DEMO = "fixtures/examples/broken-bundle"
_DEMO_START = "## What it prints\n\n```text\n"


def demo_output(root: Path) -> str:
    """What `exp-lint fixtures/examples/broken-bundle` prints, run from ``root``."""
    import subprocess

    result = subprocess.run([sys.executable, "-m", "linter", DEMO], capture_output=True, text=True, cwd=root)
    return result.stdout


def readme_demo(readme: str) -> str:
    start = readme.index(_DEMO_START) + len(_DEMO_START)
    return readme[start : readme.index("```", start)]


def refresh_readme(root: Path) -> None:
    path = root / "README.md"
    text = path.read_text(encoding="utf-8")
    old = readme_demo(text)
    path.write_text(text.replace(_DEMO_START + old, _DEMO_START + demo_output(root), 1), encoding="utf-8")


if __name__ == "__main__":  # python -m linter.docs: rule pages and the README's demo output
    root = Path.cwd()
    out = root / "docs" / "rules"
    print(f"wrote {len(write_docs(out))} pages to {out}")
    refresh_readme(root)
    print("refreshed the demo output in README.md")
