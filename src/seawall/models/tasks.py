"""What each shipped lite model learns: its positives and negatives, caps, held-out sources,
augmentation and synthetic data. ``seawall.models.train`` (scikit-learn) says how; this module
needs no scikit-learn, so tests and tools can read the tasks anywhere.
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from seawall.models.data import Row
from seawall.models.synthetic import SyntheticText, generate_attacks, generate_hard_negatives
from seawall.redteam.converters import build_chain
from seawall.text.normalize import normalize

CONVERT_SHARE = 0.5  # of training attacks also seen through one converter
INSERT_SHARE = 0.75  # of training attacks also seen inside a benign host text
TARGET_FPR = 0.01


@dataclass(frozen=True, slots=True)
class Example:
    """A normalized training text; ``sources`` are every source it was built from."""

    text: str
    label: int
    sources: frozenset[str]
    original: bool = True  # False for augmented texts, which train but are never tested on
    trainable: bool = True  # False for evaluation-only rows (licence), which only ever test
    category: str | None = None  # what the category head learns (positives only)
    group: str | None = None  # held out in turn when the category head is evaluated (locale)


def main_view(text: str) -> str:
    """What the detector sees at run time: the normalizer's main view."""
    return normalize(text).views[0].text


@dataclass(frozen=True)
class Task:
    """Which rows are positives, which negatives, and how many of each source to keep."""

    name: str
    positive_labels: frozenset[str]
    negative_labels: frozenset[str]
    # Caps per source, or per "source#category" where only one category needs thinning (the
    # templated hard negatives, not the hand-written ones).
    caps: dict[str, int] = field(default_factory=dict)
    keep: Callable[[Row], bool] = lambda row: True
    # Held out in turn in the leave-one-source-out table.
    attack_sources: tuple[str, ...] = ()
    benign_sources: tuple[str, ...] = ()
    # Evaluation-only data sets (licence): their rows are extra held-out columns, never trained.
    eval_datasets: tuple[str, ...] = ()
    target_fpr: float = TARGET_FPR
    convert_share: float = CONVERT_SHARE
    insert_share: float = INSERT_SHARE
    # Fit a combiner of the model's margin with the rule tier's best score (prompt injection).
    combine_rules: bool = False
    # The category head's label for a positive row (None: no head, or the row has none).
    category_of: Callable[[Row], str | None] | None = None
    # Extra training texts from the selected rows and a seed: synthetic texts written for
    # seawall, or negatives derived from training rows. Never tested on.
    extra: Callable[[Sequence[Row], int], list[Example]] | None = None
    # Rewrites a row's text before normalizing (Davidson tweets lose their Twitter plumbing).
    prepare: Callable[[Row], str] | None = None
    summary: str = ""


_INJECTION_SUMMARY = """\
**Status: shipped, off by default.** `prompt_injection` uses it only with `params: {model: true}`
(or `--policy builtin:all-models`). On held-out sources the combined score beats the rule tier
alone in most cells (compare the first and last tables) but not when T0's context-plus-question
prompts are the held-out benign source, and at 0.5 it flags more benign text than the rules
(1.5% of the Alpaca instructions against about 0.2%), so the default policy keeps the rules
alone. It is far below the issue's bar of 85% TPR at 1% FPR on every held-out source.

Positives: `injection` and `jailbreak` rows. Negatives: `benign` rows, plus `harmful`, `toxic`
and `pii` rows, which are not injections: as negatives they make the model key on the override
or persona framing rather than on a dangerous topic. AILuminate prompts with the "skilled"
persona are left out: they wrap harmful requests in jailbreak framings. Extra training texts:
8,000 synthetic attacks and 6,000 synthetic hard negatives in six languages from seawall's own
grammar (`seawall.models.synthetic`, written without looking at the test sets; a test checks
no 8-word run is shared with them). The score combines the model's margin with the rule
tier's best score.

Earlier experiments (same protocol, min / mean TPR at 1% FPR over held-out benign sources;
CSE direct | CSE indirect | deepset | in-the-wild): first model 0.5/13 | 0.0/19 | 3.4/17 |
0.5/54; windowed scoring 1.0/15 | 0.0/35 | 1.5/17 | 17/65; a wordllama static embedding
(mean + max pooled, alone or beside the n-grams) 0.5/8 to 0.5/12 | 0.0/26 to 1.8/18 | 2.7/8 to
3.4/16 | 0.3/23 to 0.5/48, no better, so not kept."""

_HARMFUL_SUMMARY = """\
**Status: shipped, not in the default policy.** A policy rule naming `harmful_request` turns
it on. On held-out sources it is far below the issue's bar (recall 90% at 5% FPR), and on
short everyday requests it is noisy.

Positives: `harmful` rows (AdvBench, AILuminate in both locales and all personas,
Do-Not-Answer without its "human_chatbox" area, GPTFuzz questions). Negatives: benign rows;
injections, jailbreaks and toxic text are left out. Extra negatives (never tested on): 6,000
short sentences cut from the training texts, 4,000 benign sentences behind the opening words
of a training harmful request ("How can I …", "Write a script …"), and 4,000 synthetic benign
texts in six languages. The category head names the AILuminate hazard (trained on AILuminate;
other sets name no single hazard). What holds it back, per the experiments: no permissively
licensed benign *instructions* in the shared data (the nearest benign set, Alpaca, is CC BY-NC
and evaluation-only), and no benign French text, so held-out French scores near zero."""

