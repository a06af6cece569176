"""Fast prediction for a fitted :class:`~fazhi.classifiers.topic_model.TopicClassifier`.

scikit-learn's ``TfidfVectorizer.transform`` builds every n-gram of a
paragraph as a Python string and looks it up in a dict, and every
``predict_proba`` call re-validates its input; on a corpus that costs more
than segmenting it. :class:`CompiledTopicModel` computes the same numbers
from the fitted attributes (``vocabulary_``, ``idf_``, ``coef_``,
``intercept_``) with a handful of numpy operations per batch of paragraphs:

* n-grams as integers: a character is its code point, a word its index in the
  vocabulary's token list; an n-gram packs n of them into 21-bit fields of a
  ``uint64`` (so n <= 3), and is looked up in a vectorised hash table of the
  vocabulary's codes;
* TF-IDF exactly as scikit-learn does it (``1 + log(tf)``, times ``idf``,
  l2-normalised per block), as ``(row, column, value)`` triplets;
* topic-lexicon scores from one regex pass per paragraph, whose matches the
  caller keeps as the predictions' evidence;
* the multinomial logistic regression as ``softmax(X @ coef.T + intercept)``,
  summed straight from the triplets (no sparse matrix is built).

The result equals scikit-learn's up to floating-point rounding; a test checks
the feature matrices and probabilities against scikit-learn's own transforms.
Configurations outside that (n-grams longer than 3, a binary model) are
computed by scikit-learn.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import scipy.sparse as sp
    from numpy.typing import NDArray

    from fazhi.classifiers.keyword_topic import LexiconMatch, TopicLexicon
    from fazhi.classifiers.topic_model import TopicClassifier

__all__ = ["CompiledTopicModel"]

# scikit-learn's char analyzer first folds runs of two or more whitespace
# characters into one space (``_VectorizerMixin._white_spaces``).
_WHITE_SPACES = re.compile(r"\s\s+")
#: Paragraphs predicted at a time: a 3.5-million-character document (16,000
#: paragraphs) at once peaked at 1.2 GB, most of it for the feature arrays.
PREDICT_CHUNK = 1024
_BITS = 21  # Unicode code points fit in 21 bits, so three fit in a uint64
_MAX_ID = 1 << _BITS
_MAX_FAST_N = 3

Triplets = tuple["NDArray[np.int64]", "NDArray[np.int64]", "NDArray[np.float64]"]


def _code_points(text: str) -> NDArray[np.uint64]:
    # surrogatepass: a str decoded with surrogateescape still encodes
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(
        np.uint64
    )


_EMPTY = np.uint64(2**64 - 1)  # no code uses the top bit (3 x 21 bits = 63)
_FIBONACCI = np.uint64(11400714819323198485)  # 2**64 / golden ratio


class _CodeTable:
    """A hash table from ``uint64`` codes to columns, looked up a whole array at a time.

    Open addressing with linear probing at a load factor <= 1/4, Fibonacci
    hashing; a lookup is a few vectorised gathers (one per probe, and the
    longest probe sequence is recorded when the table is built). About ten
    times faster than :func:`numpy.searchsorted` on a sorted key array.
    """

    def __init__(self, keys: NDArray[np.uint64], columns: NDArray[np.int64]) -> None:
        bits = max(4, int(np.ceil(np.log2(max(1, len(keys)) * 4))))
        size = 1 << bits
        self.shift = np.uint64(64 - bits)
        self.mask = np.uint64(size - 1)
        slot_keys = np.full(size, _EMPTY, dtype=np.uint64)
        slot_columns = np.full(size, -1, dtype=np.int64)
        longest = 0
        for key, column, slot in zip(
            keys.tolist(), columns.tolist(), self._hash(keys).tolist(), strict=True
        ):
            probes = 0
            while slot_keys[slot] != _EMPTY:
                slot = (slot + 1) & (size - 1)
                probes += 1
            slot_keys[slot] = key
            slot_columns[slot] = column
            longest = max(longest, probes)
        self.keys = slot_keys
        self.columns = slot_columns
        self.longest = longest

    def _hash(self, codes: NDArray[np.uint64]) -> NDArray[np.uint64]:
        return (codes * _FIBONACCI) >> self.shift  # type: ignore[no-any-return]

    def get(self, codes: NDArray[np.uint64]) -> NDArray[np.int64]:
        """The column of each code, -1 for codes not in the table."""
        slots = self._hash(codes)
        found = self.keys[slots]
        out = np.where(found == codes, self.columns[slots], -1)
        # codes that met another key in their slot probe the following slots
        pending = np.flatnonzero((found != codes) & (found != _EMPTY))
        slots = slots[pending]
        wanted = codes[pending]
        for _ in range(self.longest):
            if not len(pending):
                break
            slots = (slots + np.uint64(1)) & self.mask
            found = self.keys[slots]
            hit = found == wanted
            out[pending[hit]] = self.columns[slots[hit]]
            more = ~hit & (found != _EMPTY)
            pending, slots, wanted = pending[more], slots[more], wanted[more]
        return out


class _NgramTable:
    """The codes of a vocabulary's n-grams (one :class:`_CodeTable` per n) and their columns.

    ``units`` splits a vocabulary term into its units (characters or tokens)
    and ``unit_id`` gives a unit's integer (``< 2**21``).
    """

    def __init__(
        self,
        vocabulary: dict[str, int],
        units: Callable[[str], Sequence[str]],
        unit_id: Callable[[str], int],
    ) -> None:
        by_n: dict[int, tuple[list[int], list[int]]] = {}
        for term, column in vocabulary.items():
            parts = units(term)
            code = 0
            for part in parts:
                code = (code << _BITS) | unit_id(part)
            keys, cols = by_n.setdefault(len(parts), ([], []))
            keys.append(code)
            cols.append(column)
        self.tables: dict[int, _CodeTable] = {
            n: _CodeTable(np.asarray(keys, dtype=np.uint64), np.asarray(cols, dtype=np.int64))
            for n, (keys, cols) in sorted(by_n.items())
        }

    def lookup(
        self, ids: NDArray[np.uint64], row_of: NDArray[np.int64], end_of: NDArray[np.int64]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """``(rows, columns)`` of every vocabulary n-gram in the unit sequence ``ids``.

        ``row_of[i]`` is the text unit ``i`` belongs to, ``end_of[i]`` the index
        one past that text's last unit (n-grams never cross texts).
        """
        total = len(ids)
        rows: list[NDArray[np.int64]] = []
        cols: list[NDArray[np.int64]] = []
        positions = np.arange(total, dtype=np.int64)
        for n, table in self.tables.items():
            length = total - n + 1
            if length <= 0:
                continue
            codes = ids[:length].copy()
            for k in range(1, n):
                codes <<= np.uint64(_BITS)
                codes |= ids[k : k + length]
            columns = table.get(codes)
            hit = columns >= 0
            if n > 1:
                hit &= positions[:length] + n <= end_of[:length]
            rows.append(row_of[:length][hit])
            cols.append(columns[hit])
        if not rows:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(rows), np.concatenate(cols)


def _layout(lengths: Sequence[int]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """For units laid end to end: the text each unit belongs to, and that text's end."""
    lens = np.asarray(lengths, dtype=np.int64)
    row_of = np.repeat(np.arange(len(lens), dtype=np.int64), lens)
    end_of = np.repeat(np.cumsum(lens), lens)
    return row_of, end_of


