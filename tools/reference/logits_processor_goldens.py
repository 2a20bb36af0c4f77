"""Golden outputs of transformers' logits processors on random logits, for the Java sampling chain.

Each case: a sequence of input ids, float32 logits over a small vocabulary, one processor with its
setting, and the scores transformers' processor returns (removed ids as -inf). The Java
Processors must give the same scores (1e-6) and remove the same ids.

    /work/venvs/reference/bin/python tools/reference/logits_processor_goldens.py
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import torch
import transformers
from transformers.generation.logits_process import (
    MinPLogitsWarper,
    RepetitionPenaltyLogitsProcessor,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "generation" / "src" / "test" / "resources" / "sampling" / "processor-goldens.json"
VOCAB = 64

PROCESSORS = [
    ("repetition_penalty", 1.3, lambda v: RepetitionPenaltyLogitsProcessor(v)),
    ("repetition_penalty", 0.8, lambda v: RepetitionPenaltyLogitsProcessor(v)),
    ("temperature", 0.7, lambda v: TemperatureLogitsWarper(v)),
    ("temperature", 1.5, lambda v: TemperatureLogitsWarper(v)),
    ("top_k", 1, lambda v: TopKLogitsWarper(int(v))),
    ("top_k", 20, lambda v: TopKLogitsWarper(int(v))),
    ("top_p", 0.8, lambda v: TopPLogitsWarper(v)),
    ("top_p", 0.3, lambda v: TopPLogitsWarper(v)),
    ("top_p", 0.95, lambda v: TopPLogitsWarper(v)),
    ("min_p", 0.05, lambda v: MinPLogitsWarper(v)),
    ("min_p", 0.3, lambda v: MinPLogitsWarper(v)),
]


def encode(values: torch.Tensor) -> list:
    return [None if math.isinf(x) else x for x in values.tolist()]


def main() -> None:
    torch.manual_seed(20261207)
    cases = []
    for trial in range(4):
        # sharper and flatter distributions
        logits = torch.randn(1, VOCAB, dtype=torch.float32) * (1.0 + 2.0 * trial)
        ids = torch.randint(0, VOCAB, (1, 12))
        for name, value, make in PROCESSORS:
            out = make(value)(ids.clone(), logits.clone())
            cases.append({
                "processor": name,
                "value": value,
                "input_ids": ids[0].tolist(),
                "logits": logits[0].tolist(),
                "scores": encode(out[0]),
            })
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "note": "scores: null stands for -inf (a removed id)",
        "cases": cases,
    }, indent=None) + "\n")


if __name__ == "__main__":
    main()
