"""TF-IDF features of unigrams and bigrams, built in a few array passes.

scikit-learn's TfidfVectorizer gives the same matrix (up to the order of the
columns; a test holds the two together) but spends its time in Python per
term: it joins every bigram into a string, counts each in a dict and sorts
the vocabulary by string. On the worker's path (a review of cycled Scopus
records) that was 3.6 s of CPU at 10,000 records and 30 s at 100,000, and
several times that in wall time in a niced worker on a busy machine. Here
Python touches each token once, to split it off and look it up in a dict of
words; a bigram is a pair of word numbers, counted with numpy, and nothing
is sorted by string: 1.3 s and 14 s of CPU (the bench prints both). Column
order (words by first appearance, bigrams by hash bucket) does not change a
linear model's fit.

Text is prepared as scikit-learn's defaults do: lower case, accents stripped
(NFKD, combining marks dropped), tokens of two or more word characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from itertools import chain, count
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix

_NOT_WORD = str.maketrans({c: " " for c in map(chr, range(128)) if not (c.isalnum() or c == "_")})
_WORD_CHARS: set[str] = {c for c in map(chr, range(128)) if c.isalnum() or c == "_"}
"""Characters known to be word characters (grows with the non-ASCII ones met)."""
_SPLITS: dict[str, str] = {}
"""Per other character met: "" (a combining mark) or " " (a non-word character)."""


def words(text: str) -> list[str]:
    """A record's runs of word characters (what the regex \\w+ finds), lower
    case, accents stripped; the one-character ones are dropped later.

    Split with str methods, not a regex: ~3x faster on abstracts. Most
    records are ASCII bar a few characters (©, –, ±, é); in those only the
    distinct non-word characters are looked at, each replaced in one pass.
    """
    text = text.lower()
    if text.isascii():
        return text.translate(_NOT_WORD).split()
    decomposed = unicodedata.normalize("NFKD", text)
    accents = decomposed != text  # strip marks only where NFKD made them
    for char in set(decomposed).difference(_WORD_CHARS):
        becomes = _SPLITS.get(char)
        if becomes is None:
            if char.isalnum():
                _WORD_CHARS.add(char)
                continue
            becomes = _SPLITS[char] = "" if unicodedata.combining(char) else " "
        decomposed = decomposed.replace(char, becomes if accents else " ")
    return decomposed.split()


def tfidf(
    texts: Sequence[str],
    *,
    ngram_max: int = 2,
    min_df: int = 1,
    max_df: float = 1.0,
    sublinear_tf: bool = True,
) -> csr_matrix:
    """One L2-normalised TF-IDF row (float32) per text, smoothed idf as
    scikit-learn's: ln((1 + n) / (1 + df)) + 1. Terms in fewer than `min_df`
    records or in more than the share `max_df` of them are dropped."""
    import numpy as np
    from scipy.sparse import hstack

    if ngram_max not in (1, 2):
        raise ValueError("only unigrams (1) or unigrams and bigrams (2) are supported")
    word, lengths, vocabulary = _word_numbers(texts)
    parts = []
    if ngram_max == 2:
        follows = np.ones(max(word.size - 1, 0), dtype=bool)  # word i+1 is in word i's record
        ends = np.cumsum(lengths)[:-1] - 1
        follows[ends[(ends >= 0) & (ends < follows.size)]] = False
        pair = word[:-1][follows].astype(np.int64) * vocabulary + word[1:][follows]
        bigram, distinct = _numbers(pair)
        parts.append(_counts(bigram, np.maximum(lengths - 1, 0), max(distinct, 1)))
    parts.insert(0, _counts(word, lengths, max(vocabulary, 1)))  # last: it sorts `word`
    counts = hstack(parts, format="csr", dtype=np.float32)
    return _weigh(counts, min_df=min_df, max_df=max_df, sublinear_tf=sublinear_tf)


def _counts(terms: np.ndarray, lengths: np.ndarray, columns: int) -> csr_matrix:
    """Term counts per record from the records' terms laid end to end."""
    import numpy as np
    from scipy.sparse import csr_matrix

    indptr = np.zeros(lengths.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    data = np.ones(terms.size, dtype=np.float32)
    counts = csr_matrix((data, terms, indptr), shape=(lengths.size, columns))
    counts.sum_duplicates()
    return counts


def _word_numbers(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, int]:
    """Every record's words of two or more characters laid end to end, as word
    numbers (0.. in order of first appearance); each record's count of them;
    and how many distinct words there are."""
    import numpy as np

    per_text = [words(text) for text in texts]
    lengths = np.fromiter(map(len, per_text), dtype=np.int64, count=len(texts))
    seen: dict[str, int] = {}
    # setdefault gives a new word the running token count: unique, not dense.
    first = np.fromiter(
        map(seen.setdefault, chain.from_iterable(per_text), count()),
        dtype=np.int64,
        count=int(lengths.sum()),
    )
    del per_text
    long_enough = np.fromiter(map(len, seen), dtype=np.int64, count=len(seen)) > 1
    vocabulary = int(long_enough.sum())
    new = np.zeros(first.size, dtype=bool)
    new[first] = True  # where each word first appears, in the order `seen` holds them
    number = np.full(first.size, -1, dtype=np.int32)
    number[np.flatnonzero(new)[long_enough]] = np.arange(vocabulary, dtype=np.int32)
    word = number[first]
    kept = word >= 0
    before = np.zeros(first.size + 1, dtype=np.int64)
    np.cumsum(kept, out=before[1:])
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return word[kept], np.diff(before[offsets]), vocabulary


def _numbers(keys: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense numbers 0.. for non-negative integer keys, equal keys equal
    numbers; and how many distinct keys there are.

    np.unique would sort the ~20 million bigrams of 100,000 records (~5 s);
    this hashes each key to a bucket instead, in linear time. A bucket's
    number stands for the one key that claimed it; keys that meet another in
    their bucket (a few percent) are numbered after all buckets, by np.unique
    over those few alone. So the numbering is exact, never a hashing trick.
    """
    import numpy as np

    bits = max(10, min(24, int(keys.size).bit_length() - 1))  # ≤ 16M buckets, 128 MB
    hashed = (keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - bits)
    bucket = hashed.astype(np.int64)
    owner = np.full(1 << bits, -1, dtype=np.int64)
    owner[bucket] = keys  # with repeats one key wins each bucket; which does not matter
    clash = owner[bucket] != keys
    used = np.zeros(1 << bits, dtype=bool)
    used[bucket[~clash]] = True
    dense = np.cumsum(used, dtype=np.int32) - 1
    number = dense[bucket]
    distinct = int(used.sum())
    if clash.any():
        unique, extra = np.unique(keys[clash], return_inverse=True)
        number[clash] = distinct + extra.ravel()
        distinct += unique.size
    return number, distinct


def _weigh(counts: csr_matrix, *, min_df: int, max_df: float, sublinear_tf: bool) -> csr_matrix:
    """Counts to TF-IDF in place, array by array (no intermediate matrices)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    keep = (df >= min_df) & (df <= max_df * n) & (df > 0)
    if not keep.any():
        return csr_matrix((n, 1), dtype=np.float32)
    data, indices, indptr = counts.data, counts.indices, counts.indptr
    if not keep.all():  # drop the columns, renumber the rest
        kept = keep[indices]
        before = np.zeros(indices.size + 1, dtype=np.int64)
        np.cumsum(kept, out=before[1:])
        indptr = before[indptr]
        column = np.cumsum(keep, dtype=np.int64) - 1
        data, indices, df = data[kept], column[indices[kept]].astype(np.int32), df[keep]
    if sublinear_tf:
        np.log(data, out=data)
        data += 1.0
    idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
    data *= idf[indices]
    row = np.repeat(np.arange(n), np.diff(indptr))
    norms = np.sqrt(np.bincount(row, weights=np.square(data, dtype=np.float64), minlength=n))
    norms[norms == 0] = 1.0
    data /= norms[row].astype(np.float32)
    return csr_matrix((data, indices, indptr), shape=(n, int(keep.sum())))


def document_frequency(matrix: csr_matrix) -> np.ndarray:
    """Records each column occurs in (for tests and diagnostics)."""
    import numpy as np

    return np.bincount(matrix.indices, minlength=matrix.shape[1])