def _tfidf(
    rows: NDArray[np.int64], cols: NDArray[np.int64], n_rows: int, idf: NDArray[np.float64]
) -> Triplets:
    """Sublinear TF-IDF, l2-normalised per row, as ``TfidfVectorizer(sublinear_tf=True)``.

    Returns ``(rows, columns, values)`` sorted by row, then column.
    """
    width = np.int64(len(idf))
    keys, counts = np.unique(rows * width + cols, return_counts=True)
    r = keys // width
    c = keys - r * width
    values = np.log(counts.astype(np.float64))
    values += 1.0
    values *= idf[c]
    norms = np.sqrt(np.bincount(r, weights=values * values, minlength=n_rows))
    norms[norms == 0.0] = 1.0
    values /= norms[r]
    return r, c, values


@dataclass(frozen=True)
class _Block:
    """One TF-IDF block of the features: its n-gram table (or scikit-learn's vectoriser), IDF, coefficients.

    ``encode`` turns texts into the unit ids the table's codes are made of
    (and each text's number of units); ``fallback`` is the fitted
    vectoriser, used when ``table`` is ``None`` (n-grams longer than 3).
    """

    table: _NgramTable | None
    encode: Callable[[Sequence[str]], tuple[NDArray[np.uint64], list[int]]]
    fallback: Any
    idf: NDArray[np.float64]
    coef: NDArray[np.float64]  # (block width, n classes): this block's rows of coef.T

    def triplets(self, texts: Sequence[str]) -> Triplets:
        """Sublinear TF-IDF of ``texts``, l2-normalised, as sorted ``(row, column, value)``."""
        if self.table is None:
            X = self.fallback.transform(list(texts)).tocoo()
            order = np.lexsort((X.col, X.row))
            return (
                X.row[order].astype(np.int64),
                X.col[order].astype(np.int64),
                X.data[order].astype(np.float64),
            )
        ids, lengths = self.encode(texts)
        row_of, end_of = _layout(lengths)
        rows, cols = self.table.lookup(ids, row_of, end_of)
        return _tfidf(rows, cols, len(texts), self.idf)