_TOXICITY_SUMMARY = """\
**Status: shipped, not in the default policy** (`builtin:all-models` uses it). On held-out
sources it is below the issue's bar (F1 0.80): RealToxicityPrompts' "challenging" prefixes are
mostly mild on their own, and when Davidson's benign tweets are held out many of them score as
toxic, since no other licensed benign set is informal chat. Short benign texts can score high
("Nothing to see here": 0.77), because short texts in training were mostly tweets.

Positives: Davidson `offensive_language` (4,000 sampled) and `hate_speech` tweets and
RealToxicityPrompts prefixes. Negatives: benign rows, injections, jailbreaks and PII texts.
Davidson tweets lose RT markers, handles, URLs and '#' first. Extra texts (never tested on):
half of the toxic texts with a profane word again with that word obfuscated (f*ck, sh1t,
b i t c h), and a tenth of all texts, both classes, through leetspeak or spacing."""

SYNTHETIC_SOURCE = "seawall_synthetic"
_SENTENCE = re.compile(r"[^.?!\n]{15,200}[.?!]")


def _synthetic(texts: Sequence[SyntheticText]) -> list[Example]:
    return [
        Example(
            main_view(t.text),
            t.label,
            frozenset({f"{SYNTHETIC_SOURCE}/{t.family}"}),
            original=False,
        )
        for t in texts
    ]


def injection_extra(rows: Sequence[Row], seed: int) -> list[Example]:
    """Synthetic attacks and hard negatives from seawall's own grammar (six languages)."""
    return _synthetic(generate_attacks(8000, seed) + generate_hard_negatives(6000, seed))


def _sentences(rows: Sequence[Row], rng: random.Random, n: int) -> list[tuple[str, str]]:
    """Up to ``n`` distinct (sentence, source) pairs cut from the benign rows."""
    pool = {
        m.group().strip(): row.source
        for row in rows
        if row.label == "benign"
        for m in _SENTENCE.finditer(row.text)
        if len(m.group().split()) >= 4
    }
    keys = sorted(pool)
    return [(k, pool[k]) for k in rng.sample(keys, min(n, len(keys)))]


def harmful_extra(rows: Sequence[Row], seed: int) -> list[Example]:
    """Negatives that teach the harmful-request model the *form* of a request is no evidence:
    short benign sentences cut from training texts, benign sentences behind the opening words
    of a training harmful request ("How can I", "Write a script"), and seawall's synthetic
    benign texts in six languages (the only benign non-English text there is to train on)."""
    rng = random.Random(seed)
    out = [
        Example(main_view(text), 0, frozenset({source}), original=False)
        for text, source in _sentences(rows, rng, 6000)
    ]
    requests = [r for r in rows if r.label == "harmful" and r.persona != "skilled"]
    for text, source in _sentences(rows, rng, 4000):
        request = rng.choice(requests)
        opener = " ".join(request.text.split()[: rng.choice((2, 3))])
        framed = f"{opener} {text[0].lower()}{text[1:]}"
        out.append(
            Example(main_view(framed), 0, frozenset({source, request.source}), original=False)
        )
    return out + _synthetic(generate_hard_negatives(4000, seed))


def _not_skilled_persona(row: Row) -> bool:
    """AILuminate's "skilled" prompts use jailbreak framings: neither clean negative nor attack."""
    return row.persona != "skilled"


PROMPT_INJECTION = Task(
    name="prompt_injection",
    positive_labels=frozenset({"injection", "jailbreak"}),
    # Harmful requests and toxic text are not injections: as negatives they teach the model to
    # key on the override / persona framing, not on a dangerous topic (other detectors own that).
    negative_labels=frozenset({"benign", "harmful", "toxic", "pii"}),
    caps={
        "selfinstruct_t0_benign:t0/benign": 6000,
        "hard_negatives_security_benign/benign#templated_benign_v2": 800,
        "davidson_hate_offensive/toxic": 1500,
        "davidson_hate_offensive/benign": 1500,
        "presidio_synth_pii/pii": 500,
    },
    keep=_not_skilled_persona,
    eval_datasets=("alpaca_benign",),
    combine_rules=True,
    extra=injection_extra,
    summary=_INJECTION_SUMMARY,
    attack_sources=(
        "cyberseceval_prompt_injection:direct/injection",
        "cyberseceval_prompt_injection:indirect/injection",
        "deepset_prompt_injections/injection",
        "inthewild_jailbreaks/jailbreak",
    ),
    benign_sources=(
        "selfinstruct_t0_benign:t0/benign",
        "selfinstruct_t0_benign:user_oriented/benign",
        "deepset_prompt_injections/benign",
        "hard_negatives_security_benign/benign",
        "davidson_hate_offensive/benign",
        "presidio_synth_pii/benign",
    ),
)


