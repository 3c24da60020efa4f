"""Throughput of the afwegingskader engine on one core.

    python bench/bench_engine.py

Prints cases classified per second by the compiled engine with the example
criteria of criteria.md and with a generated 50-basket document (realistic
conditions, most cases falling through many baskets to the catch-all):
`classify` alone (facts precomputed), `classify` + the explanation that is
stored with a classification, and facts + classify + explanation.
"""
from __future__ import annotations

import json
import os
import random
import sys
import time
from datetime import date, timedelta

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "layers", "common"))

from vroegsignaal.domain.criteria import (  # noqa: E402
    SignalFacts,
    compute_facts,
    example_document,
    parse_criteria,
)

PARTNER_TYPES = ["housing", "energy", "water", "health_insurance", "mortgage", "other"]
MIN_SECONDS = 1.0


def make_cases(rng: random.Random, count: int) -> list[dict]:
    """Households of 1-3 signals, like the stream sees them."""
    cases = []
    for n in range(count):
        start = date(2026, 1, 1) + timedelta(days=rng.randrange(300))
        signals = []
        for i in range(rng.choice((1, 1, 1, 1, 2, 2, 3))):
            signal_date = start + timedelta(days=rng.randrange(30))
            partner_type = rng.choice(PARTNER_TYPES)
            signals.append(SignalFacts(
                partner_id=f"p{rng.randrange(40)}",
                partner_type=partner_type,
                signal_date=signal_date,
                arrears_since=signal_date - timedelta(days=rng.randrange(20, 400)),
                amount_cents=rng.choice((rng.randrange(1000, 9000), rng.randrange(10000, 200000))),
                crisis=rng.random() < 0.03,
                warm_transfer=rng.random() < 0.05,
                supply_ending=partner_type in ("energy", "water") and rng.random() < 0.03,
                date_of_birth=(date(rng.randrange(1945, 2008), rng.randrange(1, 13), rng.randrange(1, 29))
                               if rng.random() < 0.7 else None),
                has_phone=rng.random() < 0.6,
                has_email=rng.random() < 0.5,
                arrival=f"{n:06d}{i}",
            ))
        earlier = [start - timedelta(days=rng.randrange(1, 700)) for _ in range(rng.choice((0, 0, 0, 1, 2)))]
        postcode = f"{rng.randrange(1000, 9999)}{rng.choice('ABCDEFGH')}{rng.choice('ABCDEFGH')}"
        cases.append({"signals": signals, "postcode": postcode, "case_start": min(s.signal_date for s in signals),
                      "earlier_case_starts": earlier})
    return cases


def fifty_baskets(rng: random.Random) -> dict:
    """49 narrow baskets (districts, age bands, partner mixes, amounts) and a catch-all."""
    baskets = []
    for n in range(49):
        district = [f"{rng.randrange(1000, 9999)}" for _ in range(rng.randrange(1, 4))]
        kind = n % 5
        if kind == 0:
            when = {"all": [{"fact": "postcode", "starts_with": district},
                            {"fact": "partner_type", "in": rng.sample(PARTNER_TYPES, 2)},
                            {"fact": "total_amount", "gte": rng.choice((250, 500, 750.5))}]}
        elif kind == 1:
            low = rng.randrange(18, 70)
            when = {"all": [{"fact": "age", "between": [low, low + 2]},
                            {"fact": "partner_types", "contains": rng.choice(PARTNER_TYPES)},
                            {"any": [{"fact": "days_in_arrears", "gt": 300},
                                     {"fact": "max_amount", "gte": 1800.25}]}]}
        elif kind == 2:
            when = {"any": [{"all": [{"fact": "warm_transfer", "equals": True},
                                     {"fact": "postcode", "starts_with": district[0]}]},
                            {"all": [{"fact": "signal_count", "gte": 3},
                                     {"fact": "partner_count", "gte": 3},
                                     {"fact": "amount", "gt": 1900}]}]}
        elif kind == 3:
            when = {"all": [{"not": {"fact": "partner_type", "in": ["housing", "energy", "water"]}},
                            {"fact": "postcode", "starts_with": district},
                            {"fact": "has_email", "equals": True}]}
        else:
            when = {"all": [{"fact": "repeat", "equals": True},
                            {"fact": "age", "exists": True},
                            {"fact": "postcode", "not_in": ["1234AB"]},
                            {"fact": "total_amount", "between": [rng.randrange(50, 100), rng.randrange(100, 120)]}]}
        baskets.append({"id": f"b{n:02d}", "name": f"Bakje {n}", "action": rng.choice(("letter", "phone_call")),
                        "when": when})
    baskets.append({"id": "rest", "name": "Overig", "path": [{"action": "letter"},
                                                          {"action": "phone_call", "after_days": 14}]})
    return {"schema_version": 1, "label": "50 bakjes", "baskets": baskets}


def rate(work, items) -> float:
    """Items processed per second, over at least MIN_SECONDS."""
    done = 0
    start = time.perf_counter()
    while True:
        work(items)
        done += len(items)
        elapsed = time.perf_counter() - start
        if elapsed >= MIN_SECONDS:
            return done / elapsed


def n(rate: float) -> str:
    return f"{rate:,.0f}".replace(",", " ")


def bench(title: str, document: dict, cases: list[dict]) -> None:
    criteria = parse_criteria(document)
    settings = criteria.settings
    facts = [compute_facts(c["signals"], postcode=c["postcode"], case_start=c["case_start"],
                           earlier_case_starts=c["earlier_case_starts"], settings=settings) for c in cases]
    classify = criteria.classify

    def only_classify(items):
        for f in items:
            _ = classify(f).basket_id

    def with_explanation(items):
        for f in items:
            _ = classify(f).explanation

    def facts_classify(items):
        for c in items:
            f = compute_facts(c["signals"], postcode=c["postcode"], case_start=c["case_start"],
                              earlier_case_starts=c["earlier_case_starts"], settings=settings)
            _ = classify(f).basket_id

    def facts_classify_explain(items):
        for c in items:
            f = compute_facts(c["signals"], postcode=c["postcode"], case_start=c["case_start"],
                              earlier_case_starts=c["earlier_case_starts"], settings=settings)
            _ = classify(f).explanation

    # every explanation must be storable: JSON without floats
    for f in facts[:200]:
        json.dumps(classify(f).explanation)
    positions = [classify(f).basket.position for f in facts]
    tried = sum(positions) / len(positions) + 1

    a = rate(only_classify, facts)
    b = rate(with_explanation, facts)
    c = rate(facts_classify, cases)
    d = rate(facts_classify_explain, cases)
    print(f"engine {title}: {n(a)} cases/s (classify) · {n(b)} cases/s (with explanation)")
    print(f"engine {title}: {n(c)} cases/s (facts + classify) · {n(d)} cases/s (facts + classify + explanation)")
    print(f"  ({len(criteria.baskets)} baskets, {tried:.1f} tried per case on average, {len(cases)} distinct cases)")


def main() -> None:
    rng = random.Random(632)
    cases = make_cases(rng, 2000)
    bench("example criteria", example_document(), cases)
    bench("50-basket criteria", fifty_baskets(rng), cases)


if __name__ == "__main__":
    main()
