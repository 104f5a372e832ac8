"""The version of tm, in a leaf module: internal modules import it from here, never from the package face `tm`
(whose lazy names would import half the library). Keep it equal to `version` in pyproject.toml (a test checks).
"""

__version__ = "0.2.0"
