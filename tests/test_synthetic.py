"""The synthetic training-text grammar: deterministic, distinct, broad, free of test-set text."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from seawall.models.synthetic import (
    ATTACK_FAMILIES,
    LANGUAGES,
    NEGATIVE_FAMILIES,
    SyntheticText,
    fragments,
    generate_attacks,
    generate_hard_negatives,
    usable_shapes,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"
HELD_OUT_SETS = (
    "deepset_prompt_injections",
    "cyberseceval_prompt_injection",
    "jailbreak_llms_inthewild",
    "jailbreak_llms_2023_12_25",
    "neuralchemy_prompt_injection",
)
SHINGLE = 8
_WORD = re.compile(r"\w+")
_PLACEHOLDER = re.compile(r"\{\^?[a-z_][a-z0-9_]*(?:[:*/]\d)?\}")


@pytest.fixture(scope="module")
def attacks() -> list[SyntheticText]:
    return generate_attacks(20000, 0)


@pytest.fixture(scope="module")
def negatives() -> list[SyntheticText]:
    return generate_hard_negatives(10000, 0)


def test_same_seed_same_texts_and_other_seed_differs() -> None:
    assert generate_attacks(300, 7) == generate_attacks(300, 7)
    assert generate_hard_negatives(300, 7) == generate_hard_negatives(300, 7)
    assert generate_attacks(300, 7) != generate_attacks(300, 8)
    assert generate_hard_negatives(300, 7) != generate_hard_negatives(300, 8)


def test_a_shorter_run_is_a_prefix_of_a_longer_one() -> None:
    assert generate_attacks(500, 3)[:200] == generate_attacks(200, 3)


def test_counts_reach_the_targets(
    attacks: list[SyntheticText], negatives: list[SyntheticText]
) -> None:
    assert len(attacks) >= 15000
    assert len(negatives) >= 6000
    assert generate_attacks(0, 0) == []


def test_no_duplicates(attacks: list[SyntheticText], negatives: list[SyntheticText]) -> None:
    assert len({t.text for t in attacks}) == len(attacks)
    assert len({t.text for t in negatives}) == len(negatives)
    assert not {t.text for t in attacks} & {t.text for t in negatives}


def test_labels(attacks: list[SyntheticText], negatives: list[SyntheticText]) -> None:
    assert {t.label for t in attacks} == {1}
    assert {t.label for t in negatives} == {0}


@pytest.mark.parametrize("families", [ATTACK_FAMILIES, NEGATIVE_FAMILIES])
def test_every_family_can_be_written_in_every_language(families: dict[str, object]) -> None:
    for family in families:
        for language in LANGUAGES:
            assert usable_shapes(family, language), (family, language)


def test_every_family_and_language_pair_is_generated(
    attacks: list[SyntheticText], negatives: list[SyntheticText]
) -> None:
    for texts, families in ((attacks, ATTACK_FAMILIES), (negatives, NEGATIVE_FAMILIES)):
        pairs = Counter((t.family, t.language) for t in texts)
        for family in families:
            for language in LANGUAGES:
                assert pairs[family, language] >= 20, (family, language)
        per_family = Counter(t.family for t in texts)
        assert max(per_family.values()) < 0.15 * len(texts)  # no family dominates


def test_texts_are_filled_and_varied_in_length(
    attacks: list[SyntheticText], negatives: list[SyntheticText]
) -> None:
    for texts in (attacks, negatives):
        lengths = [len(t.text) for t in texts]
        assert min(lengths) > 0
        assert all(t.text == t.text.strip() for t in texts)
        assert sum(n < 120 for n in lengths) > 0.05 * len(texts)
        assert sum(n > 1000 for n in lengths) > 0
        leftovers = [t.text for t in texts if _PLACEHOLDER.search(t.text)]
        assert not leftovers[:3]


def test_indirect_attacks_and_their_benign_twins_share_carriers(
    attacks: list[SyntheticText], negatives: list[SyntheticText]
) -> None:
    kinds = {f.removeprefix("indirect_") for f in ATTACK_FAMILIES if f.startswith("indirect_")}
    assert kinds == {
        f.removeprefix("benign_") for f in NEGATIVE_FAMILIES if f.startswith("benign_")
    }
    emails = [t.text for t in attacks if t.family == "indirect_email" and t.language == "en"]
    assert any("AI" in text or "assistant" in text or "model" in text for text in emails)


def test_hard_negatives_contain_trigger_words_without_attacking(
    negatives: list[SyntheticText],
) -> None:
    english = " ".join(t.text.lower() for t in negatives if t.language == "en")
    for word in ("ignore", "system prompt", "password", "admin mode", "override", "from now on"):
        assert word in english


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _shingles(words: list[str]) -> set[int]:
    return {hash(" ".join(words[i : i + SHINGLE])) for i in range(len(words) - SHINGLE + 1)}


class HeldOut:
    """Whole texts (normalised) and 8-word shingles of the held-out evaluation sets.

    Its repr stays short so a failing test never prints the evaluation texts.
    """

    def __init__(self, texts: set[str], shingles: set[int]) -> None:
        self.texts = texts
        self.shingles = shingles

    def __repr__(self) -> str:
        return f"HeldOut({len(self.texts)} texts, {len(self.shingles)} shingles)"


@pytest.fixture(scope="module")
def held_out() -> HeldOut:
    files = [SHARED / name / "data.jsonl" for name in HELD_OUT_SETS]
    files = [f for f in files if f.exists()]
    if not files:
        pytest.skip("shared data sets not available")
    texts: set[str] = set()
    shingles: set[int] = set()
    for path in files:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                words = _tokens(json.loads(line)["text"])
                texts.add(" ".join(words))
                shingles |= _shingles(words)
    return HeldOut(texts, shingles)


def test_no_fragment_shares_an_8_word_shingle_with_held_out_sets(
    held_out: HeldOut,
) -> None:
    clashes = [
        piece
        for fragment in fragments()
        for piece in _PLACEHOLDER.split(fragment)
        if _shingles(_tokens(piece)) & held_out.shingles
    ]
    assert clashes == []


def test_no_generated_text_equals_a_held_out_text(
    held_out: HeldOut,
    attacks: list[SyntheticText],
    negatives: list[SyntheticText],
) -> None:
    copies = [t.text for t in (*attacks, *negatives) if " ".join(_tokens(t.text)) in held_out.texts]
    assert copies == []


def test_no_generated_text_shares_an_8_word_shingle_with_held_out_sets(
    held_out: HeldOut,
    attacks: list[SyntheticText],
    negatives: list[SyntheticText],
) -> None:
    """Slots joined together must not recreate a test-set phrase either."""
    clashes = [
        t.text for t in (*attacks, *negatives) if _shingles(_tokens(t.text)) & held_out.shingles
    ]
    assert clashes == []
