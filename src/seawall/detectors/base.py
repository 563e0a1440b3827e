"""The Detector contract: ``detect(text, context) -> list[Finding]``.

A detector is written once and used everywhere: the guard blocks with it, the red-team harness
scores with it, monitoring labels with it. So it must be pure (no state between calls), fast,
thread-safe, and never touch the network. Offsets in findings always point into the *original*
text the caller passed, even when the detector matched on a normalized or decoded view.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from seawall.text.normalize import NormalizedText, normalize

if TYPE_CHECKING:
    from seawall.models.features import Ngrams

Surface = Literal["input", "output", "retrieved", "tool_call"]
SURFACES: tuple[Surface, ...] = ("input", "output", "retrieved", "tool_call")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a detector found.

    ``evidence`` is for people reading logs: it names the rule and describes the match, and never
    contains the raw secret or personal value (use :func:`mask_value` when it needs a hint).
    """

    detector: str
    category: str
    score: float
    start: int
    end: int
    entity: str | None = None
    rule: str | None = None
    evidence: str = ""
    error: bool = False

    def contract_dict(self) -> dict[str, Any]:
        """The batch-contract shape: detector, category, entity, score, start, end."""
        return {
            "detector": self.detector,
            "category": self.category,
            "entity": self.entity,
            "score": round(self.score, 4),
            "start": self.start,
            "end": self.end,
        }

    def to_dict(self) -> dict[str, Any]:
        """The batch-contract shape plus rule and evidence."""
        return {
            **self.contract_dict(),
            "rule": self.rule,
            "evidence": self.evidence,
            "error": self.error,
        }


@dataclass(slots=True)
class Context:
    """What a detector may know besides the text: the surface, the system prompt, canaries.

    ``normalized(text)`` gives the shared normalizer's views of the text and ``grams(text)`` the
    model features of its main view, each computed once per check however many detectors ask.
    """

    surface: Surface = "input"
    system_prompt: str | None = None
    canaries: tuple[str, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    _norm_source: str | None = field(default=None, repr=False)
    _norm: NormalizedText | None = field(default=None, repr=False)
    _grams_source: str | None = field(default=None, repr=False)
    _grams: Ngrams | None = field(default=None, repr=False)

    def normalized(self, text: str) -> NormalizedText:
        """The normalizer's views of ``text`` (cached for the same text object)."""
        if self._norm is None or self._norm_source is not text:
            self._norm = normalize(text)
            self._norm_source = text
        return self._norm

    def grams(self, text: str) -> Ngrams:
        """The hashed n-grams of the main normalized view that the shipped models score
        (cached for the same text object, so three models featurize a text once)."""
        if self._grams is None or self._grams_source is not text:
            from seawall.models.features import ngrams  # numpy: loaded only when a model runs

            self._grams = ngrams(self.normalized(text).views[0].text)
            self._grams_source = text
        return self._grams


class DetectorParams(BaseModel):
    """Settings a policy rule may pass to a detector; unknown keys are an error, not a shrug."""

    model_config = ConfigDict(extra="forbid", frozen=True)


P = TypeVar("P", bound=DetectorParams)


class Detector(ABC, Generic[P]):
    """Base class for detectors. Subclasses set the class attributes and implement ``detect``."""

    name: ClassVar[str]
    categories: ClassVar[tuple[str, ...]]
    surfaces: ClassVar[frozenset[Surface]] = frozenset(SURFACES)
    description: ClassVar[str] = ""
    params_model: ClassVar[type[DetectorParams]] = DetectorParams

    def __init__(self, params: P | None = None) -> None:
        self.params: P = params if params is not None else self.params_model()  # type: ignore[assignment]

    @abstractmethod
    def detect(self, text: str, context: Context) -> list[Finding]:
        """Return findings for ``text``; spans are offsets into ``text``."""


def mask_value(value: str, keep: int = 4) -> str:
    """A hint safe for logs: the first ``keep`` characters of long values, the rest starred.

    Values of 12 characters or fewer are fully starred, so a short PII value never leaks.
    """
    if len(value) <= 12:
        return "*" * len(value)
    return value[:keep] + "*" * (len(value) - keep)
