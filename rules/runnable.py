"""EXP7xx: runnable as written. The pipeline starts a bundle with ``uv run python -m src.main``
(and ``uv run python -m src.evaluate``): whatever stops that command before the first line of
the experiment runs is found here: pyproject.toml that uv refuses or installs nothing from,
YAML that does not load as the code loads it, modules that do nothing when run.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

import libcst as cst
import yaml

from linter.findings import Location, Severity
from linter.parsing.cst_helpers import call_name, dotted_name, string_value
from linter.facts.memo import shared
from linter.parsing.pep508 import allows, simple_requirement, simple_specifiers
from linter.profiles import EIGHT_FILE_PROFILES
from linter.rule import Invalid, Report, Rule, Valid
from linter.source import PYTHON, YAML

PYPROJECT = "pyproject.toml"

_PYPROJECT_OK = """[project]
name = "mlp-dropout-study"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = ["torch>=2.0", "numpy>=1.24", "pyyaml>=6.0", "matplotlib>=3.7"]
"""


# -- pyproject helpers ----------------------------------------------------------------------------
def _pyproject(bundle):
    parsed = bundle.toml(PYPROJECT)
    if parsed is None or parsed.data is None:
        return None, None
    return parsed, parsed.data


def _key_line(parsed, parts: list[str]) -> int | None:
    """Line of the TOML key at ``parts`` (a header ``[a.b]`` or ``b = ...`` inside ``[a]``)."""
    for k in range(len(parts), 0, -1):
        table = ".".join(parts[:k])
        line = parsed.line_of(table) if k == len(parts) else None
        if line is None and k < len(parts):
            line = parsed.line_of(table, parts[k])
        if line is not None:
            return line
    return None


def _item_line(parsed, parts: list[str], text: str) -> int | None:
    """Line of the string ``text`` in the array at ``parts`` (first match after its key)."""
    start = _key_line(parsed, parts) or 1
    lines = parsed.text.splitlines()
    for i in range(start - 1, len(lines)):
        if text in lines[i]:
            return i + 1
    return start


def _validator():
    # validate-pyproject's validator pre-compiled (linter/vendor, as setuptools vendors it):
    # compiling its JSON schema at run time cost ~0.3 s per process. Imported on first use
    # only; the schemas are inside the generated code, so validation runs offline. Only the
    # built-in PEP 621 / setuptools schemas are used, so an installed plugin can neither
    # change results nor fetch a schema.
    from linter.vendor.pyproject_validator import FORMAT_FUNCTIONS, validate

    # Its classifier check downloads the list from PyPI when trove-classifiers is not
    # installed: never go online, and give the same answer in every environment. Build
    # back-ends do not check classifiers either, so a typo there never stops a run.
    FORMAT_FUNCTIONS["trove-classifier"] = _any_classifier
    return validate


def _any_classifier(value: str) -> bool:
    return True


_REQUIRED = {("project", "name"): "placeholder", ("project", "version"): "0"}
_INDEX = re.compile(r"\[(\d+)\]")


def _error_parts(name: str) -> list[str]:
    """``project.authors[0].email`` -> ['project', 'authors', '0', 'email']."""
    name = name.strip("`").removeprefix("data.")
    return [p for p in _INDEX.sub(r".\1", name).split(".") if p]


def _delete(data: Any, parts: list[str]) -> bool:
    """Remove the value at ``parts`` so validation can go on to the next error."""
    node = data
    for part in parts[:-1]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    last = parts[-1] if parts else None
    if isinstance(node, dict) and last in node:
        del node[last]
        return True
    if isinstance(node, list) and last is not None and last.isdigit() and int(last) < len(node):
        del node[int(last)]
        return True
    return False


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _dependency_arrays(data: dict) -> Iterator[tuple[list[str], Any]]:
    """(key path, value) of every place PEP 621 / 735 expects a list of requirement strings."""
    project = data.get("project")
    if isinstance(project, dict):
        if "dependencies" in project:
            yield ["project", "dependencies"], project["dependencies"]
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            for extra, value in optional.items():
                yield ["project", "optional-dependencies", str(extra)], value
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        for group, value in groups.items():
            yield ["dependency-groups", str(group)], value


def _requirement_problem(text: str) -> str | None:
    if simple_requirement(text):  # the common forms, without importing packaging (~15 ms)
        return None
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        Requirement(text)
    except InvalidRequirement as exc:
        try:  # uv accepts a trailing comma after the version ("torch>=2.0,"): not worth a finding
            Requirement(text.rstrip().rstrip(","))
            return None
        except InvalidRequirement:
            return str(exc).splitlines()[0]
    return None


class PyprojectInvalid(Rule):
    """## What it does
    Validates `pyproject.toml` against PEP 621 and the packaging specifications with the
    `validate-pyproject` library (the validator setuptools itself runs), and checks that
    `requires-python` is a version specifier uv can read.

    ## Why is this bad?
    `uv run` reads `pyproject.toml` before anything else: it refuses a project whose name is
    not a valid package name, that has no `version`, or whose `requires-python` does not parse
    (`"3.9"` instead of `">=3.9"`), and a build backend (setuptools, hatchling) rejects every
    other PEP 621 error when uv installs the project. The run stops before its first line.
    Errors uv ignores when it does not build the project (no `[build-system]`) are warnings.

    ## Use instead
    ```toml
    [project]
    name = "my-experiment"
    version = "0.1.0"
    requires-python = ">=3.10"
    dependencies = ["torch>=2.0"]
    ```
    """

    code = "EXP701"
    name = "pyproject-invalid"
    summary = "pyproject.toml is not valid by PEP 621 and the packaging specifications."
    valid = (Valid(),)
    invalid = (
        Invalid({PYPROJECT: _PYPROJECT_OK.replace('name = "mlp-dropout-study"', 'name = "mlp dropout study"')}, "pyproject.toml:2"),
        Invalid({PYPROJECT: _PYPROJECT_OK.replace('version = "0.1.0"\n', "")}, "pyproject.toml:1", title="no version"),
        Invalid({PYPROJECT: _PYPROJECT_OK.replace('">=3.10"', '"3.10"')}, "pyproject.toml:4", title="requires-python"),
    )
    # Fatal even when uv does not build the project: uv's own reading of [project] refuses them.
    _UV_READS = ("name", "version", "requires-python", "dependencies", "optional-dependencies")

    def check(self, bundle):
        parsed, data = _pyproject(bundle)
        if data is None:
            return
        builds = isinstance(data.get("build-system"), dict)
        found: list[tuple[list[str], str]] = []
        project = data.get("project")
        if isinstance(project, dict) and isinstance(project.get("requires-python"), str) \
                and simple_specifiers(project["requires-python"]) is None:
            from packaging.specifiers import InvalidSpecifier, SpecifierSet

            try:
                SpecifierSet(project["requires-python"])
            except InvalidSpecifier:
                found.append((["project", "requires-python"],
                              f"requires-python {project['requires-python']!r} is not a version specifier (write for example '>=3.10')"))
        # Dependency shapes and requirement strings have their own rules (EXP702, EXP704):
        # validate a copy without them, so each problem is reported once.
        work = _copy(data)
        for parts, value in list(_dependency_arrays(work)):
            if isinstance(value, list):
                value[:] = [v for v in value if isinstance(v, str) and _requirement_problem(v) is None]
            else:
                _delete(work, parts)
        if found and isinstance(work.get("project"), dict):
            work["project"].pop("requires-python", None)
        for _ in range(12):  # validation stops at the first error: drop it and go on
            try:
                _validator()(work)
                break
            except Exception as exc:  # validate_pyproject.error_reporting.ValidationError
                name = getattr(exc, "name", None)
                if not isinstance(name, str):
                    break
                parts = _error_parts(name)
                message = str(getattr(exc, "message", None) or exc).splitlines()[0].strip()
                found.append((parts, message))
                if tuple(parts) in _REQUIRED:  # a stand-in, so its absence is not reported next
                    work["project"][parts[1]] = _REQUIRED[tuple(parts)]
                elif not _delete(work, parts) and not (parts and _delete(work, parts[:-1])):
                    break
        for parts, message in found:
            line = _key_line(parsed, parts) or 1
            fatal = builds or (len(parts) >= 2 and parts[0] == "project" and parts[1] in self._UV_READS) or parts == ["project"]
            consequence = "uv refuses to start the run" if fatal else "a build backend would reject it"
            yield Report(PYPROJECT, f"pyproject.toml is invalid: {message.rstrip('.')}; {consequence}, so fix it as PEP 621 specifies.",
                         line=line, severity=None if fatal else Severity.WARNING)


class DependenciesNotAList(Rule):
    """## What it does
    Reports `[project.dependencies]` (or an optional-dependencies extra, or a dependency
    group) written as a table or a string instead of a list of requirement strings.

    ## Why is this bad?
    PEP 621 requires an array of PEP 508 strings. Poetry-style tables such as
    `[project.dependencies]` / `torch = ">=2.0"` make uv stop at once with
    `invalid type: map, expected a sequence`, and nothing gets installed.

    ## Use instead
    ```toml
    [project]
    dependencies = ["torch>=2.0", "numpy>=1.24"]
    ```
    """

    code = "EXP702"
    name = "dependencies-not-a-list"
    summary = "Dependencies are a table or string, not a list of requirement strings."
    valid = (Valid(),)
    invalid = (
        Invalid({PYPROJECT: '[project]\nname = "mlp-dropout-study"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n\n'
                 '[project.dependencies]\ntorch = ">=2.0"\nnumpy = ">=1.24"\npyyaml = ">=6.0"\nmatplotlib = ">=3.7"\n'},
                "pyproject.toml:6"),
    )

    def check(self, bundle):
        parsed, data = _pyproject(bundle)
        if data is None:
            return
        for parts, value in _dependency_arrays(data):
            where = ".".join(parts)
            if isinstance(value, dict):
                items = ", ".join(f'"{k}{v if isinstance(v, str) and v[:1] in "<>=!~" else ""}"' for k, v in list(value.items())[:3])
                yield Report(PYPROJECT, f"{where} is a table, but PEP 621 needs a list of requirement strings: uv stops with "
                             f"'invalid type: map, expected a sequence'; write {parts[-1]} = [{items}{', ...' if len(value) > 3 else ''}].",
                             line=_key_line(parsed, parts) or 1)
            elif not isinstance(value, list):
                yield Report(PYPROJECT, f"{where} is a {type(value).__name__}, but PEP 621 needs a list of requirement strings, "
                             f"which uv refuses to read otherwise; write {parts[-1]} = [\"package>=version\", ...].",
                             line=_key_line(parsed, parts) or 1)
            else:
                for item in value:
                    if not isinstance(item, str):
                        yield Report(PYPROJECT, f"{where} holds a {type(item).__name__} where a requirement string is expected, "
                                     f"which uv refuses to read; write each dependency as a string such as \"torch>=2.0\".",
                                     line=_key_line(parsed, parts) or 1)
                        break


class PoetryOnlyDependencies(Rule):
    """## What it does
    Reports dependencies declared only under `[tool.poetry.dependencies]` (or Poetry groups)
    while `[project]` declares none.

    ## Why is this bad?
    `uv run` installs what `[project].dependencies` lists and ignores Poetry's tables, so the
    run starts in an environment without torch or numpy and dies at the first import.

    ## Use instead
    List the packages under `[project]` as PEP 508 strings:
    `dependencies = ["torch>=2.0", "numpy>=1.24"]`.
    """

    code = "EXP703"
    name = "poetry-only-dependencies"
    summary = "Dependencies exist only under [tool.poetry], which uv run does not install."
    valid = (Valid(),)
    invalid = (
        Invalid({PYPROJECT: '[tool.poetry]\nname = "mlp-dropout-study"\nversion = "0.1.0"\n\n'
                 '[tool.poetry.dependencies]\npython = "^3.10"\ntorch = "^2.0"\nnumpy = "^1.24"\npyyaml = "^6.0"\nmatplotlib = "^3.7"\n'},
                "pyproject.toml:5"),
    )

    def check(self, bundle):
        parsed, data = _pyproject(bundle)
        if data is None:
            return
        poetry = (data.get("tool") or {}).get("poetry") if isinstance(data.get("tool"), dict) else None
        if not isinstance(poetry, dict):
            return
        declared = poetry.get("dependencies")
        names = sorted(k for k in declared if str(k).lower() != "python") if isinstance(declared, dict) else []
        if not names:
            return
        project = data.get("project")
        deps = project.get("dependencies") if isinstance(project, dict) else None
        dynamic = project.get("dynamic", []) if isinstance(project, dict) else []
        if deps or (isinstance(dynamic, list) and "dependencies" in dynamic):
            return
        shown = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
        yield Report(PYPROJECT, f"{shown} are declared only under [tool.poetry.dependencies], which uv run does not install, "
                     f"so the run dies at its first import; list them in [project] dependencies as PEP 508 strings.",
                     line=_key_line(parsed, ["tool", "poetry", "dependencies"]) or 1)


class BadRequirementString(Rule):
    """## What it does
    Reports a dependency string that is not a valid PEP 508 requirement, such as
    `"torch >= 2.0,"`, `"numpy=1.24"` or `"scikit learn"`.

    ## Why is this bad?
    uv cannot read the project's metadata from such a string: it falls back to building the
    project, the build backend rejects the string, and nothing gets installed.

    ## Use instead
    `"numpy==1.24"`, `"torch>=2.0,<3"`, `"scikit-learn>=1.3"`.
    """

    code = "EXP704"
    name = "bad-requirement-string"
    summary = "A dependency string is not a valid PEP 508 requirement."
    valid = (Valid(),)
    invalid = (Invalid({PYPROJECT: _PYPROJECT_OK.replace('"numpy>=1.24"', '"numpy=1.24"')}, "pyproject.toml:5"),)

    def check(self, bundle):
        parsed, data = _pyproject(bundle)
        if data is None:
            return
        for parts, value in _dependency_arrays(data):
            if not isinstance(value, list):
                continue
            for item in value:
                if not isinstance(item, str):
                    continue
                problem = _requirement_problem(item)
                if problem is not None:
                    yield Report(PYPROJECT, f"{item!r} in {'.'.join(parts)} is not a valid PEP 508 requirement ({problem.rstrip('.')}), "
                                 f"so uv cannot install the project; write it like \"numpy>=1.24\".",
                                 line=_item_line(parsed, parts, item) or 1)


# -- requires-python against the code's syntax ------------------------------------------------------
def _lowest_python(spec_text: str) -> tuple[int, int] | None:
    clauses = simple_specifiers(spec_text)
    if clauses is not None:  # ">=3.10"-style: no need to import packaging
        def contains(version: str) -> bool:
            return allows(clauses, tuple(int(n) for n in version.split(".")))
    else:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        try:
            spec = SpecifierSet(spec_text)
        except InvalidSpecifier:
            return None

        def contains(version: str) -> bool:
            return spec.contains(version, prereleases=True)
    for minor in range(0, 20):
        if any(contains(f"3.{minor}.{patch}") for patch in (0, 5, 99)):
            return (3, minor)
    return None


def _future_annotations(index) -> bool:
    for node in index.of(cst.ImportFrom):
        if dotted_name(node.module) == "__future__" and not isinstance(node.names, cst.ImportStar):
            if any(isinstance(a.name, cst.Name) and a.name.value == "annotations" for a in node.names):
                return True
    return False


def _is_union(expr) -> bool:
    return isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr)


def _typeish(expr) -> bool:
    if _is_union(expr):
        return _typeish(expr.left) and _typeish(expr.right)
    if isinstance(expr, cst.Name):
        return expr.value[:1].isupper() or expr.value in {"int", "float", "str", "bool", "bytes", "list", "dict", "tuple", "set", "None", "object", "type", "complex", "frozenset"}
    if isinstance(expr, cst.Attribute):
        return expr.attr.value[:1].isupper()
    if isinstance(expr, cst.Subscript):
        return _typeish(expr.value)
    return False


_BUILTIN_GENERICS = {"list", "dict", "tuple", "set", "frozenset", "type"}


def _runtime_annotations(index) -> Iterator[cst.BaseExpression]:
    """Annotations Python evaluates when the module runs: parameters, returns, module and class variables."""
    for param in index.of(cst.Param):
        if param.annotation is not None:
            yield param.annotation.annotation
    for func in index.of(cst.FunctionDef):
        if func.returns is not None:
            yield func.returns.annotation
    for node in index.of(cst.AnnAssign):
        if index.enclosing(node, cst.FunctionDef) is None:
            yield node.annotation.annotation


def _syntax_needs(index) -> Iterator[tuple[tuple[int, int], str, cst.CSTNode]]:
    """(minimum Python, what, node) for the first use of each version-bound construct."""
    for node in index.of(cst.Match)[:1]:
        yield (3, 10), "a match statement", node
    for node in index.of(cst.TryStar)[:1]:
        yield (3, 11), "except*", node
    for node in index.of(cst.TypeAlias)[:1]:
        yield (3, 12), "a type alias statement", node
    for node in index.of(cst.TypeParameters)[:1]:
        yield (3, 12), "type parameter syntax", node
    if not _future_annotations(index):
        union = generic = None
        for annotation in _runtime_annotations(index):
            for sub in [annotation, *(_sub for _sub in _walk(annotation))]:
                if union is None and _is_union(sub) and _typeish(sub):
                    union = sub
                if generic is None and isinstance(sub, cst.Subscript) and isinstance(sub.value, cst.Name) and sub.value.value in _BUILTIN_GENERICS:
                    generic = sub
        if union is not None:
            yield (3, 10), "an `X | Y` type union in an annotation Python evaluates at run time", union
        if generic is not None:
            yield (3, 9), f"the builtin generic `{generic.value.value}[...]` in an annotation Python evaluates at run time", generic
    for call in index.of(cst.Call):
        if call_name(call) in ("isinstance", "issubclass") and len(call.args) == 2 and _is_union(call.args[1].value) and _typeish(call.args[1].value):
            yield (3, 10), f"`{call_name(call)}` with an `X | Y` union", call
            break


def _walk(node):
    from linter.parsing.walk import walk

    return walk(node)


class RequiresPythonContradiction(Rule):
    """## What it does
    Compares the lowest Python that `requires-python` admits with the syntax the code uses:
    `match` statements and `X | Y` unions in annotations evaluated at run time (3.10),
    builtin generics such as `list[int]` in such annotations (3.9), `except*` (3.11),
    `type` aliases and type-parameter syntax (3.12).

    ## Why is this bad?
    uv resolves and may run the project on the lowest version `requires-python` allows; the
    code then fails with a `SyntaxError` or a `TypeError` at import. The declaration is also
    what readers and tools trust.

    ## Use instead
    Raise `requires-python` (for example to `">=3.10"`), or add
    `from __future__ import annotations` for annotation-only constructs.
    """

    code = "EXP705"
    name = "requires-python-contradiction"
    summary = "requires-python admits a Python older than the code's syntax needs."
    severity = Severity.WARNING
    valid = (
        Valid(),
        Valid({"src/model.py": "from __future__ import annotations\n\n\ndef scale(x: int | None) -> list[int]:\n    return [x or 0]\n",
               PYPROJECT: _PYPROJECT_OK.replace(">=3.10", ">=3.8")}, title="future annotations"),
    )
    invalid = (
        Invalid({"src/preprocess.py": "def pick(kind):\n    match kind:\n        case 'a':\n            return 1\n        case _:\n            return 0\n",
                 PYPROJECT: _PYPROJECT_OK.replace(">=3.10", ">=3.8")}, "src/preprocess.py:2"),
        Invalid({"src/model.py": "def scale(x: int | None = None) -> float:\n    return float(x or 0)\n",
                 PYPROJECT: _PYPROJECT_OK.replace(">=3.10", ">=3.9")}, "src/model.py:1", title="union"),
    )

    def check(self, bundle):
        parsed, data = _pyproject(bundle)
        if data is None or not isinstance(data.get("project"), dict):
            return
        spec = data["project"].get("requires-python")
        if not isinstance(spec, str):
            return
        lowest = _lowest_python(spec)
        if lowest is None:
            return
        spec_line = _key_line(parsed, ["project", "requires-python"])
        for path, index in bundle.modules():
            for needed, what, node in shared(index, "syntax needs", lambda: tuple(_syntax_needs(index))):
                if needed > lowest:
                    yield Report(path, f"{path} uses {what}, which needs Python {needed[0]}.{needed[1]}, but requires-python "
                                 f"{spec!r} admits Python {lowest[0]}.{lowest[1]}; raise requires-python to '>={needed[0]}.{needed[1]}'.",
                                 node=node, related=(Location(PYPROJECT, spec_line),) if spec_line else ())


RULES = (PyprojectInvalid, DependenciesNotAList, PoetryOnlyDependencies, BadRequirementString, RequiresPythonContradiction)


# -- YAML --------------------------------------------------------------------------------------------
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def _mappings(root: yaml.Node) -> Iterator[yaml.MappingNode]:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            yield node
            stack.extend(c for pair in reversed(node.value) for c in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))


def _omegaconf_loaded(bundle, path: str) -> bool:
    return bundle.profile.name == "hydra" and path.startswith("config/")


class YamlTemplateSyntax(Rule):
    """## What it does
    Reports Jinja-style template syntax (`{{ ... }}`, `{% ... %}`) left in a YAML config.

    ## Why is this bad?
    Nothing renders the template before the code loads the file: an unquoted `{{ lr }}` is a
    YAML error (a mapping used as a key), a quoted one becomes the literal string
    `"{{ lr }}"` that fails later, far from its cause.

    ## Use instead
    Write the value itself (`lr: 0.001`); for Hydra bundles, OmegaConf's `${other.key}`
    interpolation refers to another key.
    """

    code = "EXP712"
    name = "yaml-template-syntax"
    summary = "Template syntax ({{ }}, {% %}) left in a YAML config."
    valid = (Valid(),)
    invalid = (Invalid({"config/full_experiment.yaml": "runs:\n  - run_id: baseline\n    lr: \"{{ learning_rate }}\"\n"}, "config/full_experiment.yaml:3"),)

    def check(self, bundle):
        for path in bundle.paths(YAML):
            source = bundle.files[path]
            if source.text is None or ("{{" not in source.text and "{%" not in source.text):
                continue
            hits = [(number, m) for number, line in enumerate(source.lines, 1)
                    if not line.lstrip().startswith("#") for m in [_TEMPLATE.search(line)] if m]
            if hits:  # one finding per file: a templated file is one mistake, not one per line
                number, match = hits[0]
                more = f" (and on {len(hits) - 1} more lines)" if len(hits) > 1 else ""
                yield Report(path, f"{path} holds template syntax {match.group()[:60]!r}{more} that nothing renders before the code "
                             f"loads it; write the values themselves.", line=number, column=match.start() + 1)


class YamlDuplicateKey(Rule):
    """## What it does
    Reports a key that appears twice in the same YAML mapping.

    ## Why is this bad?
    PyYAML's `safe_load` silently keeps the last value, so the first one (often the one
    the author edited) never takes effect; OmegaConf, which Hydra bundles load their config
    with, refuses the file outright (`found duplicate key`). Errors in Hydra bundles,
    warnings elsewhere.

    ## Use instead
    Keep one entry per key.
    """

    code = "EXP713"
    name = "yaml-duplicate-key"
    summary = "A YAML mapping has the same key twice."
    severity = Severity.WARNING
    valid = (Valid(),)
    invalid = (
        Invalid({"config/smoke_test.yaml": "runs:\n  - run_id: baseline\n    epochs: 1\n    epochs: 2\n"}, "config/smoke_test.yaml:4"),
        Invalid({"config/config.yaml": "defaults:\n  - _self_\n\nrun: null\nresults_dir: ./results\nmode: full\nmode: trial\n"
                 "\nwandb:\n  entity: exp-lint-examples\n  project: mlp-dropout-study\n  mode: online\n"},
                "config/config.yaml:7", profile="hydra", title="hydra"),
    )

    def check(self, bundle):
        for path in bundle.paths(YAML):
            parsed = bundle.yaml(path)
            if parsed is None or parsed.root is None:
                continue
            strict = _omegaconf_loaded(bundle, path)
            for mapping in _mappings(parsed.root):
                first: dict[str, yaml.Node] = {}
                for key, _ in mapping.value:
                    if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
                        continue
                    if key.value in first:
                        earlier = first[key.value].start_mark.line + 1
                        consequence = ("OmegaConf refuses the file ('found duplicate key')" if strict
                                       else "PyYAML silently keeps this last value and drops the one on line " + str(earlier))
                        yield Report(path, f"Key {key.value!r} appears twice in the same mapping of {path} (lines {earlier} and "
                                     f"{key.start_mark.line + 1}): {consequence}; keep one.", node=key,
                                     severity=Severity.ERROR if strict else None,
                                     related=(Location(path, earlier),))
                    else:
                        first[key.value] = key


RULES = RULES + (YamlTemplateSyntax, YamlDuplicateKey)


# -- entry points ----------------------------------------------------------------------------------------
def _is_main_guard(node) -> bool:
    if type(node) is not cst.If or type(node.test) is not cst.Comparison or len(node.test.comparisons) != 1:
        return False
    left, target = node.test.left, node.test.comparisons[0].comparator
    if not isinstance(node.test.comparisons[0].operator, cst.Equal):
        return False
    names = {dotted_name(left), dotted_name(target)}
    values = {string_value(left), string_value(target)}
    return "__name__" in names and "__main__" in values


def _guard(module: cst.Module):
    return next((s for s in module.body if _is_main_guard(s)), None)


def _top_level_calls(module: cst.Module) -> list[cst.Call]:
    calls = []
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                value = getattr(small, "value", None)
                if isinstance(small, (cst.Expr, cst.Assign, cst.AnnAssign)) and isinstance(value, cst.Call):
                    calls.append(value)
    return calls


def _entry_modules(bundle) -> list[tuple[str, str]]:
    """(path, why) for the modules the pipeline or main.py runs with `python -m`."""
    out = [("src/main.py", "the pipeline runs `python -m src.main`")]
    main_text = bundle.text("src/main.py") or ""
    for name in ("train", "evaluate"):
        path = f"src/{name}.py"
        if re.search(rf"""["']src\.{name}["']|["']src/{name}\.py["']""", main_text):
            out.append((path, f"src/main.py runs it as `python -m src.{name}`"))
        elif name == "evaluate":
            out.append((path, "the pipeline runs `python -m src.evaluate`"))
    return out


