"""The built-in rules, registered through the same pluggy hooks a third-party plugin uses."""
from __future__ import annotations

from importlib import import_module

from linter import hookimpl

# One module per rule family; the order does not matter: rules are sorted by code.
_MODULE_NAMES = (
    "base",
    "calls",
    "cli_contracts",
    "config_contracts",
    "derived",
    "filler",
    "hydra_contract",
    "hydra_startup",
    "imports",
    "io_contracts",
    "main_process",
    "placeholders",
    "robustness",
    "run_variations",
    "runnable",
    "structure",
    "suppression",
)
_MODULES = tuple(import_module(f"{__name__}.{name}") for name in _MODULE_NAMES)


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