class CompiledTopicModel:
    """The fitted parts of a :class:`TopicClassifier`, arranged for fast prediction.

    Built by ``TopicClassifier._compiled()`` once per fit or load.
    ``tokenize`` is the tokenizer the word vocabulary was built with.
    """

    def __init__(self, clf: TopicClassifier, tokenize: Callable[[str], list[str]]) -> None:
        self.tokenize = tokenize
        self.lexicon: TopicLexicon = clf.lexicon_
        self.classes = [str(c) for c in clf.classes_]
        lr = clf.lr_
        self.lr = lr
        coef_t = np.ascontiguousarray(np.asarray(lr.coef_, dtype=np.float64).T)
        self.intercept = np.asarray(lr.intercept_, dtype=np.float64)
        # Multinomial (more than two classes): softmax of coef @ x + intercept.
        # A binary model has one row of coefficients and scikit-learn computes it.
        self.multinomial = coef_t.shape[1] == len(self.classes) > 2

        # the feature blocks in the order of the model's columns: words, chars, lexicon
        self.blocks: list[_Block] = []
        offset = 0
        wv = clf.word_vectorizer_
        if wv is not None:
            vocab = dict(wv.vocabulary_)
            # every token of the vocabulary's n-grams gets an id >= 1; 0 is any other token
            self.token_ids: dict[str, int] = {}
            for term in vocab:
                for token in term.split(" "):
                    self.token_ids.setdefault(token, len(self.token_ids) + 1)
            fast = wv.ngram_range[1] <= _MAX_FAST_N and len(self.token_ids) < _MAX_ID
            table = (
                _NgramTable(vocab, lambda t: t.split(" "), self.token_ids.__getitem__)
                if fast
                else None
            )
            self.blocks.append(
                _Block(
                    table,
                    self._encode_words,
                    wv,
                    np.asarray(wv.idf_, np.float64),
                    coef_t[offset : offset + len(vocab)],
                )
            )
            offset += len(vocab)
        cv = clf.char_vectorizer_
        if cv is not None:
            vocab = dict(cv.vocabulary_)
            table = _NgramTable(vocab, list, ord) if cv.ngram_range[1] <= _MAX_FAST_N else None
            self.blocks.append(
                _Block(
                    table,
                    _encode_chars,
                    cv,
                    np.asarray(cv.idf_, np.float64),
                    coef_t[offset : offset + len(vocab)],
                )
            )
            offset += len(vocab)
        self.lexicon_features = clf.lexicon_features_
        self.lexicon_coef = coef_t[offset:]
        # the lexicon scores' settings: the lexicon features', else the defaults the
        # keyword blend uses (the classifier's lead_weight, the default min_score)
        from fazhi.classifiers.topic_model import TopicLexiconFeatures

        settings = self.lexicon_features
        if settings is None:
            settings = TopicLexiconFeatures(lead_weight=clf.lead_weight)
        self.lead_weight = float(settings.lead_weight)
        self.min_score = float(settings.min_score)

    def _encode_words(self, texts: Sequence[str]) -> tuple[NDArray[np.uint64], list[int]]:
        # A token outside the vocabulary has id 0, and every field of every code in
        # the tables is non-zero, so an n-gram containing it matches nothing.
        get = self.token_ids.get
        token_lists = [self.tokenize(t) for t in texts]
        ids = np.asarray([get(tok, 0) for toks in token_lists for tok in toks], dtype=np.uint64)
        return ids, [len(toks) for toks in token_lists]

    # -- lexicon -----------------------------------------------------------------------
    def lexicon_matches(self, texts: Sequence[str]) -> list[list[LexiconMatch]]:
        """The lexicon terms of each text (longest first, non-overlapping, left to right)."""
        return [self.lexicon.matches(t) for t in texts]

    def lexicon_scores(
        self, texts: Sequence[str], matches: Sequence[Sequence[LexiconMatch]] | None = None
    ) -> NDArray[np.float64]:
        """Summed lexicon weights per topic (columns in ``TOPIC_LABELS`` order)."""
        if matches is None:
            matches = self.lexicon_matches(texts)
        return self.lexicon.scores_of_matches(texts, matches, lead_weight=self.lead_weight)

    # -- features and probabilities ----------------------------------------------------
    def features(
        self, texts: Sequence[str], matches: Sequence[Sequence[LexiconMatch]] | None = None
    ) -> sp.csr_matrix:
        """The model's feature matrix for ``texts``, as scikit-learn would compute it."""
        import scipy.sparse as sp

        n = len(texts)
        blocks: list[Any] = []
        for block in self.blocks:
            r, c, v = block.triplets(texts)
            blocks.append(sp.csr_matrix((v, (r, c)), shape=(n, len(block.idf))))
        if self.lexicon_features is not None:
            raw = self.lexicon_scores(texts, matches)
            blocks.append(sp.csr_matrix(self.lexicon_features.transform_scores(raw)))
        return sp.hstack(blocks, format="csr")

    def decision_function(
        self,
        texts: Sequence[str],
        matches: Sequence[Sequence[LexiconMatch]] | None = None,
        raw: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64]:
        """``X @ coef.T + intercept`` for the features ``X`` of ``texts``, without building ``X``.

        ``raw`` (the :meth:`lexicon_scores`) is computed from ``matches`` when not given.
        """
        scores = np.zeros((len(texts), len(self.intercept)), dtype=np.float64)
        scores += self.intercept
        for block in self.blocks:
            r, c, v = block.triplets(texts)
            if not len(r):
                continue
            contributions = block.coef[c] * v[:, None]
            # r is sorted: sum the contributions of each row in one pass
            starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
            scores[r[starts]] += np.add.reduceat(contributions, starts, axis=0)
        if self.lexicon_features is not None:
            if raw is None:
                raw = self.lexicon_scores(texts, matches)
            scores += self.lexicon_features.transform_scores(raw) @ self.lexicon_coef
        return scores.ravel() if scores.shape[1] == 1 else scores

    def regression_proba(
        self,
        texts: Sequence[str],
        matches: Sequence[Sequence[LexiconMatch]] | None = None,
        raw: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64]:
        """The logistic regression's class probabilities (columns follow ``classes``)."""
        if not self.multinomial:
            return self.lr.predict_proba(self.features(texts, matches))  # type: ignore[no-any-return]
        scores = self.decision_function(texts, matches, raw)
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores

    def keyword_proba(self, raw: NDArray[np.float64]) -> NDArray[np.float64]:
        """The keyword baseline's probabilities from lexicon scores ``raw`` (columns follow ``classes``).

        Exactly :meth:`KeywordTopicClassifier.predict_proba`'s rule: ``general``
        floored at ``min_score`` when no task area reaches it, then a softmax.
        """
        from fazhi.classifiers.keyword_topic import _softmax, keyword_scores
        from fazhi.classifiers.topic import TOPIC_LABELS

        by_class = np.zeros((len(raw), len(self.classes)), dtype=np.float64)
        for j, label in enumerate(self.classes):
            if label in TOPIC_LABELS:
                by_class[:, j] = raw[:, TOPIC_LABELS.index(label)]
        return _softmax(keyword_scores(by_class, self.classes, self.min_score))

    def predict_proba(
        self,
        texts: Sequence[str],
        matches: Sequence[Sequence[LexiconMatch]] | None = None,
        *,
        blend: float = 0.0,
    ) -> NDArray[np.float64]:
        """``(1 - blend) * regression_proba + blend * keyword_proba`` of ``texts``.

        Long inputs go through in chunks of :data:`PREDICT_CHUNK` texts: every
        step works row by row, so the result is the same, and the intermediate
        arrays (n-gram codes, sparse features) stay the size of one chunk.
        """
        if len(texts) > PREDICT_CHUNK:
            return np.vstack(
                [
                    self._predict_proba(
                        texts[i : i + PREDICT_CHUNK],
                        None if matches is None else matches[i : i + PREDICT_CHUNK],
                        blend,
                    )
                    for i in range(0, len(texts), PREDICT_CHUNK)
                ]
            )
        return self._predict_proba(texts, matches, blend)

    def _predict_proba(
        self,
        texts: Sequence[str],
        matches: Sequence[Sequence[LexiconMatch]] | None,
        blend: float,
    ) -> NDArray[np.float64]:
        raw = None
        if self.lexicon_features is not None or blend > 0.0:
            raw = self.lexicon_scores(texts, matches)
        proba = self.regression_proba(texts, matches, raw)
        if blend > 0.0 and raw is not None:
            proba = (1.0 - blend) * proba + blend * self.keyword_proba(raw)
        return proba


def _encode_chars(texts: Sequence[str]) -> tuple[NDArray[np.uint64], list[int]]:
    docs = [_WHITE_SPACES.sub(" ", t) for t in texts]
    return _code_points("".join(docs)), [len(d) for d in docs]
