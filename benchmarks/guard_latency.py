"""Guard latency on one CPU core: per detector and for the default input policy.

Texts of 256 B, 1 KB and 4 KB are built from benign instructions in
``../shared/datasets/selfinstruct_t0_benign`` (Apache-2.0), one in four seeded with an e-mail
address, a phone number and a card number so the PII path does real work. Prints p50 / p99 in
microseconds; then, unless ``--skip-presidio``, runs ``pii_vs_presidio`` for the speed ratio and
both F1 scores on ``presidio_synth_pii``.

    python benchmarks/guard_latency.py [--rounds 400] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from seawall.detectors.base import Context
from seawall.detectors.injection import InjectionParams, PromptInjectionDetector
from seawall.guard import Guard

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "datasets"
SIZES = {"256B": 256, "1KB": 1024, "4KB": 4096}
SEEDED_PII = " Contact me at maria.rossi@example.org or +1 415 555 0132, card 4111 1111 1111 1111."
FALLBACK = (
    "Please summarise the following meeting notes for the product team and list the open "
    "questions, owners and deadlines. Keep it short and friendly. "
)


def pin_one_core() -> str:
    """Benchmarks run on one core: the machine has two, and a second thread only adds noise."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        return f"pinned to core {min(os.sched_getaffinity(0))}"
    return "not pinned"


def benign_corpus(data_dir: Path, limit: int = 3000) -> list[str]:
    path = data_dir / "selfinstruct_t0_benign" / "data.jsonl"
    if not path.exists():
        return [FALLBACK]
    texts = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            texts.append(json.loads(line)["text"])
            if len(texts) >= limit:
                break
    return texts


def make_texts(corpus: list[str], size: int, count: int, seed: int = 0) -> list[str]:
    """``count`` texts of ``size`` bytes (UTF-8), a quarter with PII seeded in the middle."""
    rng = random.Random(seed)
    texts = []
    for i in range(count):
        parts: list[str] = []
        while len(" ".join(parts).encode()) < size:
            parts.append(rng.choice(corpus))
        text = " ".join(parts)
        if i % 4 == 0:
            middle = len(text) // 2
            text = text[:middle] + SEEDED_PII + text[middle:]
        texts.append(text.encode()[:size].decode("utf-8", errors="ignore"))
    return texts


def measure(fn: Callable[[str], object], texts: list[str], rounds: int) -> tuple[float, float]:
    """p50 and p99 in microseconds over ``rounds`` calls cycling through ``texts``."""
    for text in texts[:20]:
        fn(text)  # warm caches and lazy imports
    samples = []
    for i in range(rounds):
        text = texts[i % len(texts)]
        t0 = time.perf_counter_ns()
        fn(text)
        samples.append((time.perf_counter_ns() - t0) / 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def run(rounds: int, data_dir: Path) -> dict[str, object]:
    guard = Guard.from_policy(None)
    rules_only = PromptInjectionDetector(InjectionParams(model=False))
    all_models = Guard.from_policy("builtin:all-models")
    corpus = benign_corpus(data_dir)
    results: list[dict[str, object]] = []
    for label, size in SIZES.items():
        texts = make_texts(corpus, size, 64)
        rows: list[tuple[str, Callable[[str], object]]] = [
            ("default input policy (Guard.check)", lambda t: guard.check(t, "input")),
            ("builtin:all-models input policy", lambda t: all_models.check(t, "input")),
            ("normalize", lambda t: Context().normalized(t)),
            ("model features (normalize + n-grams)", lambda t: Context().grams(t)),
        ]
        for det in all_models.detectors("input"):
            rows.append((f"detector {det.name}", lambda t, d=det: d.detect(t, Context())))
        rows.append(("prompt_injection, rules only", lambda t: rules_only.detect(t, Context())))
        for name, fn in rows:
            p50, p99 = measure(fn, texts, rounds)
            results.append({"size": label, "what": name, "p50_us": p50, "p99_us": p99})
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()} {platform.processor() or ''} "
        f"{os.cpu_count()} cores, Python {platform.python_version()}".strip(),
        "policy_hash": guard.policy_hash,
        "rows": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=400, help="timed calls per row")
    parser.add_argument("--data", type=Path, default=DATA, help="../shared/datasets folder")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument("--skip-presidio", action="store_true")
    args = parser.parse_args()
    pinned = pin_one_core()
    report = run(args.rounds, args.data)
    report["cpu"] = pinned
    if args.json and args.skip_presidio:
        print(json.dumps(report, indent=2))
        return
    print(f"guard latency — {report['date']} — {report['machine']} ({pinned})")
    print(f"policy {report['policy_hash']}")
    print(f"{'size':>5}  {'what':<40} {'p50 µs':>9} {'p99 µs':>9}")
    for row in report["rows"]:  # type: ignore[attr-defined]
        print(f"{row['size']:>5}  {row['what']:<40} {row['p50_us']:>9.1f} {row['p99_us']:>9.1f}")
    if args.skip_presidio:
        return
    sys.path.insert(0, str(ROOT))
    from benchmarks import pii_vs_presidio

    print()
    pii_vs_presidio.main([])


if __name__ == "__main__":
    main()
