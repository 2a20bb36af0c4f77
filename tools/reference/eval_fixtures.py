#!/usr/bin/env python3
"""Golden files for Quire's retrieval metrics, computed by pytrec_eval (trec_eval 9 inside).

Writes evaluation/src/test/resources/metrics/pytrec_eval_golden.json: a list of cases, each with
qrels, a run, the relevance level, and pytrec_eval's per-query values of ndcg_cut, map_cut,
recall, P (k = 1, 3, 5, 10, 20, 100) and recip_rank, plus their means over the evaluated queries
(what BEIR/MTEB report before rounding). The Java test (PytrecEvalGoldenTest) must match them to
1e-9.

The cases are random but seeded, and include the corner cases trec_eval decides: tied scores
(broken by document id, descending, compared as UTF-8 bytes), scores equal only in single
precision (trec_eval keeps scores as C floats), -0.0 vs 0.0, graded and negative relevance,
queries whose judgments are all 0 or negative, queries with no judgments at all, queries only in
the run or only in the qrels, documents not in the qrels, runs shorter than k, empty rankings,
and relevance_level 2. Duplicate documents in one query cannot be expressed to pytrec_eval (a dict);
trec_eval refuses them, and the Java parsers reject them.

Usage: python tools/reference/eval_fixtures.py [--out PATH] [--seed N]
"""
import argparse
import json
import random
from pathlib import Path

import pytrec_eval

CUTOFFS = [1, 3, 5, 10, 20, 100]
KS = ",".join(str(k) for k in CUTOFFS)
MEASURES = {f"ndcg_cut.{KS}", f"map_cut.{KS}", f"recall.{KS}", f"P.{KS}", "recip_rank"}

# Ids whose order differs between UTF-16 (Java's String.compareTo) and UTF-8 bytes (strcmp), plus
# case and prefix pairs.
SPECIAL_IDS = ["\U0001F600doc", "\uFF21doc", "\u00e9doc", "Doc", "doc", "doc1", "doc10", "d"]


def evaluate(qrels, run, relevance_level):
    evaluator = pytrec_eval.RelevanceEvaluator(qrels, MEASURES, relevance_level=relevance_level)
    per_query = evaluator.evaluate(run)
    names = sorted({name for values in per_query.values() for name in values})
    mean = {name: sum(v[name] for v in per_query.values()) / len(per_query) for name in names}
    return per_query, mean


def tie_cases():
    """Hand-made queries whose values depend only on trec_eval's ranking rules."""
    qrels = {
        "tie": {"a": 1, "b": 0},  # equal scores: "b" > "a" ranks first
        "float_tie": {"a": 1, "b": 0},  # 1 + 1e-12 == 1 in single precision
        "double_gap": {"a": 1, "b": 0},  # 1 + 1e-6 > 1 in single precision
        "signed_zero": {"a": 1, "b": 0},  # -0.0 == 0.0
        "utf8_order": {"\U0001F600": 1, "\uFF21": 0},  # UTF-8 F0.. > EF..; UTF-16 D83D < FF21
        "negative_rel": {"a": -1, "b": 1},
        "all_zero": {"a": 0, "b": 0},
        "all_negative": {"a": -1, "b": -2},
        "no_judgments": {},
        "only_in_qrels": {"a": 1},
        "empty_ranking": {"a": 1},
    }
    run = {
        "tie": {"a": 1.0, "b": 1.0},
        "float_tie": {"a": 1.0 + 1e-12, "b": 1.0},
        "double_gap": {"a": 1.0 + 1e-6, "b": 1.0},
        "signed_zero": {"a": 0.0, "b": -0.0},
        "utf8_order": {"\U0001F600": 5.0, "\uFF21": 5.0},
        "negative_rel": {"a": 2.0, "b": 1.0},
        "all_zero": {"a": 2.0, "b": 1.0},
        "all_negative": {"a": 2.0, "b": 1.0},
        "no_judgments": {"a": 1.0},
        "only_in_run": {"a": 1.0},
        "empty_ranking": {},
    }
    return qrels, run


def random_case(rng, n_queries, relevance_level, long_runs=False):
    qrels, run = {}, {}
    for q in range(n_queries):
        qid = f"q{q}"
        pool_size = rng.randint(1, 160 if long_runs else 40)
        pool = [f"d{rng.randrange(10_000):04d}" for _ in range(pool_size)]
        pool += rng.sample(SPECIAL_IDS, rng.randint(0, 3))
        pool = list(dict.fromkeys(pool))
        kind = rng.random()
        if kind < 0.85:
            judged = rng.sample(pool, rng.randint(1, len(pool)))
            grades = [-1, 0, 0, 1, 1, 2, 3] if rng.random() < 0.8 else [0, -1]
            qrels[qid] = {d: rng.choice(grades) for d in judged}
        if kind > 0.08:
            retrieved = rng.sample(pool, rng.randint(0, len(pool)))
            retrieved += [f"x{rng.randrange(1000):03d}" for _ in range(rng.randint(0, 5))]
            # Coarse scores make ties common; a few scores differ from others only beyond float precision.
            scores = {}
            for d in retrieved:
                s = rng.choice([round(rng.uniform(-1, 1), 1), round(rng.uniform(0, 30), 3), rng.uniform(0, 1)])
                if rng.random() < 0.05:
                    s = 0.5 + rng.choice([0.0, 1e-12, -1e-12, 3e-9])
                if rng.random() < 0.02:
                    s = -0.0
                scores[d] = s
            run[qid] = scores
    return qrels, run


def make_case(name, qrels, run, relevance_level):
    per_query, mean = evaluate(qrels, run, relevance_level)
    return {
        "name": name,
        "relevance_level": relevance_level,
        "qrels": qrels,
        "run": run,
        "expected": per_query,
        "expected_mean": mean,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = Path(__file__).resolve().parents[2]
    parser.add_argument("--out", type=Path, default=root / "evaluation/src/test/resources/metrics/pytrec_eval_golden.json")
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    qrels, run = tie_cases()
    cases = [make_case("tie_rules", qrels, run, 1)]
    ties = cases[0]["expected"]
    # The rules the Java side must reproduce, checked here against the real thing.
    assert ties["tie"]["recip_rank"] == 0.5, ties["tie"]
    assert ties["float_tie"]["recip_rank"] == 0.5, ties["float_tie"]
    assert ties["double_gap"]["recip_rank"] == 1.0, ties["double_gap"]
    assert ties["signed_zero"]["recip_rank"] == 0.5, ties["signed_zero"]
    assert ties["utf8_order"]["recip_rank"] == 1.0, ties["utf8_order"]
    assert "no_judgments" not in ties and "only_in_run" not in ties and "only_in_qrels" not in ties

    cases.append(make_case("random_level1", *random_case(rng, 14, 1), 1))
    cases.append(make_case("random_level2", *random_case(rng, 10, 2), 2))
    cases.append(make_case("random_long_runs", *random_case(rng, 4, 1, long_runs=True), 1))

    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({
        "generator": "tools/reference/eval_fixtures.py",
        "pytrec_eval": "pytrec-eval-terrier 0.5.11 (trec_eval 9)",
        "seed": args.seed,
        "cutoffs": CUTOFFS,
        "cases": cases,
    }, ensure_ascii=False, indent=1, sort_keys=False)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(text.encode('utf-8'))} bytes, {sum(len(c['expected']) for c in cases)} evaluated queries)")


if __name__ == "__main__":
    main()
