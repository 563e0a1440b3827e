"""Training and leave-one-source-out evaluation of the shipped linear models (needs scikit-learn).

Only this module imports scikit-learn, so run time never needs it. Everything is seeded: the
same data and seed give byte-identical weights.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]

from seawall.evaluation import auroc
from seawall.models.data import LICENCES, Row, Use, loso_folds, read_all, trainable
from seawall.models.features import (
    N_BUCKETS,
    STRIDE,
    WINDOW,
    Ngrams,
    SparseVector,
    max_window_dot,
    ngrams,
    to_vector,
)
from seawall.models.linear import LinearModel
from seawall.models.tasks import (
    CONVERT_SHARE,
    INSERT_SHARE,
    TARGET_FPR,
    TASKS,
    Example,
    Task,
    main_view,
)
from seawall.redteam.converters import build_chain

REGULARISATION_C = 4.0
AUGMENT_CONVERTERS = ("zero_width", "homoglyphs", "spacing", "leetspeak")
EVAL_CAP = 6000  # evaluation-only benign rows scored per data set
HEAD_PRUNE = 1e-3  # category-head weights smaller than this are stored as zero


def _converted(text: str, rng: random.Random) -> str:
    chain = build_chain(rng.choice(AUGMENT_CONVERTERS))
    return main_view(chain.convert(text, rng))


def _inserted(attack: str, host: str, rng: random.Random) -> str:
    """The attack placed at the start, middle (at a space) or end of a benign host text."""
    where = rng.choice(("start", "middle", "end"))
    if where == "start":
        return f"{attack}\n\n{host}"
    if where == "end":
        return f"{host}\n\n{attack}"
    cut = host.find(" ", len(host) // 2)
    cut = len(host) if cut < 0 else cut
    return f"{host[:cut]} {attack} {host[cut:]}"


def augment(
    attacks: Sequence[Row],
    hosts: Sequence[Row],
    seed: int,
    convert_share: float = CONVERT_SHARE,
    insert_share: float = INSERT_SHARE,
) -> list[Example]:
    """Converted and embedded variants of a share of ``attacks`` (deterministic in ``seed``)."""
    rng = random.Random(seed)
    out = []
    for row in attacks:
        if rng.random() < convert_share:
            out.append(Example(_converted(row.text, rng), 1, frozenset({row.source}), False))
        if hosts and rng.random() < insert_share:
            host = rng.choice(hosts)
            text = main_view(_inserted(row.text, host.text, rng))
            out.append(Example(text, 1, frozenset({row.source, host.source}), False))
    return out


def select_rows(rows: Sequence[Row], task: Task, seed: int) -> list[Row]:
    """The task's rows from trainable sets, capped per source by a seeded sample."""
    wanted = task.positive_labels | task.negative_labels
    groups: dict[str, list[Row]] = {}
    for row in rows:
        if trainable(row.dataset) and row.label in wanted and task.keep(row):
            by_category = f"{row.source}#{row.category}"
            key = by_category if by_category in task.caps else row.source
            groups.setdefault(key, []).append(row)
    rng = random.Random(seed)
    selected = []
    for key in sorted(groups):
        group, cap = groups[key], task.caps.get(key)
        selected.extend(rng.sample(group, cap) if cap is not None and len(group) > cap else group)
    return selected


def eval_rows(rows: Sequence[Row], task: Task, seed: int) -> list[Row]:
    """Rows of the task's evaluation-only sets (benign ones capped like T0), never trained on."""
    wanted = [r for r in rows if r.dataset in task.eval_datasets and r.label == "benign"]
    rng = random.Random(seed)
    return rng.sample(wanted, EVAL_CAP) if len(wanted) > EVAL_CAP else wanted


