"""The built-in rules, registered through the same pluggy hooks a third-party plugin uses."""
from __future__ import annotations

from linter import hookimpl

from . import base, calls, derived, hydra_contract, hydra_startup, imports, io_contracts, placeholders, structure, suppression

_MODULES = (structure, placeholders, imports, calls, io_contracts, base, derived, hydra_startup, hydra_contract, suppression)


def builtin_rules() -> list[type]:
    found = []
    for module in _MODULES:
        found.extend(getattr(module, "RULES", ()))
    return sorted(found, key=lambda r: r.code)


@hookimpl
def exp_lint_rules():
    return builtin_rules()


@hookimpl
def exp_lint_import_map():
    """The built-in import -> distribution table (rules/data/import_map.toml)."""
    return imports.builtin_import_map()


@hookimpl
def exp_lint_removed_apis():
    """The built-in removed-API table (rules/data/removed_apis.toml)."""
    return imports.builtin_removed_apis()
