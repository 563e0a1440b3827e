"""Hashed character and word n-gram features, computed with numpy in tens of microseconds.

Why hashing: no vocabulary to ship or keep in sync, any language or script maps somewhere, and a
fixed bucket count bounds the model size. The hash is spelled out here (FNV-1a over code points
for character n-grams, CRC-32 over UTF-8 for words) rather than taken from Python's ``hash``,
which is salted per process: a model trained today must see the same buckets in every process.

Why binary features over the square root of their number, each n-gram counted at its first
occurrence only: the vector has unit length whatever the text, so repeating a sentence does not
inflate the score (raw term frequency did: a benign sentence repeated twelve times scored 0.998),
and the score of any span is a difference of two prefix sums, so a linear model can score every
overlapping window of a long text for the price of one pass and take the maximum. A short
injection inside a long benign document is then not diluted by the document around it. (A
window does not see n-grams that already occurred before it; that is the price of one pass.)
"""

from __future__ import annotations

import re
import zlib
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

N_BUCKETS = 1 << 18
CHAR_NGRAMS = (3, 4, 5)
WINDOW = 256  # characters of the case- and whitespace-folded text
STRIDE = 128
# A window holding fewer new n-grams than this is mostly text seen earlier in the document (or
# the ragged end of a streamed prefix): scored alone it behaves like a two-word text, whose few
# unit-normalized features swing the score to an extreme ("Nothing to see h" read as toxic).
# A fresh 256-character window of prose holds several hundred.
MIN_WINDOW_NGRAMS = 128
FEATURE_SPEC = "char3-5+word1-2/fnv1a-crc32/2^18/binary-first/sqrt-n/max-window256-stride128-min128"

_MASK = np.uint32(N_BUCKETS - 1)
_FNV_OFFSET = np.uint32(2166136261)
_FNV_PRIME = np.uint32(16777619)
# Words and word pairs get their own salts so they do not share buckets with character n-grams
# by construction (collisions remain, at random, as with any hashing trick).
_WORD_SALT = np.uint32(0x9E3779B9)
_BIGRAM_SALT = np.uint32(0x85EBCA6B)
_WORD = re.compile(r"\w+")

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float32]
PositionArray = npt.NDArray[np.int64]


class SparseVector(NamedTuple):
    """Sorted unique bucket indices and their values (all ``1 / sqrt(len(indices))``)."""

    indices: IntArray
    values: FloatArray


class Ngrams(NamedTuple):
    """The distinct n-gram buckets of a folded text, sorted, with the offset of each one's first
    occurrence."""

    length: int  # of the folded text
    buckets: IntArray
    starts: PositionArray


def _bucket(hashes: npt.NDArray[np.uint32]) -> IntArray:
    """Fold the high bits in before masking: FNV's low bits alone are poorly mixed."""
    return ((hashes ^ (hashes >> np.uint32(15))) & _MASK).astype(np.int32)


def _char_ngram_hashes(text: str) -> list[npt.NDArray[np.uint32]]:
    """FNV-1a of every 3-, 4- and 5-code-point window, built incrementally (a prefix hash).

    Element ``i`` of each array is the n-gram starting at code point ``i``.
    """
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    out: list[npt.NDArray[np.uint32]] = []
    if len(points) < CHAR_NGRAMS[0]:
        return out
    with np.errstate(over="ignore"):
        hashes = np.full(len(points), _FNV_OFFSET, dtype=np.uint32)
        for length in range(1, CHAR_NGRAMS[-1] + 1):
            windows = len(points) - length + 1
            if windows <= 0:
                break
            hashes = (hashes[:windows] ^ points[length - 1 : length - 1 + windows]) * _FNV_PRIME
            if length in CHAR_NGRAMS:
                out.append(hashes)
    return out


def ngrams(text: str) -> Ngrams:
    """The n-grams of ``text`` after folding case and collapsing whitespace runs.

    Layout does not change the result; the caller passes the normalizer's main view, which has
    already undone homoglyphs and invisible characters. A word pair starts where its first word
    does; a bucket seen again keeps the offset of its first occurrence.
    """
    folded = " " + " ".join(text.lower().split()) + " "
    hashes = _char_ngram_hashes(folded)
    starts = [np.arange(len(h), dtype=np.int64) for h in hashes]
    matches = list(_WORD.finditer(folded))
    if matches:
        words = (m.group().encode() for m in matches)
        unigrams = np.fromiter((zlib.crc32(w) for w in words), np.uint32, len(matches))
        word_starts = np.fromiter((m.start() for m in matches), np.int64, len(matches))
        with np.errstate(over="ignore"):
            bigrams = (((unigrams[:-1] ^ _BIGRAM_SALT) * _FNV_PRIME) ^ unigrams[1:]) * _FNV_PRIME
        hashes += [unigrams ^ _WORD_SALT, bigrams]
        starts += [word_starts, word_starts[:-1]]
    if not hashes:
        return Ngrams(len(folded), np.zeros(0, np.int32), np.zeros(0, np.int64))
    buckets, first = np.unique(_bucket(np.concatenate(hashes)), return_index=True)
    return Ngrams(len(folded), buckets, np.concatenate(starts)[first])


def to_vector(grams: Ngrams) -> SparseVector:
    """The whole text as a unit vector over its distinct buckets."""
    n = len(grams.buckets)
    return SparseVector(grams.buckets, np.full(n, 1.0 / np.sqrt(max(n, 1)), np.float32))


def hash_features(text: str) -> SparseVector:
    """The feature vector of the whole of ``text`` (what the model is trained on)."""
    return to_vector(ngrams(text))


def window_starts(length: int) -> PositionArray:
    """Offsets of the overlapping windows of a folded text longer than one window."""
    if length <= WINDOW:
        return np.zeros(0, np.int64)
    return np.arange(0, length - WINDOW + STRIDE, STRIDE, dtype=np.int64)


def max_window_dot(grams: Ngrams, weights: FloatArray) -> float:
    """The largest ``w . x`` over the whole text and each window, via prefix sums.

    An n-gram belongs to the window it starts in. Equal to ``w . to_vector(...)`` of the
    n-grams of that window, without building one vector per window. Windows with fewer than
    :data:`MIN_WINDOW_NGRAMS` new n-grams are skipped (the whole text always counts).
    """
    if len(grams.buckets) == 0:
        return 0.0
    per_offset = np.bincount(grams.starts, weights=weights[grams.buckets], minlength=grams.length)
    sums = np.concatenate(([0.0], np.cumsum(per_offset)))
    counts = np.concatenate(([0], np.cumsum(np.bincount(grams.starts, minlength=grams.length))))
    best = sums[-1] / np.sqrt(counts[-1])
    begin = window_starts(grams.length)
    if len(begin):
        end = np.minimum(begin + WINDOW, grams.length)
        n = counts[end] - counts[begin]
        filled = n >= MIN_WINDOW_NGRAMS
        if filled.any():
            best = max(best, float(np.max((sums[end] - sums[begin])[filled] / np.sqrt(n[filled]))))
    return float(best)
