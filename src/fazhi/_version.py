"""The single source of fazhi's version (read by the build backend and by ``fazhi.__version__``)."""

__version__ = "0.1.0"
