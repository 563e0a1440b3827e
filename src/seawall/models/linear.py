"""A logistic-regression scorer stored as a small ``.npz`` and evaluated with numpy alone.

The file holds float16 weights over the hashed feature buckets, a bias, a Platt calibration
(``p = sigmoid(a * logit + b)``, so scores are probabilities on the training mix rather than raw
margins) and a JSON metadata record. Two optional parts: a rule combiner (a detector that also has
rules gets one probability from ``sigmoid(m * logit + r * rule + h * [rule >= 0.5] + c)``, fitted
on out-of-fold margins) and a category head (one weight row per category, e.g. the AILuminate
hazard of a harmful request). It is written byte-for-byte deterministically (fixed zip
timestamps), so the same data and seed give the same file and a retrain shows up in review as a
real change or none at all.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from seawall.models.features import (
    FEATURE_SPEC,
    N_BUCKETS,
    Ngrams,
    SparseVector,
    max_window_dot,
    ngrams,
)

FORMAT_VERSION = 3
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class ModelFileError(ValueError):
    """The model file is missing fields or was built for other features."""


@dataclass(frozen=True)
class LinearModel:
    """Weights over :data:`~seawall.models.features.N_BUCKETS` buckets plus calibration."""

    weights: npt.NDArray[np.float32]
    bias: float
    platt_a: float = 1.0
    platt_b: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict)
    combiner: tuple[float, float, float, float] | None = None  # model, rule, rule hit, bias
    head_labels: tuple[str, ...] = ()
    head_weights: npt.NDArray[np.float32] | None = None  # (len(head_labels), N_BUCKETS)

    def __post_init__(self) -> None:
        if self.weights.shape != (N_BUCKETS,):
            raise ModelFileError(
                f"weights must have shape ({N_BUCKETS},), got {self.weights.shape}"
            )
        head_shape = None if self.head_weights is None else self.head_weights.shape
        if head_shape not in (None, (len(self.head_labels), N_BUCKETS)) or (
            head_shape is None and self.head_labels
        ):
            raise ModelFileError(f"category head of shape {head_shape} for {self.head_labels}")

    def logit(self, features: SparseVector) -> float:
        """The uncalibrated margin ``w . x + b`` of one feature vector."""
        return float(np.dot(self.weights[features.indices], features.values)) + self.bias

    def window_logit(self, grams: Ngrams) -> float:
        """The largest margin over the whole text and its overlapping windows."""
        return max_window_dot(grams, self.weights) + self.bias

    def calibrated(self, logit: float) -> float:
        """Platt-scaled probability of a margin."""
        return _sigmoid(self.log_odds(logit))

    def log_odds(self, logit: float, rule_score: float | None = None) -> float:
        """The calibrated log-odds of a margin, combined with the best rule score (0 when no
        rule fired) when the model has a combiner and a rule score is given. Ranking on this,
        not on the probability, keeps scores that round to 1.0 apart."""
        if self.combiner is None or rule_score is None:
            return self.platt_a * logit + self.platt_b
        m, r, h, c = self.combiner
        return m * logit + r * rule_score + h * float(rule_score >= 0.5) + c

    def combined(self, logit: float, rule_score: float) -> float:
        """One probability from the model's margin and the best rule score (0 when no rule
        fired); without a fitted combiner, the model's own calibrated probability."""
        return _sigmoid(self.log_odds(logit, rule_score))

    def category(self, grams: Ngrams) -> tuple[str, float] | None:
        """The head's most likely category for the whole text and its softmax probability."""
        if self.head_weights is None or len(grams.buckets) == 0:
            return None
        logits = self.head_weights[:, grams.buckets].sum(axis=1) / np.sqrt(len(grams.buckets))
        probs = np.exp(logits - logits.max())
        best = int(np.argmax(probs))
        return self.head_labels[best], float(probs[best] / probs.sum())

    def score(self, text: str) -> float:
        """Probability for a text, scored window by window so a short attack inside a long
        benign text is not diluted (pass the normalizer's main view, as in training)."""
        return self.calibrated(self.window_logit(ngrams(text)))

    def save(self, path: Path) -> None:
        """Write the ``.npz`` deterministically (weights rounded to float16)."""
        record = {"format": FORMAT_VERSION, "features": FEATURE_SPEC, **self.meta}
        if self.combiner is not None:
            record["combiner"] = list(self.combiner)
        if self.head_labels:
            record["head_labels"] = list(self.head_labels)
        arrays: dict[str, npt.NDArray[Any]] = {
            "weights": self.weights.astype(np.float16),
            "scalars": np.array([self.bias, self.platt_a, self.platt_b], dtype=np.float64),
            "meta": np.array(json.dumps(record, sort_keys=True)),
        }
        if self.head_weights is not None:
            arrays["head"] = self.head_weights.astype(np.float16)
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, array in arrays.items():
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, array, allow_pickle=False)
                info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_EPOCH)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, buffer.getvalue())

    @classmethod
    def load(cls, source: Path | io.BytesIO) -> LinearModel:
        """Read a file written by :meth:`save`; refuses files built for other features."""
        with np.load(source, allow_pickle=False) as data:
            try:
                weights, scalars, meta_json = data["weights"], data["scalars"], data["meta"]
            except KeyError as exc:
                raise ModelFileError(f"model file lacks {exc}") from None
            head = data["head"].astype(np.float32) if "head" in data else None
            meta: dict[str, Any] = json.loads(str(meta_json))
        if meta.pop("features", None) != FEATURE_SPEC or meta.pop("format", None) != FORMAT_VERSION:
            raise ModelFileError("model file was built for another feature spec or format")
        bias, platt_a, platt_b = (float(x) for x in scalars)
        combiner = meta.pop("combiner", None)
        return cls(
            weights.astype(np.float32),
            bias,
            platt_a,
            platt_b,
            meta,
            combiner=None if combiner is None else (*map(float, combiner),),  # type: ignore[arg-type]
            head_labels=tuple(meta.pop("head_labels", ())),
            head_weights=head,
        )


def _sigmoid(z: float) -> float:
    """Split by sign so exp never overflows on extreme margins."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@cache
def load_shipped(name: str) -> LinearModel:
    """A model shipped in ``seawall/models/weights/<name>.npz`` (loaded once per process)."""
    resource = resources.files("seawall.models").joinpath("weights", f"{name}.npz")
    return LinearModel.load(io.BytesIO(resource.read_bytes()))