def build_examples(
    rows: Sequence[Row],
    task: Task,
    seed: int,
    held_out_rows: Sequence[Row] = (),
    extra: Sequence[Example] = (),
) -> list[Example]:
    """Normalized originals, augmented attacks (hosts: benign rows), the task's extra training
    texts, and the evaluation-only rows (tested on, never trained on)."""

    def original(row: Row, trainable_row: bool) -> Example:
        positive = row.label in task.positive_labels
        category = task.category_of(row) if positive and task.category_of else None
        sources = frozenset({row.source})
        text = main_view(task.prepare(row) if task.prepare else row.text)
        return Example(text, int(positive), sources, True, trainable_row, category, row.locale)

    attacks = [row for row in rows if row.label in task.positive_labels]
    hosts = [row for row in rows if row.label == "benign"]
    return (
        [original(row, True) for row in rows]
        + augment(attacks, hosts, seed, task.convert_share, task.insert_share)
        + list(extra)
        + [original(row, False) for row in held_out_rows]
    )


def to_matrix(vectors: Sequence[SparseVector]) -> sparse.csr_matrix:
    """Stack feature vectors into the CSR matrix scikit-learn wants."""
    indptr = np.zeros(len(vectors) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(v.indices) for v in vectors])
    indices = np.concatenate([v.indices for v in vectors]) if vectors else np.zeros(0, np.int32)
    data = np.concatenate([v.values for v in vectors]) if vectors else np.zeros(0, np.float32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(vectors), N_BUCKETS))


def _fit_lr(matrix: sparse.csr_matrix, labels: npt.NDArray[np.int64]) -> LogisticRegression:
    model = LogisticRegression(
        C=REGULARISATION_C, class_weight="balanced", solver="lbfgs", max_iter=2000
    )
    return model.fit(matrix, labels)


