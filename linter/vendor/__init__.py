"""Code generated from third-party packages, committed so that it costs nothing at run time.

``pyproject_validator/`` is validate-pyproject's PEP 621 / setuptools validator pre-compiled
with ``validate_pyproject.pre_compile`` -- the way setuptools ships it
(``setuptools/config/_validate_pyproject``). Compiling the JSON schema at run time costs
about 0.3 s in every process; the generated module loads from its ``.pyc`` in milliseconds.
The files are MPL-2.0 (validate-pyproject) and BSD-3-Clause (fastjsonschema): see
``pyproject_validator/NOTICE``. Do not edit them; regenerate with ``python -m linter.vendor``
after upgrading validate-pyproject (``tests/test_vendored_validator.py`` fails while the
committed copy differs from what the installed version generates). The generator applies
``PATCHES`` (in ``__main__``) to ``formats.py``, marked "exp-lint patch" there: ``packaging``
loads on first use, and common requirement strings are answered without it (``lazy.py``).
"""
