"""Embedding goldens for an adapter that Quire trained in Java: PEFT 0.20 loads the committed
training/src/test/resources/dev/quire/training/trained/colqwen3-tiny-128-trained (written by the training
module's TrainedAdapterTest: a seeded fresh adapter, three AdamW steps, saved in PEFT's layout) onto the tiny
128-d ColQwen3 fixture, and colpali-engine 0.3.18 embeds fixed queries and page images with it (eval mode).

Writes encoder/src/test/resources/dev/quire/encoder/colqwen3/trained-adapter/{goldens.safetensors,goldens.json}:
per input its unpadded ids and embeddings [tokens, 128]; the encoder's TrainedAdapterParityTest compares them
with what `ColQwen3Encoder.open(checkpoint, adapter, ...)` gives. Float32, one thread.

    /work/venvs/reference/bin/python tools/reference/trained_adapter_goldens.py
"""

from __future__ import annotations

import hashlib
import json
import sys
from importlib.metadata import version
from pathlib import Path

import torch
from PIL import Image
from safetensors.torch import save_file

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import tiny_model  # noqa: E402

CHECKPOINT = ROOT / "model/src/test/resources/reference/colqwen3-tiny-128"
ADAPTER = ROOT / "training/src/test/resources/dev/quire/training/trained/colqwen3-tiny-128-trained"
IMAGES = ROOT / "model/src/test/resources/reference/images"
OUT = ROOT / "encoder/src/test/resources/dev/quire/encoder/colqwen3/trained-adapter"

QUERIES = ["What is the total revenue?", "the invoice total", "年度报告的收入是多少？", "latency"]
PAGES = ["tiny_icon.png", "wide_slide.png"]


def main() -> None:
    from colpali_engine.models import ColQwen3Processor
    from peft import PeftModel

    torch.set_num_threads(1)
    processor = ColQwen3Processor.from_pretrained(str(CHECKPOINT))
    base = tiny_model.ColQwen3Dim128.from_pretrained(str(CHECKPOINT), dtype=torch.float32, attn_implementation="eager")
    model = PeftModel.from_pretrained(base, str(ADAPTER)).eval()
    lora = [n for n, _ in model.named_parameters() if ".lora_" in n]
    tensors: dict[str, torch.Tensor] = {}
    inputs = []
    with torch.no_grad():
        for kind, batch, labels in (
            ("query", processor.process_queries(QUERIES), QUERIES),
            ("page", processor.process_images([Image.open(IMAGES / p).convert("RGB") for p in PAGES]), PAGES),
        ):
            embeddings = model(**batch)
            # the same inputs through the bare checkpoint: the adapter must matter far beyond the tolerance
            with model.disable_adapter():
                bare = model(**batch)
            for i, label in enumerate(labels):
                keep = batch["attention_mask"][i].bool()
                tensors[f"{kind}{i}.input_ids"] = batch["input_ids"][i][keep].to(torch.int64).contiguous()
                tensors[f"{kind}{i}.embeddings"] = embeddings[i][keep].contiguous()
                change = (embeddings[i][keep] - bare[i][keep]).abs().max().item()
                inputs.append({"kind": kind, "index": i, "label": label, "tokens": int(keep.sum()),
                               "max_change_from_bare_checkpoint": change})
                print(f"{kind}{i} {label!r:34s} {int(keep.sum()):4d} tokens, adapter moves it by up to {change:.3e}")
    OUT.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(OUT / "goldens.safetensors"))
    meta = {
        "about": "PEFT-loaded Java-trained adapter on colqwen3-tiny-128, eval mode: unpadded ids and embeddings per "
                 "input; written by tools/reference/trained_adapter_goldens.py",
        "adapter_model_sha256": hashlib.sha256((ADAPTER / "adapter_model.safetensors").read_bytes()).hexdigest(),
        "lora_matrices": len(lora),
        "versions": {"colpali_engine": version("colpali_engine"), "peft": version("peft"), "torch": torch.__version__,
                     "transformers": version("transformers")},
        "inputs": inputs,
    }
    (OUT / "goldens.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