def _harmful_request(row: Row) -> bool:
    """Do-Not-Answer's "human_chatbox" area asks the bot about itself ("Can you love?"):
    risky only by anthropomorphising, not a request for help with harm."""
    return row.category != "human_chatbox"


def _hazard(row: Row) -> str | None:
    """The AILuminate hazard code; other harmful sets name no hazard that fits one code."""
    return row.category if row.dataset == "ailuminate_demo" else None


HARMFUL_REQUEST = Task(
    name="harmful_request",
    positive_labels=frozenset({"harmful"}),
    negative_labels=frozenset({"benign"}),
    caps={
        "selfinstruct_t0_benign:t0/benign": 6000,
        "hard_negatives_security_benign/benign#templated_benign_v2": 800,
        "davidson_hate_offensive/benign": 1500,
    },
    keep=_harmful_request,
    attack_sources=(
        "advbench/harmful",
        "ailuminate_demo:en_US/harmful",
        "ailuminate_demo:fr_FR/harmful",
        "do_not_answer/harmful",
        "inthewild_jailbreaks/harmful",
    ),
    benign_sources=(
        "selfinstruct_t0_benign:t0/benign",
        "selfinstruct_t0_benign:user_oriented/benign",
        "deepset_prompt_injections/benign",
        "hard_negatives_security_benign/benign",
    ),
    eval_datasets=("alpaca_benign",),
    target_fpr=0.05,
    category_of=_hazard,
    extra=harmful_extra,
    summary=_HARMFUL_SUMMARY,
)

_TWEET_PLUMBING = re.compile(r"&#\d+;?|https?://\S+|\bRT\b|@\w+|#")
# Only picks which words the toxicity augmentation obfuscates; the model never sees the list.
_PROFANE = re.compile(
    r"\b(fuck\w*|shit\w*|bitch\w*|cunt\w*|dick\w*|pussy|pussies|nigg\w*|fag\w*|hoes?|whores?|"
    r"slut\w*|retard\w*|bastard\w*|cock\w*|asshole\w*|damn\w*|twat\w*|wank\w*|spic\w*)\b",
    re.IGNORECASE,
)


def detweet(row: Row) -> str:
    """Davidson tweets without RT markers, handles, URLs, entities and '#': otherwise the model
    learns "tweet = toxic" and flags every informal message."""
    text = row.text
    if row.dataset == "davidson_hate_offensive":
        text = " ".join(html.unescape(_TWEET_PLUMBING.sub(" ", text)).split())
    return text


def _masked(word: str, rng: random.Random) -> str:
    """f*ck, sh1t, b i t c h, b.i.t.c.h: how people write a word past a filter."""
    kind = rng.choice(("star", "star", "leet", "space", "dots"))
    if kind == "star":
        k = rng.randrange(1, max(len(word) - 1, 2))
        return word[:k] + "*" + word[k + 1 :]
    if kind == "leet":
        return word.translate(str.maketrans("ieaos", "13@0$"))
    return (" " if kind == "space" else ".").join(word)


def toxicity_extra(rows: Sequence[Row], seed: int) -> list[Example]:
    """Obfuscated profanity on half of the toxic texts that have any, and leetspeak / spacing on
    a tenth of *all* texts: converting only toxic ones teaches "obfuscated means toxic"."""
    rng = random.Random(seed)
    out = []
    for row in rows:
        text, positive = detweet(row), int(row.label == "toxic")
        if positive and _PROFANE.search(text) and rng.random() < 0.5:
            masked = _PROFANE.sub(lambda m: _masked(m.group(), rng), text)
            out.append(Example(main_view(masked), 1, frozenset({row.source}), original=False))
        if rng.random() < 0.1:
            chain = build_chain(rng.choice(("leetspeak", "spacing")))
            converted = main_view(chain.convert(text, rng))
            out.append(Example(converted, positive, frozenset({row.source}), original=False))
    return out


TOXICITY = Task(
    name="toxicity",
    positive_labels=frozenset({"toxic"}),
    # Injections and jailbreaks are rude to the model, not toxic; as negatives they keep the
    # model on insults and slurs. Harmful requests are left out: a hate-speech request is both.
    negative_labels=frozenset({"benign", "injection", "jailbreak", "pii"}),
    caps={
        "davidson_hate_offensive/toxic#offensive_language": 4000,
        "selfinstruct_t0_benign:t0/benign": 4000,
        "hard_negatives_security_benign/benign#templated_benign_v2": 800,
        "presidio_synth_pii/pii": 500,
    },
    attack_sources=("davidson_hate_offensive/toxic", "realtoxicityprompts_challenging/toxic"),
    benign_sources=(
        "davidson_hate_offensive/benign",
        "selfinstruct_t0_benign:user_oriented/benign",
        "deepset_prompt_injections/benign",
        "hard_negatives_security_benign/benign",
    ),
    eval_datasets=("alpaca_benign",),
    target_fpr=0.05,
    convert_share=0.0,
    insert_share=0.25,
    extra=toxicity_extra,
    prepare=detweet,
    summary=_TOXICITY_SUMMARY,
)

TASKS = {task.name: task for task in (PROMPT_INJECTION, HARMFUL_REQUEST, TOXICITY)}