class MissingMainGuard(Rule):
    """## What it does
    Checks that each module the pipeline runs with `python -m` — `src/main.py`,
    `src/evaluate.py`, and `src/train.py` when main launches it as `python -m src.train` —
    starts something when run: an `if __name__ == "__main__":` block (calling the
    Hydra-decorated main in Hydra bundles) or a top-level call.

    ## Why is this bad?
    A module with only definitions exits at once with status 0: the run "succeeds" without
    training or evaluating anything, and the missing results surface much later.

    ## Use instead
    ```python
    if __name__ == "__main__":
        main()
    ```
    """

    code = "EXP721"
    name = "missing-main-guard"
    summary = "A module the pipeline runs with `python -m` has no entry point."
    valid = (Valid(), Valid(profile="hydra"))
    invalid = (
        Invalid({"src/evaluate.py": "import argparse\n\n\ndef main() -> None:\n    parser = argparse.ArgumentParser()\n"
                 "    parser.add_argument('--results-dir', required=True)\n    parser.parse_args()\n"}, "src/evaluate.py"),
    )

    def check(self, bundle):
        for path, why in _entry_modules(bundle):
            parsed = bundle.python(path)
            if parsed is None or parsed.module is None:
                continue
            module = parsed.module
            if _guard(module) is not None or _top_level_calls(module):
                continue
            if not any(isinstance(s, (cst.FunctionDef, cst.ClassDef)) for s in module.body):
                continue  # an empty or placeholder module is another rule's finding
            yield Report(path, f"{path} has no `if __name__ == \"__main__\":` block, but {why}: it would define its functions and "
                         f"exit without doing anything; add the block and call main() in it.", line=1)


