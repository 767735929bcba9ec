"""kerslake-analysis: improvement-plan documents as tidy, auditable data and period reports."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kerslake-analysis")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
