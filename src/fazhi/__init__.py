"""fazhi (法治): read and analyse Chinese rule-of-law government documents.

The public API is small and every name is loaded lazily (PEP 562), so
``import fazhi`` stays cheap: jieba, scikit-learn and the plugin entry-point
scan are only touched when a function that needs them is first called.

>>> import fazhi
>>> doc = fazhi.parse("关于加强法治政府建设的实施意见\\n\\n一、总体要求\\n\\n坚持依法行政。")
>>> doc.title_text
'关于加强法治政府建设的实施意见'
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from fazhi._version import __version__

# A library never configures logging for its user (textacy, pySBD): attach a
# NullHandler so "No handler found" warnings never appear.
logging.getLogger(__name__).addHandler(logging.NullHandler())

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # documents
    "parse": "fazhi.parsing",
    "read": "fazhi.parsing",
    "Document": "fazhi.document",
    # errors
    "FazhiError": "fazhi.errors",
    "InputError": "fazhi.errors",
    "PluginError": "fazhi.errors",
    # segmentation
    "Segmenter": "fazhi.segmentation",
    "segment": "fazhi.segmentation",
    "keywords": "fazhi.segmentation",
    "KeywordExtractor": "fazhi.segmentation",
    # plugins
    "hookimpl": "fazhi.hookspecs",
    "classifiers": "fazhi.plugins",
    "get_classifier": "fazhi.plugins",
    "Classifier": "fazhi.classifiers.base",
    "Prediction": "fazhi.classifiers.base",
    # classifiers
    "TopicClassifier": "fazhi.classifiers.topic",
    "KeywordTopicClassifier": "fazhi.classifiers.keyword_topic",
    "GenreClassifier": "fazhi.classifiers.genre",
    # analysis
    "analyze": "fazhi.analysis",
    "analyze_many": "fazhi.analysis",
    "Analysis": "fazhi.analysis",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'fazhi' has no attribute {name!r}")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:  # a feature that has not landed yet
        if exc.name == module_name:
            raise AttributeError(
                f"fazhi.{name} is not available in fazhi {__version__} (module {module_name} is missing)"
            ) from exc
        raise
    value = getattr(module, name)
    globals()[name] = value  # cache: __getattr__ is only called once per name
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from fazhi.analysis import Analysis as Analysis
    from fazhi.analysis import analyze as analyze
    from fazhi.analysis import analyze_many as analyze_many
    from fazhi.classifiers.base import Classifier as Classifier
    from fazhi.classifiers.base import Prediction as Prediction
    from fazhi.document import Document as Document
    from fazhi.errors import FazhiError as FazhiError
    from fazhi.errors import InputError as InputError
    from fazhi.errors import PluginError as PluginError
    from fazhi.hookspecs import hookimpl as hookimpl
    from fazhi.parsing import parse as parse
    from fazhi.parsing import read as read
    from fazhi.plugins import classifiers as classifiers
    from fazhi.plugins import get_classifier as get_classifier
