"""Errors that end a run with exit status 2 and a one-line reason."""


class ExpLintError(Exception):
    """Raised for unreadable input, bad usage or bad configuration. Never a traceback."""


class InputError(ExpLintError):
    """The input cannot be read as a bundle, a JSON bundle or a prompt log."""


class ConfigError(ExpLintError):
    """The configuration is invalid (unknown key, bad value, unknown rule)."""


class PluginError(ExpLintError):
    """A plugin could not be loaded or declared a rule code that is already taken."""
