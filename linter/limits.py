"""Resource limits: what exp-lint reads at most, so hostile input cannot exhaust it.

Anything over a limit is skipped and reported as a finding (EXP108), never a crash.
Documented in docs/limits.md; a test keeps the two in step.
"""

MAX_FILE_BYTES = 2_000_000  # a bundle file larger than this is not parsed
MAX_FILES = 500  # files read from one bundle directory
MAX_INPUT_BYTES = 64_000_000  # a JSON bundle or prompt log
MAX_PYTHON_LINES = 20_000  # lines of one Python file parsed with LibCST
MAX_NESTING = 100  # bracket / indentation depth of Python and YAML before parsing is refused
MAX_YAML_NODES = 200_000  # nodes of one YAML document after alias expansion