def _combiner_features(
    margins: npt.NDArray[np.float64], rules: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    return np.column_stack([margins, rules, (rules >= 0.5).astype(np.float64)])


@dataclass(frozen=True)
class Calibration:
    """Platt scaling of the window margin, or (with rules) the margin-and-rule combiner."""

    platt: tuple[float, float]
    combiner: tuple[float, float, float, float] | None


CALIBRATION_FOLDS = 5


def calibration_folds(
    labels: npt.NDArray[np.int64], sources: Sequence[frozenset[str]] | None, seed: int
) -> list[tuple[list[int], list[int]]]:
    """Out-of-*source* folds when every fold can train on both classes: sources are dealt to
    folds at random, a text is tested in the fold of its first source and trained on only in
    folds that hold none of its sources. A margin on a source the model never saw is what the
    calibration must expect at run time; margins on held-out rows of seen sources are too
    confident, and the combiner then trusts the model more than it deserves. Falls back to
    stratified row folds (tiny data, or a class all in one source)."""
    if sources is not None:
        names = sorted(set().union(*sources))
        random.Random(seed).shuffle(names)
        fold_of = {name: i % CALIBRATION_FOLDS for i, name in enumerate(names)}
        folds = [
            (
                [i for i, s in enumerate(sources) if all(fold_of[x] != f for x in s)],
                [i for i, s in enumerate(sources) if fold_of[min(s)] == f],
            )
            for f in range(CALIBRATION_FOLDS)
        ]
        if all(len(set(labels[train].tolist())) == 2 for train, _ in folds):
            return folds
    stratified = StratifiedKFold(n_splits=CALIBRATION_FOLDS, shuffle=True, random_state=seed)
    return [(list(a), list(b)) for a, b in stratified.split(np.zeros(len(labels)), labels)]


def fit_calibration(
    matrix: sparse.csr_matrix,
    grams: Sequence[Ngrams],
    labels: npt.NDArray[np.int64],
    rules: npt.NDArray[np.float64] | None,
    seed: int,
    sources: Sequence[frozenset[str]] | None = None,
) -> Calibration:
    """Fitted on out-of-fold margins (:func:`calibration_folds`) taken as at run time (the
    largest over the text's windows). The fit is unweighted, so probabilities reflect the
    training mix (mostly benign) rather than the balanced weighting the margin was fitted with;
    that keeps 0.5 conservative. ``matrix`` holds the whole-text vectors of ``grams``."""
    margins = np.zeros(len(labels))
    for train_idx, test_idx in calibration_folds(labels, sources, seed):
        fold_model = _fit_lr(matrix[train_idx], labels[train_idx])
        weights = fold_model.coef_[0].astype(np.float32)
        for i in test_idx:
            margins[i] = max_window_dot(grams[i], weights) + fold_model.intercept_[0]
    platt = LogisticRegression(C=1e6).fit(margins.reshape(-1, 1), labels)
    combiner = None
    if rules is not None:
        fitted = LogisticRegression(C=1e6).fit(_combiner_features(margins, rules), labels)
        m, r, h = (float(x) for x in fitted.coef_[0])
        combiner = (m, r, h, float(fitted.intercept_[0]))
    return Calibration((float(platt.coef_[0, 0]), float(platt.intercept_[0])), combiner)


def fit_head(
    grams: Sequence[Ngrams], categories: Sequence[str]
) -> tuple[list[str], npt.NDArray[np.float32]]:
    """A multinomial category head over the whole-text vectors; weights too small to matter
    are zeroed so the file compresses."""
    labels = sorted(set(categories))
    matrix = to_matrix([to_vector(g) for g in grams])
    head = LogisticRegression(C=REGULARISATION_C, max_iter=2000).fit(matrix, categories)
    weights = head.coef_.astype(np.float32)
    weights[np.abs(weights) < HEAD_PRUNE] = 0.0
    return labels, weights


def fit_linear(
    grams: Sequence[Ngrams],
    labels: Sequence[int],
    seed: int,
    calibrate: bool = True,
    meta: dict[str, object] | None = None,
    rules: Sequence[float] | None = None,
    sources: Sequence[frozenset[str]] | None = None,
) -> LinearModel:
    """Logistic regression on whole texts, then its calibration (see :func:`fit_calibration`)."""
    matrix = to_matrix([to_vector(g) for g in grams])
    y = np.asarray(labels, dtype=np.int64)
    model = _fit_lr(matrix, y)
    calibration = Calibration((1.0, 0.0), None)
    if calibrate:
        rule_scores = None if rules is None else np.asarray(rules, dtype=np.float64)
        calibration = fit_calibration(matrix, grams, y, rule_scores, seed, sources)
    return LinearModel(
        weights=model.coef_[0].astype(np.float32),
        bias=float(model.intercept_[0]),
        platt_a=calibration.platt[0],
        platt_b=calibration.platt[1],
        meta=dict(meta or {}),
        combiner=calibration.combiner,
    )


def rule_scores(texts: Sequence[str]) -> list[float]:
    """The rule tier's best score per text (0 when nothing fired), input surface."""
    from seawall.detectors.base import Context
    from seawall.detectors.injection import InjectionParams, PromptInjectionDetector

    detector = PromptInjectionDetector(InjectionParams(model=False))
    return [
        max((f.score for f in detector.detect(text, Context(surface="input"))), default=0.0)
        for text in texts
    ]


def tpr_at_fpr(
    attack_scores: npt.NDArray[np.float64],
    benign_scores: npt.NDArray[np.float64],
    fpr: float = TARGET_FPR,
) -> tuple[float, float]:
    """(TPR, threshold) with the threshold set so at most ``fpr`` of benign scores exceed it."""
    threshold = float(np.quantile(benign_scores, 1.0 - fpr, method="higher"))
    return float(np.mean(attack_scores > threshold)), threshold


def balanced_f1(
    attack: npt.NDArray[np.float64], benign: npt.NDArray[np.float64], threshold: float, seed: int
) -> float:
    """F1 at ``threshold`` on an equal number of attack and benign texts (seeded subsample of
    the larger side), so the figure does not depend on which side happens to be bigger."""
    n = min(len(attack), len(benign))
    rng = np.random.default_rng(seed)
    a = rng.choice(attack, n, replace=False) if len(attack) > n else attack
    b = rng.choice(benign, n, replace=False) if len(benign) > n else benign
    tp, fp = int(np.sum(a >= threshold)), int(np.sum(b >= threshold))
    return 2 * tp / (2 * tp + fp + (n - tp)) if n else 0.0


@dataclass
class LosoCell:
    attack_source: str
    benign_source: str
    n_attack: int
    n_benign: int
    tpr: float  # at the task's target FPR on the held-out benign source
    f1: float  # at probability 0.5, balanced mix
    fpr_at_half: float  # benign scored >= 0.5
    auroc: float
    rules_tpr: float | None = None  # the rule tier alone, same cell (rule-combining models)


@dataclass
class TrainingReport:
    task: str
    seed: int
    train_counts: dict[str, int]
    n_augmented: int
    n_extra: int
    loso: list[LosoCell]
    head: dict[str, float]
    eval_only: dict[str, float]
    weights_path: Path
    weights_bytes: int
    weights_sha256: str
    latency_ms_per_kb: float


def _fold_model(
    examples: Sequence[Example],
    grams: Sequence[Ngrams],
    rules: npt.NDArray[np.float64] | None,
    train_idx: Sequence[int],
    seed: int,
) -> Callable[[int], float]:
    """Fit on ``train_idx`` and return the calibrated log-odds of an example, exactly as the
    shipped model would score it (calibration fitted inside the fold)."""
    model = fit_linear(
        [grams[i] for i in train_idx],
        [examples[i].label for i in train_idx],
        seed,
        rules=None if rules is None else rules[list(train_idx)].tolist(),
        sources=[examples[i].sources for i in train_idx],
    )

    def log_odds(i: int) -> float:
        rule = None if rules is None else float(rules[i])
        return model.log_odds(model.window_logit(grams[i]), rule)

    return log_odds


def evaluate_loso(
    examples: Sequence[Example],
    grams: Sequence[Ngrams],
    task: Task,
    seed: int,
    rules: npt.NDArray[np.float64] | None = None,
) -> list[LosoCell]:
    """Train without one attack source and one benign source; TPR at the target FPR, F1 and FPR
    at 0.5 on them, with texts scored exactly as at run time."""
    cells = []
    eval_sources = sorted({s for ex in examples if not ex.trainable for s in ex.sources})
    folds = loso_folds(
        [ex.sources for ex in examples], task.attack_sources, (*task.benign_sources, *eval_sources)
    )
    for fold in folds:
        train_idx = [i for i in fold.train if examples[i].trainable]
        log_odds = _fold_model(examples, grams, rules, train_idx, seed)
        scores = {i: log_odds(i) for i in fold.test if examples[i].original}
        attack, benign = (
            np.asarray([v for i, v in scores.items() if source in examples[i].sources])
            for source in (fold.attack_source, fold.benign_source)
        )
        tpr, _ = tpr_at_fpr(attack, benign, task.target_fpr)
        rules_tpr = None
        if rules is not None:
            rule_attack, rule_benign = (
                rules[[i for i in scores if source in examples[i].sources]]
                for source in (fold.attack_source, fold.benign_source)
            )
            rules_tpr = tpr_at_fpr(rule_attack, rule_benign, task.target_fpr)[0]
        cells.append(
            LosoCell(
                fold.attack_source,
                fold.benign_source,
                len(attack),
                len(benign),
                tpr,
                balanced_f1(attack, benign, 0.0, seed),  # log-odds 0 is probability 0.5
                float(np.mean(benign >= 0.0)),
                auroc(attack.tolist(), benign.tolist()) or 0.0,
                rules_tpr,
            )
        )
    return cells


def evaluate_head(examples: Sequence[Example], grams: Sequence[Ngrams]) -> dict[str, float]:
    """Top-1 accuracy of the category head with one group (a locale) held out in turn."""
    out: dict[str, float] = {}
    labelled = [i for i, ex in enumerate(examples) if ex.category and ex.original]
    for group in sorted({g for i in labelled if (g := examples[i].group)}):
        train_idx = [i for i in labelled if examples[i].group != group]
        test_idx = [i for i in labelled if examples[i].group == group]
        labels, weights = fit_head(
            [grams[i] for i in train_idx], [examples[i].category or "" for i in train_idx]
        )
        probe = LinearModel(
            np.zeros(N_BUCKETS, np.float32), 0.0, head_labels=tuple(labels), head_weights=weights
        )
        hits = sum(
            (named := probe.category(grams[i])) is not None and named[0] == examples[i].category
            for i in test_idx
        )
        out[f"held-out {group} (n={len(test_idx)})"] = hits / len(test_idx)
    return out


def evaluate_eval_only(model: LinearModel, data_dir: Path, task: Task) -> dict[str, float]:
    """Scores on sets the licence keeps out of training (never seen by the model)."""
    rows = read_all(data_dir, [d for d, lic in LICENCES.items() if lic.use is Use.EVAL_ONLY])
    scores: dict[str, list[float]] = {}
    for row in rows:
        kind = "attack" if row.label in task.positive_labels else "benign"
        if kind == "benign" and row.label != "benign":
            continue
        scores.setdefault(f"{row.dataset}/{kind}", []).append(model.score(main_view(row.text)))
    out: dict[str, float] = {}
    for key, values in sorted(scores.items()):
        arr = np.asarray(values)
        name = "TPR" if key.endswith("/attack") else "FPR"
        out[f"{key} {name} at 0.5 (n={len(arr)})"] = float(np.mean(arr >= 0.5))
    return out


def measure_latency(model: LinearModel, repeats: int = 2000) -> float:
    """Milliseconds per 1 KB of English text for features + dot product (one core)."""
    sentence = "Please summarise the quarterly report and list the three main risks for the team. "
    text = (sentence * (1024 // len(sentence) + 1))[:1024]
    model.score(text)
    start = time.perf_counter()
    for _ in range(repeats):
        model.score(text)
    return (time.perf_counter() - start) / repeats * 1e3


def train(
    task_or_name: Task | str,
    data_dir: Path,
    seed: int,
    out_dir: Path,
    evaluate: bool = True,
    log: Callable[[str], None] = lambda _: None,
) -> TrainingReport:
    """Select, augment, evaluate leave-one-source-out, then fit and write the shipping model."""
    task = TASKS[task_or_name] if isinstance(task_or_name, str) else task_or_name
    task_name = task.name
    all_rows = read_all(data_dir, sorted(LICENCES))
    rows = select_rows(all_rows, task, seed)
    if not rows:
        raise ValueError(f"no trainable rows for {task_name!r} under {data_dir}")
    log(f"{len(rows)} rows from {len({r.dataset for r in rows})} data sets; featurizing")
    extra = task.extra(rows, seed) if task.extra else []
    held_out = eval_rows(all_rows, task, seed) if evaluate else []
    examples = build_examples(rows, task, seed, held_out, extra)
    grams = [ngrams(ex.text) for ex in examples]
    rules = np.asarray(rule_scores([ex.text for ex in examples])) if task.combine_rules else None
    loso = evaluate_loso(examples, grams, task, seed, rules) if evaluate else []
    head_eval = evaluate_head(examples, grams) if evaluate and task.category_of else {}
    log("fitting the shipping model")
    shipped_idx = [i for i, ex in enumerate(examples) if ex.trainable]
    counts = Counter(row.dataset for row in rows)
    model = fit_linear(
        [grams[i] for i in shipped_idx],
        [examples[i].label for i in shipped_idx],
        seed,
        meta={"task": task_name, "seed": seed, "train_rows": dict(sorted(counts.items()))},
        rules=None if rules is None else rules[shipped_idx].tolist(),
        sources=[examples[i].sources for i in shipped_idx],
    )
    if task.category_of:
        labelled = [i for i in shipped_idx if examples[i].category]
        labels, weights = fit_head(
            [grams[i] for i in labelled], [examples[i].category or "" for i in labelled]
        )
        model = replace(model, head_labels=tuple(labels), head_weights=weights)
    path = out_dir / f"{task_name}.npz"
    model.save(path)
    payload = path.read_bytes()
    shipped = LinearModel.load(path)
    return TrainingReport(
        task=task_name,
        seed=seed,
        train_counts=dict(sorted(counts.items())),
        n_augmented=sum(1 for ex in examples if not ex.original) - len(extra),
        n_extra=len(extra),
        loso=loso,
        head=head_eval,
        eval_only=evaluate_eval_only(shipped, data_dir, task) if evaluate else {},
        weights_path=path,
        weights_bytes=len(payload),
        weights_sha256=hashlib.sha256(payload).hexdigest(),
        latency_ms_per_kb=measure_latency(shipped),
    )


def loso_table(cells: Sequence[LosoCell], metric: str = "tpr") -> str:
    """Markdown: one row per held-out attack source, one column per held-out benign source;
    ``metric`` is a :class:`LosoCell` field (``tpr``, ``f1`` or ``fpr_at_half``)."""
    attacks = list(dict.fromkeys(c.attack_source for c in cells))
    benigns = list(dict.fromkeys(c.benign_source for c in cells))
    lookup = {(c.attack_source, c.benign_source): c for c in cells}
    worst = max if metric == "fpr_at_half" else min
    header = "| held-out attack source (n) | " + " | ".join(
        f"{b} (n={lookup[attacks[0], b].n_benign})" for b in benigns
    )
    lines = [header + f" | {worst.__name__} |", "|---" * (len(benigns) + 2) + "|"]
    for a in attacks:
        values = [float(getattr(lookup[a, b], metric)) for b in benigns]
        spec = ".3f" if metric == "auroc" else ".1%"
        row = " | ".join(f"{v:{spec}}" for v in values)
        n = lookup[a, benigns[0]].n_attack
        lines.append(f"| {a} (n={n}) | {row} | {worst(values):{spec}} |")
    return "\n".join(lines)


def _percent_table(values: dict[str, float], header: str) -> str:
    rows = "\n".join(f"| {k} | {v:.1%} |" for k, v in values.items())
    return f"| {header} | value |\n|---|---|\n{rows}" if values else "(not run)"


def render_card(report: TrainingReport) -> str:
    """The model card: data and licences, split, metrics, date, seed, size."""
    task = TASKS[report.task]
    trained = "\n".join(
        f"| {name} | {LICENCES[name].spdx} | {n} |" for name, n in report.train_counts.items()
    )
    eval_only = "\n".join(
        f"| {name} | {lic.spdx} |" for name, lic in LICENCES.items() if lic.use is Use.EVAL_ONLY
    )
    tables = "(not run)"
    if report.loso:
        tables = "\n\n".join(
            f"{title}\n\n{loso_table(report.loso, metric)}"
            for title, metric in (
                (f"**TPR at {task.target_fpr:.0%} FPR** on the held-out benign source:", "tpr"),
                ("**F1 at probability 0.5**, equal numbers of attack and benign texts:", "f1"),
                ("**FPR at probability 0.5** on the held-out benign source:", "fpr_at_half"),
                ("**AUROC**, held-out positive vs held-out benign source:", "auroc"),
            )
        )
        if all(c.rules_tpr is not None for c in report.loso):
            rules_table = loso_table(report.loso, "rules_tpr")
            tables += (
                f"\n\n**The rule tier alone, TPR at {task.target_fpr:.0%} FPR**, same cells (the "
                "rules were written with these sets in view, so this is not a clean held-out "
                f"figure; ties at score 0 count as not flagged):\n\n{rules_table}"
            )
    return CARD_TEMPLATE.format(
        task=report.task,
        date=datetime.now(UTC).strftime("%Y-%m-%d"),
        seed=report.seed,
        summary=task.summary.strip(),
        trained=trained,
        n_augmented=report.n_augmented,
        n_extra=report.n_extra,
        eval_only=eval_only,
        loso=tables,
        head=_percent_table(report.head, "category head, top-1 accuracy"),
        metrics=_percent_table(report.eval_only, "evaluation-only set"),
        size_kb=report.weights_bytes / 1024,
        sha=report.weights_sha256[:16],
        latency=report.latency_ms_per_kb,
        c=REGULARISATION_C,
        window=WINDOW,
        stride=STRIDE,
        convert_share=task.convert_share,
        insert_share=task.insert_share,
        calibration=(
            "a combiner of the model's margin and the rule tier's best score "
            "(`sigmoid(m * margin + r * rule + h * [rule >= 0.5] + c)`)"
            if task.combine_rules
            else "Platt scaling of the margin"
        ),
    )


CARD_TEMPLATE = """\
# Model card: `{task}` (lite linear model)

Generated by `seawall train {task} --seed {seed}` on {date} (all cards and the table in
`docs/detectors.md`: `seawall train all`).

{summary}

- **Model**: logistic regression (C = {c}, balanced class weights) over hashed features
  (character 3-5-grams, FNV-1a over code points; word 1-2-grams, CRC-32; 2^18 buckets; binary,
  each distinct n-gram counted once at its first occurrence, over the square root of their
  number, so the vector has unit length), float16 weights. Scores are probabilities:
  {calibration}, fitted on out-of-*source* margins (sources dealt to 5 folds; each text scored
  by a model that never saw its source), because that is the shift the model meets at run time.
  Calibrating on ordinary out-of-fold margins made the model look surer than it is: the
  combined prompt-injection score then flagged 5.0% of the held-out Alpaca instructions at 0.5,
  against 1.5% now. Inference is numpy only.
- **Windowed scoring**: a text is scored as a whole and in overlapping {window}-character windows
  (stride {stride}, over the case- and whitespace-folded text); the largest margin counts, so a
  short span inside a long benign document is not diluted. The evaluation and the calibration
  score texts the same way.
- **Input**: the normalizer's main view (NFKC, invisible characters removed, look-alikes folded),
  exactly what a detector gets from `context.grams(text)`.
- **File**: `seawall/models/weights/{task}.npz`, {size_kb:.0f} KB, sha256 `{sha}…`
  (byte-identical for the same data and seed).
- **Latency**: {latency:.3f} ms per 1 KB on one core (features + dot product; normalizing and
  featurizing are shared with the other detectors of a check).

## Training data (licence allows shipping derived weights)

| data set | licence | rows used |
|---|---|---|
{trained}

Augmentation (seeded): {n_augmented} extra positive texts. {convert_share:.0%} of the training
positives are also seen through one of the red-team converters zero_width, homoglyphs, spacing,
leetspeak (then normalized, as at run time), and {insert_share:.0%} are inserted into a random
benign training text at its start, middle or end. Augmented texts count as coming from both
sources, so no held-out source leaks into training through them. Extra training texts (see
above; never tested on, and left out of a fold whenever a source they were built from is held
out): {n_extra}.

## Evaluation-only data (never in the weights)

| data set | licence |
|---|---|
{eval_only}

## Leave-one-source-out

For each cell one positive source and one benign source are both held out, the model (with its
calibration) is trained on everything else, and the held-out texts are scored as at run time.
Evaluation-only benign sets are never trained on, so their columns hold out only the positive
source.

{loso}

## Category head

{head}

## Evaluation-only sets, whole shipped model

{metrics}
"""