def _called_names(index, node) -> set[str]:
    return {n.value for n in index.below(node, cst.Name)}


def _reaches(index, module: cst.Module, guard, functions: dict, owners: list[str]) -> bool:
    """Whether a function in ``owners`` is named in a top-level statement other than a `def`
    (the guard, top-level code, classes), or in the body of a function reached that way.
    The search starts from the guard, which usually calls main, and stops at the first
    owner reached: the answer is the same as from the whole closure."""
    targets = set(owners)
    reached: set[str] = set()
    roots = [guard] + [s for s in module.body if s is not guard and not isinstance(s, cst.FunctionDef)]
    for root in roots:
        frontier = _called_names(index, root) - reached
        while frontier:
            name = frontier.pop()
            if name in reached:
                continue
            reached.add(name)
            if name in targets:
                return True
            if name in functions:
                frontier |= _called_names(index, functions[name].body) - reached
    return False


class ParserUnreachable(Rule):
    """## What it does
    Reports an argument parser whose `parse_args()` runs only inside functions that nothing
    reachable from the module's `if __name__ == "__main__":` block (or top-level code) calls.

    ## Why is this bad?
    The documented flags (`--smoke-test`, `--results-dir`, ...) are then never read: the
    run ignores them and uses defaults, or fails on a missing value.

    ## Use instead
    Call the function that parses the arguments from `main()`, and `main()` from the
    `__main__` block.
    """

    code = "EXP722"
    name = "parser-unreachable"
    summary = "The argument parser is never reached from the module's entry point."
    valid = (Valid(),)
    invalid = (
        Invalid({"src/evaluate.py": "import argparse\n\n\ndef parse_args():\n    parser = argparse.ArgumentParser()\n"
                 "    parser.add_argument('--results-dir', required=True)\n    return parser.parse_args()\n\n\n"
                 "def main() -> None:\n    print('evaluating results/')\n\n\nif __name__ == '__main__':\n    main()\n"},
                "src/evaluate.py:7"),
    )

    def check(self, bundle):
        for path, _ in _entry_modules(bundle):
            index = bundle.index(path)
            parsed = bundle.python(path)
            if index is None or parsed is None:
                continue
            module = parsed.module
            guard = _guard(module)
            parses = [c for c in index.of(cst.Call) if type(c.func) is cst.Attribute and c.func.attr.value in ("parse_args", "parse_known_args")]
            if guard is None or not parses:
                continue
            functions = {s.name.value: s for s in module.body if isinstance(s, cst.FunctionDef)}
            owners = []
            for call in parses:
                owner = index.enclosing(call, cst.FunctionDef)
                if owner is None or owner.name.value not in functions or functions[owner.name.value] is not owner:
                    owners = None  # at top level, or in a method or nested function: stay silent
                    break
                owners.append(owner.name.value)
            if not owners:
                continue
            if not _reaches(index, module, guard, functions, owners):
                yield Report(path, f"{path} parses its command line only in {owners[0]}(), which nothing reachable from its "
                             f"`__main__` block calls, so the flags it is run with are ignored; call {owners[0]}() from main().",
                             node=parses[0])


