"""Detectors that are a shipped lite model and nothing else: harmful requests and toxicity.

Both score the hashed n-grams of the normalizer's main view (shared with every other model in the
check through ``context.grams``), window by window, so one toxic sentence or one harmful request
inside a long benign text still counts. Scores are Platt-calibrated probabilities; the model
cards in ``docs/models/`` say what data they come from and how they do on sources they never saw.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from seawall.detectors.base import Context, Detector, DetectorParams, Finding
from seawall.models.features import Ngrams
from seawall.models.linear import LinearModel, load_shipped
from seawall.taxonomy import AILUMINATE_HAZARDS


class ClassifierParams(DetectorParams):
    """Below ``min_score`` a text gets no finding at all, so decisions stay short."""

    min_score: float = Field(default=0.05, ge=0.0, le=1.0)


class _ModelDetector(Detector[ClassifierParams]):
    """One whole-text finding carrying the model's probability."""

    model_name: ClassVar[str]
    params_model = ClassifierParams

    def detect(self, text: str, context: Context) -> list[Finding]:
        if not text.strip():
            return []
        model = load_shipped(self.model_name)
        grams = context.grams(text)
        score = model.calibrated(model.window_logit(grams))
        if score < self.params.min_score:
            return []
        category, evidence = self._describe(model, grams, score)
        return [
            Finding(
                detector=self.name,
                category=category,
                score=round(score, 4),
                start=0,
                end=len(text),
                rule=f"model.{self.model_name}",
                evidence=f"{evidence} (lite model, probability {score:.2f})",
            )
        ]

    def _describe(self, model: LinearModel, grams: Ngrams, score: float) -> tuple[str, str]:
        return self.categories[0], self.description.split(":")[0]


class HarmfulRequestDetector(_ModelDetector):
    """Requests for help with harm, named by their AILuminate hazard."""

    name = "harmful_request"
    model_name = "harmful_request"
    categories = ("harmful",)
    description = (
        "Harmful request: asks for help with violent or non-violent crimes, weapons, self-harm, "
        "hate, sexual content, privacy violations and other AILuminate hazards (lite model)."
    )

    def _describe(self, model: LinearModel, grams: Ngrams, score: float) -> tuple[str, str]:
        """A hazard only for a text the model finds likely harmful: the head always picks one,
        which says nothing about a text that is probably benign."""
        named = model.category(grams) if score >= 0.5 else None
        if named is None:
            return "harmful", "Harmful request"
        code, probability = named
        hazard = AILUMINATE_HAZARDS[code]
        return f"harmful.{hazard}", (
            f"Harmful request; hazard {hazard.replace('_', ' ')} ({code}, {probability:.2f})"
        )


class ToxicityDetector(_ModelDetector):
    """Insults, slurs, threats, harassment and obscene abuse."""

    name = "toxicity"
    model_name = "toxicity"
    categories = ("toxicity",)
    description = (
        "Toxic language: insults, slurs and hate speech, threats, harassment and obscene abuse "
        "(lite model)."
    )
