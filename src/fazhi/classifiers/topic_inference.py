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
_BITS = 21  # Unicode code points fit in 21 bits, so three fit in a uint64
_MAX_ID = 1 << _BITS
_MAX_FAST_N = 3
# The lead sentence ends at the first full stop, semicolon or colon (as in keyword_topic).
_LEAD_END = re.compile(r"[。！？!?；;：:]")

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


class CompiledTopicModel:
    """The fitted parts of a :class:`TopicClassifier`, arranged for fast prediction.

    Built by ``TopicClassifier._compiled()`` once per fit or load.
    ``tokenize`` is the tokenizer the word vocabulary was built with.
    """

    def __init__(self, clf: TopicClassifier, tokenize: Callable[[str], list[str]]) -> None:
        self.tokenize = tokenize
        self.lexicon: TopicLexicon | None = getattr(clf, "lexicon_", None)
        self.classes = [str(c) for c in clf.classes_]
        lr = clf.lr_
        self.lr = lr
        coef_t = np.ascontiguousarray(np.asarray(lr.coef_, dtype=np.float64).T)
        self.intercept = np.asarray(lr.intercept_, dtype=np.float64)
        # Multinomial (more than two classes): softmax of coef @ x + intercept.
        # A binary model has one row of coefficients and scikit-learn computes it.
        self.multinomial = coef_t.shape[1] == len(self.classes) > 2
        self.n_features = coef_t.shape[0]

        offset = 0
        self.word: tuple[Any, NDArray[np.float64], NDArray[np.float64], int] | None = None
        self.char: tuple[Any, NDArray[np.float64], NDArray[np.float64], int] | None = None
        self.token_ids: dict[str, int] = {}
        self.word_fallback: Any = None
        self.char_fallback: Any = None
        wv = clf.word_vectorizer_
        if wv is not None:
            vocab = dict(wv.vocabulary_)
            width = len(vocab)
            table: Any = None
            token_ids = self.token_ids
            for term in vocab:
                for token in term.split(" "):
                    token_ids.setdefault(token, len(token_ids) + 1)  # 0: not in the vocabulary
            if wv.ngram_range[1] <= _MAX_FAST_N and len(token_ids) < _MAX_ID:
                table = _NgramTable(vocab, lambda t: t.split(" "), token_ids.__getitem__)
            else:
                self.word_fallback = wv
            self.word = (
                table,
                np.asarray(wv.idf_, np.float64),
                coef_t[offset : offset + width],
                offset,
            )
            offset += width
        cv = clf.char_vectorizer_
        if cv is not None:
            vocab = dict(cv.vocabulary_)
            width = len(vocab)
            table = None
            if cv.ngram_range[1] <= _MAX_FAST_N:
                table = _NgramTable(vocab, list, ord)
            else:
                self.char_fallback = cv
            self.char = (
                table,
                np.asarray(cv.idf_, np.float64),
                coef_t[offset : offset + width],
                offset,
            )
            offset += width
        lf = clf.lexicon_features_
        self.lexicon_features = lf
        # the lexicon scores' settings: those of the lexicon features, else the defaults
        # the keyword blend uses (TopicClassifier.lead_weight, min_score 2.0)
        self.lead_weight = float(lf.lead_weight if lf is not None else clf.lead_weight)
        if lf is None:
            from fazhi.classifiers.topic_model import TopicLexiconFeatures

            lf_defaults = TopicLexiconFeatures()
        self.min_score = float((lf if lf is not None else lf_defaults).min_score)
        self.lexicon_coef = coef_t[offset:]
        self.lexicon_offset = offset

    # -- blocks ----------------------------------------------------------------------
    def lexicon_matches(self, texts: Sequence[str]) -> list[list[LexiconMatch]]:
        """The lexicon terms of each text (longest first, non-overlapping, left to right)."""
        lexicon = self.lexicon
        if lexicon is None:
            return [[] for _ in texts]
        return [lexicon.matches(t) for t in texts]

    def _word_triplets(self, texts: Sequence[str]) -> Triplets | None:
        if self.word is None:
            return None
        table, idf, _, _ = self.word
        n = len(texts)
        if table is None:
            X = self.word_fallback.transform(list(texts)).tocoo()
            return _sorted_triplets(X)
        get = self.token_ids.get
        token_lists = [self.tokenize(t) for t in texts]
        flat = [get(tok, 0) for toks in token_lists for tok in toks]
        ids = np.asarray(flat, dtype=np.uint64)
        row_of, end_of = _layout([len(t) for t in token_lists])
        # A token outside the vocabulary has id 0, and every field of every code in
        # the tables is non-zero, so an n-gram containing it matches nothing.
        rows, cols = table.lookup(ids, row_of, end_of)
        return _tfidf(rows, cols, n, idf)

    def _char_triplets(self, texts: Sequence[str]) -> Triplets | None:
        if self.char is None:
            return None
        table, idf, _, _ = self.char
        if table is None:
            X = self.char_fallback.transform(list(texts)).tocoo()
            return _sorted_triplets(X)
        docs = [_WHITE_SPACES.sub(" ", t) for t in texts]
        ids = _code_points("".join(docs))
        row_of, end_of = _layout([len(d) for d in docs])
        rows, cols = table.lookup(ids, row_of, end_of)
        return _tfidf(rows, cols, len(texts), idf)

    def _lexicon_scores(
        self, texts: Sequence[str], matches: Sequence[Sequence[LexiconMatch]]
    ) -> NDArray[np.float64]:
        """Summed lexicon weights per topic (columns in ``TOPIC_LABELS`` order), lead sentence counted ``lead_weight`` times."""
        from fazhi.classifiers.topic import TOPIC_LABELS

        index = {t: i for i, t in enumerate(TOPIC_LABELS)}
        raw = np.zeros((len(texts), len(TOPIC_LABELS)), dtype=np.float64)
        lead_weight = self.lead_weight
        for row, (text, found) in enumerate(zip(texts, matches, strict=True)):
            if not found:
                continue
            m_end = _LEAD_END.search(text)
            lead_end = m_end.end() if m_end else len(text)
            out = raw[row]
            for match in found:
                factor = lead_weight if match.start < lead_end else 1.0
                for topic, weight, _ in match.topics:
                    i = index.get(topic)
                    if i is not None:
                        out[i] += weight * factor
        return raw

    # -- features and probabilities ----------------------------------------------------
    def features(
        self, texts: Sequence[str], matches: Sequence[Sequence[LexiconMatch]] | None = None
    ) -> sp.csr_matrix:
        """The model's feature matrix for ``texts``, as scikit-learn would compute it."""
        import scipy.sparse as sp

        n = len(texts)
        blocks: list[Any] = []
        for triplets, block in (
            (self._word_triplets(texts), self.word),
            (self._char_triplets(texts), self.char),
        ):
            if triplets is not None and block is not None:
                r, c, v = triplets
                blocks.append(sp.csr_matrix((v, (r, c)), shape=(n, len(block[1]))))
        if self.lexicon_features is not None:
            if matches is None:
                matches = self.lexicon_matches(texts)
            raw = self._lexicon_scores(texts, matches)
            blocks.append(sp.csr_matrix(self.lexicon_features.transform_scores(raw)))
        return sp.hstack(blocks, format="csr")

    def decision_function(
        self,
        texts: Sequence[str],
        matches: Sequence[Sequence[LexiconMatch]] | None = None,
        raw: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64]:
        """``X @ coef.T + intercept`` for the features ``X`` of ``texts``, without building ``X``.

        ``raw`` (the :meth:`_lexicon_scores`) is computed from ``matches`` when not given.
        """
        n = len(texts)
        scores = np.zeros((n, len(self.intercept)), dtype=np.float64)
        scores += self.intercept
        for triplets, block in (
            (self._word_triplets(texts), self.word),
            (self._char_triplets(texts), self.char),
        ):
            if triplets is None or block is None or not len(triplets[0]):
                continue
            r, c, v = triplets
            contributions = block[2][c] * v[:, None]
            # r is sorted: sum the contributions of each row in one pass
            starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
            scores[r[starts]] += np.add.reduceat(contributions, starts, axis=0)
        if self.lexicon_features is not None:
            if raw is None:
                raw = self._lexicon_scores(
                    texts, self.lexicon_matches(texts) if matches is None else matches
                )
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

        columns = [TOPIC_LABELS.index(c) if c in TOPIC_LABELS else -1 for c in self.classes]
        by_class = np.zeros((len(raw), len(self.classes)), dtype=np.float64)
        for j, col in enumerate(columns):
            if col >= 0:
                by_class[:, j] = raw[:, col]
        return _softmax(keyword_scores(by_class, self.classes, self.min_score))

    def predict_proba(
        self,
        texts: Sequence[str],
        matches: Sequence[Sequence[LexiconMatch]] | None = None,
        *,
        blend: float = 0.0,
    ) -> NDArray[np.float64]:
        """``(1 - blend) * regression_proba + blend * keyword_proba`` of ``texts``."""
        raw = None
        if self.lexicon_features is not None or blend > 0.0:
            if matches is None:
                matches = self.lexicon_matches(texts)
            raw = self._lexicon_scores(texts, matches)
        proba = self.regression_proba(texts, matches, raw)
        if blend > 0.0 and raw is not None:
            proba = (1.0 - blend) * proba + blend * self.keyword_proba(raw)
        return proba


def _sorted_triplets(X: Any) -> Triplets:
    order = np.lexsort((X.col, X.row))
    return (
        X.row[order].astype(np.int64),
        X.col[order].astype(np.int64),
        X.data[order].astype(np.float64),
    )
