"""fazhi-indicators: quantitative indicators from 法治政府建设 reports, as a fazhi plugin.

Installing the distribution is all it takes: fazhi finds it through the
``fazhi`` entry-point group and registers the ``indicators`` classifier::

    import fazhi

    clf = fazhi.get_classifier("indicators")
    for p in clf.classify(fazhi.parse(text)):
        print(p.data["what"], p.data["value"], p.data["unit"], p.data["qualifier"])

The extraction itself (:func:`extract_indicators`) needs no fazhi document.
"""

from __future__ import annotations

# the same object as ``fazhi.hookimpl``; imported from its module so type checkers see its type
from fazhi.hookspecs import RegisterClassifier, hookimpl

from fazhi_indicators.extract import KINDS, Indicator, extract_indicators, parse_chinese_number

__version__ = "0.1.0"

#: The fazhi plugin API this plugin is written for (see ``fazhi.hookspecs.PLUGIN_API_VERSION``).
FAZHI_PLUGIN_API = 1

__all__ = [
    "FAZHI_PLUGIN_API",
    "KINDS",
    "Indicator",
    "IndicatorClassifier",
    "__version__",
    "extract_indicators",
    "parse_chinese_number",
    "register_classifiers",
]


@hookimpl
def register_classifiers(register: RegisterClassifier) -> None:
    """Register the ``indicators`` classifier (the class is its own zero-argument factory)."""
    from fazhi_indicators.classifier import IndicatorClassifier

    register("indicators", IndicatorClassifier)


def __getattr__(name: str) -> object:
    if name == "IndicatorClassifier":
        from fazhi_indicators.classifier import IndicatorClassifier

        return IndicatorClassifier
    raise AttributeError(f"module 'fazhi_indicators' has no attribute {name!r}")
