"""Resource limits: what exp-lint reads and analyses at most, so hostile input cannot exhaust it.

A file over a limit is not analysed and reported as a finding (EXP729 analysis-limit, an
error: nothing can vouch for a file nobody checked); input the loader refused is reported as
EXP108. Documented in docs/limits.md; tests/test_limits.py keeps the two in step and checks
that each limit holds in time and memory.
"""

# -- reading ----------------------------------------------------------------------------------
MAX_INPUT_BYTES = 64_000_000  # a JSON bundle or prompt log read whole
MAX_FILE_BYTES = 2_000_000  # one bundle file; a larger one is not read
MAX_FILES = 200  # files of one bundle (directory, JSON bundle or log); the rest are not read
MAX_BUNDLE_BYTES = 8_000_000  # text of one bundle in all; files past it (in path order) are not read

# -- Python (LibCST) ----------------------------------------------------------------------------
MAX_PYTHON_LINES = 10_000  # lines of one Python file parsed with LibCST (~1.5 s at this size)
MAX_PYTHON_BYTES = 400_000  # bytes of one Python file parsed with LibCST
MAX_BUNDLE_PYTHON_BYTES = 1_500_000  # Python parsed per bundle, in path order; the rest is not parsed
MAX_NESTING = 100  # bracket depth of Python and flow-collection depth of YAML, checked before parsing
MAX_PYTHON_DEPTH = 200  # syntax-tree depth (nested expressions, blocks); LibCST recurses per level

# -- YAML -------------------------------------------------------------------------------------
MAX_YAML_NODES = 200_000  # nodes of one YAML document after alias expansion (billion laughs)
MAX_YAML_DEPTH = 100  # nesting depth of one YAML document (block or flow)