_DOCUMENTED_FLAGS = ("--smoke-test", "--full-experiment", "--results-dir")


class CliSubcommand(Rule):
    """## What it does
    Reports a `src/main.py` or `src/evaluate.py` whose documented flags (`--smoke-test`,
    `--full-experiment`, `--results-dir`) are defined on an argparse subcommand.

    ## Why is this bad?
    The pipeline runs `python -m src.main --smoke-test --results-dir DIR` with no subcommand
    word; argparse then stops with `invalid choice` or `the following arguments are
    required`, before any run starts.

    ## Use instead
    Define the flags on the top-level parser, without `add_subparsers`.
    """

    code = "EXP723"
    name = "cli-subcommand"
    summary = "The documented flags sit under an argparse subcommand."
    profiles = EIGHT_FILE_PROFILES
    valid = (Valid(),)
    invalid = (
        Invalid({"src/main.py": "import argparse\n\n\ndef main() -> None:\n    parser = argparse.ArgumentParser()\n"
                 "    commands = parser.add_subparsers(dest='command', required=True)\n    run = commands.add_parser('run')\n"
                 "    run.add_argument('--smoke-test', action='store_true')\n    run.add_argument('--full-experiment', action='store_true')\n"
                 "    run.add_argument('--results-dir', required=True)\n    args = parser.parse_args()\n    print(args.results_dir)\n\n\n"
                 "if __name__ == '__main__':\n    main()\n"}, "src/main.py:6"),
    )

    def check(self, bundle):
        for path in ("src/main.py", "src/evaluate.py"):
            index = bundle.index(path)
            if index is None:
                continue
            calls = index.of(cst.Call)
            subparsers = [c for c in calls if isinstance(c.func, cst.Attribute) and c.func.attr.value == "add_subparsers"]
            if not subparsers:
                continue
            sub_names = set()
            for assign in index.of(cst.Assign):
                if isinstance(assign.value, cst.Call) and isinstance(assign.value.func, cst.Attribute) and assign.value.func.attr.value == "add_parser":
                    sub_names |= {dotted_name(t.target) for t in assign.targets}
            on_sub = []
            for call in calls:
                if isinstance(call.func, cst.Attribute) and call.func.attr.value == "add_argument" and call.args:
                    flag = string_value(call.args[0].value)
                    if flag in _DOCUMENTED_FLAGS and dotted_name(call.func.value) in sub_names:
                        on_sub.append(flag)
            if on_sub:
                yield Report(path, f"{path} defines {', '.join(sorted(set(on_sub)))} under an argparse subcommand, but the pipeline "
                             f"runs it without a subcommand word, so argparse stops before any run; define the flags on the main parser.",
                             node=subparsers[0])


RULES = RULES + (MissingMainGuard, ParserUnreachable, CliSubcommand)
