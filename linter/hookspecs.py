"""The hooks a plugin implements. Every hook is optional.

Write a module with functions marked ``@linter.hookimpl`` and expose it in your
package's entry points under the group ``exp_lint``::

    [project.entry-points.exp_lint]
    my_rules = "my_package.plugin"

exp-lint calls every implementation of a hook and merges the results in plugin-name
order, never in registration order, so output does not depend on which plugin loaded
first. Set ``EXP_LINT_DISABLE_PLUGIN_AUTOLOAD=1`` to load only the built-in rules;
block one plugin with ``--disable-plugin NAME`` or ``disable-plugins`` in configuration.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

import pluggy

if TYPE_CHECKING:
    from .profiles import Profile
    from .rule import Rule

PROJECT = "exp_lint"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def exp_lint_rules() -> Sequence[type["Rule"]]:
    """Return the rule classes this plugin provides.

    :return: rule classes (subclasses of :class:`linter.rule.Rule`). A code or name
        that another plugin already declared stops loading with an error that names both.
    """


@hookspec
def exp_lint_profiles() -> Sequence["Profile"]:
    """Return extra profiles (required files, allowed files, verdict keys).

    :return: :class:`linter.profiles.Profile` objects; a name that already exists is an error.
    """


@hookspec
def exp_lint_import_map() -> Mapping[str, str]:
    """Return import names mapped to the distribution that provides them.

    :return: e.g. ``{"cv2": "opencv-python"}`` (a list of distributions means "any of";
        dotted keys such as ``"google.protobuf"`` match longer imports first); merged over the built-in table, later
        plugin names winning, and under ``[tool.exp-lint] import-map`` from configuration.
    """


@hookspec
def exp_lint_removed_apis() -> Sequence[Mapping[str, str]]:
    """Return library names removed in some version (the known-removed API table).

    :return: mappings with keys ``module``, ``name``, ``distribution``, ``removed_in``
        and ``replacement``, as in ``rules/data/removed_apis.toml``.
    """


@hookspec
def exp_lint_placeholder_patterns() -> Sequence[str]:
    """Return extra regular expressions that mark unfinished code (like ``TODO``).

    :return: Python regular expressions; a match anywhere in a file is a placeholder finding.
    """
