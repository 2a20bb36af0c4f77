"""Loss goldens for the training module: colpali-engine 0.3.18's late-interaction losses and their
gradients with respect to the embeddings, on fixed random multi-vector batches.

Writes training/src/test/resources/dev/quire/training/losses/{loss-goldens.json,loss-goldens.safetensors}.
Deterministic: fixed seeds, float32, one thread, the pure-torch MaxSim (COLPALI_SCORES_BACKEND=torch).

    /work/venvs/reference/bin/python tools/reference/training_goldens.py [--only losses|lora|optimiser]

Also the LoRA-gradient goldens (lora/) and the optimisation goldens (optim/): AdamW, schedules,
accumulation and clipping over three steps.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ["COLPALI_SCORES_BACKEND"] = "torch"

from importlib.metadata import version  # noqa: E402

import torch  # noqa: E402
from colpali_engine.loss.late_interaction_losses import (  # noqa: E402
    ColbertLoss,
    ColbertNegativeCELoss,
    ColbertPairwiseCELoss,
    ColbertPairwiseNegativeCELoss,
)
from safetensors.torch import save_file  # noqa: E402

LOSSES = {
    "ColbertLoss": ColbertLoss,
    "ColbertPairwiseCELoss": ColbertPairwiseCELoss,
    "ColbertNegativeCELoss": ColbertNegativeCELoss,
    "ColbertPairwiseNegativeCELoss": ColbertPairwiseNegativeCELoss,
}

OUT = Path(__file__).resolve().parents[2] / "training/src/test/resources/dev/quire/training/losses"


def multi_vectors(gen: torch.Generator, count: int, length: int, dim: int, min_real: int) -> torch.Tensor:
    """[count, length, dim] unit rows; each item keeps a random number (>= min_real) of real rows
    and zeros the others, left padding for even items and right padding for odd ones (both occur:
    the processor pads left, a collator may pad right)."""
    x = torch.randn(count, length, dim, generator=gen)
    x = x / x.norm(dim=-1, keepdim=True)
    for i in range(count):
        real = int(torch.randint(min_real, length + 1, (1,), generator=gen))
        if i % 2 == 0:
            x[i, : length - real] = 0
        else:
            x[i, real:] = 0
    return x


def near(gen: torch.Generator, base: torch.Tensor, noise: float) -> torch.Tensor:
    """Rows of base plus noise, renormalised, zero rows kept zero: documents that score high."""
    x = base + noise * torch.randn(base.shape, generator=gen)
    x = x / x.norm(dim=-1, keepdim=True)
    return x * (base.abs().sum(-1, keepdim=True) != 0)


# name, loss, kwargs (only what differs from colpali-engine's defaults), batch, lengths, dim, negatives
CASES = [
    ("colbert-default", "ColbertLoss", {}, 3, (6, 9), 8, 0),
    ("colbert-raw-scores", "ColbertLoss", {"normalize_scores": False, "temperature": 0.5}, 5, (4, 7), 16, 0),
    ("colbert-smooth-max", "ColbertLoss", {"use_smooth_max": True, "tau": 0.05}, 4, (5, 6), 8, 0),
    ("colbert-filtered", "ColbertLoss", {"pos_aware_negative_filtering": True, "filter_threshold": 0.8,
                                         "filter_factor": 0.25}, 4, (5, 8), 6, 0),
    ("colbert-padding-ties", "ColbertLoss", {"temperature": 0.1}, 2, (4, 6), 4, 0),
    ("pairwise-default", "ColbertPairwiseCELoss", {}, 4, (7, 5), 8, 0),
    ("pairwise-pair", "ColbertPairwiseCELoss", {"temperature": 0.02}, 2, (3, 10), 12, 0),
    ("pairwise-filtered-raw", "ColbertPairwiseCELoss", {"pos_aware_negative_filtering": True,
                                                        "normalize_scores": False, "temperature": 0.3}, 5, (4, 6), 6, 0),
    ("negative-default", "ColbertNegativeCELoss", {}, 3, (6, 8), 8, 2),
    ("negative-no-inbatch", "ColbertNegativeCELoss", {"in_batch_term_weight": 0.0, "temperature": 0.1}, 2, (5, 7), 8, 3),
    ("negative-smooth-raw", "ColbertNegativeCELoss", {"use_smooth_max": True, "normalize_scores": False,
                                                      "in_batch_term_weight": 0.8, "temperature": 0.7}, 4, (4, 5), 6, 1),
    ("pairwise-negative-default", "ColbertPairwiseNegativeCELoss", {}, 3, (5, 9), 8, 2),
    ("pairwise-negative-smooth", "ColbertPairwiseNegativeCELoss", {"use_smooth_max": True, "tau": 0.2,
                                                                   "in_batch_term_weight": 0.25}, 4, (6, 6), 10, 1),
    ("pairwise-negative-filtered", "ColbertPairwiseNegativeCELoss", {"pos_aware_negative_filtering": True,
                                                                     "in_batch_term_weight": 1.0}, 3, (4, 7), 6, 2),
]


def make_case(seed: int, batch: int, lengths: tuple[int, int], dim: int, negatives: int, name: str):
    gen = torch.Generator().manual_seed(seed)
    q_len, d_len = lengths
    queries = multi_vectors(gen, batch, q_len, dim, min_real=2)
    # positives near their query's mean direction, so scores spread and filtering has work to do
    docs = multi_vectors(gen, batch, d_len, dim, min_real=2)
    mean = queries.sum(1, keepdim=True)
    mean = mean / mean.norm(dim=-1, keepdim=True)
    docs = near(gen, docs + 0.3 * mean, 0.3)
    if "filtered" in name:
        # a near-copy of the next item's positive: a negative that scores close to a positive
        docs[0] = near(gen, docs[1], 0.05)
    if name == "colbert-padding-ties":
        # every real row of document 1 in the positive orthant, one real row of query 0 in the
        # negative one: its best match in document 1 is a padding row (0), tied over several rows
        docs[1] = docs[1].abs()
        docs[1, 3:] = 0
        real = (queries[0, :, 0] != 0).nonzero().flatten()
        queries[0, real[0]] = -queries[0, real[0]].abs()
    neg = None
    if negatives:
        neg = torch.stack([multi_vectors(gen, negatives, d_len, dim, min_real=2) for _ in range(batch)])
        neg = near(gen, neg + 0.2 * mean.unsqueeze(1), 0.3)
    return queries, docs, neg


def padding_ties(queries: torch.Tensor, docs: torch.Tensor) -> int:
    """How many (query row, document) pairs of real query rows have their max on tied rows."""
    raw = torch.einsum("bnd,csd->bcns", queries, docs)
    top = raw.amax(dim=3, keepdim=True)
    ties = (raw == top).sum(dim=3)
    real = (queries[:, :, 0] != 0).unsqueeze(1).expand_as(ties)
    return int(((ties > 1) & real).sum())


def filtered_negatives(loss_fn, queries: torch.Tensor, docs: torch.Tensor) -> int:
    """How many in-batch negatives the pos-aware filter down-weights (0 when it is off)."""
    inner = getattr(loss_fn, "inner_loss", None) or getattr(loss_fn, "inner_pairwise", None) or loss_fn
    if not inner.pos_aware_negative_filtering:
        return 0
    scores = inner._inbatch_scores(queries, docs)
    mask = scores > inner.filter_threshold * scores.diagonal().unsqueeze(1)
    mask.fill_diagonal_(False)
    return int(mask.sum())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    tensors: dict[str, torch.Tensor] = {}
    cases = []
    for seed, (name, loss_name, kwargs, batch, lengths, dim, negatives) in enumerate(CASES, start=29):
        queries, docs, neg = make_case(seed, batch, lengths, dim, negatives, name)
        inputs = {"query": queries, "doc": docs} | ({"neg": neg} if neg is not None else {})
        leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
        loss_fn = LOSSES[loss_name](**kwargs)
        if neg is None:
            loss = loss_fn(leaves["query"], leaves["doc"])
        else:
            loss = loss_fn(leaves["query"], leaves["doc"], leaves["neg"])
        loss.backward()
        for key, leaf in leaves.items():
            tensors[f"{name}.{key}"] = inputs[key].contiguous()
            tensors[f"{name}.grad.{key}"] = leaf.grad.contiguous()
        cases.append({
            "name": name,
            "loss": loss_name,
            "kwargs": kwargs,
            "value": loss.item(),
            "inputs": sorted(inputs),
            "query_lengths": (queries[:, :, 0] != 0).sum(1).tolist(),
            "padding_ties": padding_ties(queries, docs),
            "filtered_negatives": filtered_negatives(loss_fn, queries, docs),
        })
        print(f"{name:28s} {loss_name:30s} loss {loss.item():.6f} ties {cases[-1]['padding_ties']}"
              f" filtered {cases[-1]['filtered_negatives']}")
    args.out.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(args.out / "loss-goldens.safetensors"))
    meta = {
        "about": "colpali-engine late-interaction losses on fixed random embeddings; value and gradient "
                 "w.r.t. each input (<case>.grad.<input>) in loss-goldens.safetensors; written by "
                 "tools/reference/training_goldens.py",
        "versions": {"colpali_engine": version("colpali_engine"), "torch": torch.__version__},
        "cases": cases,
    }
    (args.out / "loss-goldens.json").write_text(json.dumps(meta, indent=1) + "\n")


# ------------------------------------------------------------------------------------ LoRA gradients

MODEL_FIXTURES = Path(__file__).resolve().parents[2] / "model/src/test/resources/reference"
LORA_OUT = Path(__file__).resolve().parents[2] / "training/src/test/resources/dev/quire/training/lora"

# name, checkpoint, adapter, loss, kwargs, queries, pages (query i's positive is page i), each query's
# explicit negative pages. The 128-d checkpoint (F32, head without bias) takes the model fixtures' adapter
# (colpali's regex, r 4, alpha 6, gaussian A); the 320-d one (BF16 shards, head with bias) an adapter made
# here: rsLoRA, r 8, alpha 4, kaiming A, a list of targets.
LORA_CASES = [
    ("colbert-3x3", "colqwen3-tiny-128", "colqwen3-tiny-128-lora", "ColbertLoss", {},
     ["What is the total revenue?", "Which region had the highest expenses in Q3?", "latency"],
     ["tall_page", "wide_slide", "tiny_icon"], []),
    ("pairwise-2x2", "colqwen3-tiny-128", "colqwen3-tiny-128-lora", "ColbertPairwiseCELoss", {"temperature": 0.05},
     ["年度报告的收入是多少？", "What is the total revenue?"], ["large_scan", "tall_page"], []),
    ("negative-2x2", "colqwen3-tiny-128", "colqwen3-tiny-128-lora", "ColbertNegativeCELoss", {},
     ["Which region had the highest expenses in Q3?", "latency"], ["wide_slide", "tall_page"],
     [["tiny_icon", "large_scan"], ["wide_slide", "tiny_icon"]]),
    ("pairwise-negative-320", "colqwen3-tiny-320", "colqwen3-tiny-320-rslora", "ColbertPairwiseNegativeCELoss",
     {"in_batch_term_weight": 0.3}, ["latency", "Which region had the highest expenses in Q3?"],
     ["tiny_icon", "wide_slide"], [["tall_page"], ["large_scan"]]),
]

RSLORA = {"r": 8, "lora_alpha": 4, "use_rslora": True, "lora_dropout": 0.0, "init_lora_weights": True,
          "target_modules": ["q_proj", "v_proj", "down_proj", "custom_text_proj"]}


def make_rslora_adapter(base_dir: Path, out: Path) -> None:
    """PEFT's get_peft_model on the 320-d checkpoint with RSLORA, B drawn non-zero (PEFT starts it at 0,
    which would leave A without a gradient), saved as PEFT saves it."""
    from colpali_engine.models import ColQwen3
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(320)
    base = ColQwen3.from_pretrained(str(base_dir), dtype=torch.float32, attn_implementation="eager")
    model = get_peft_model(base, LoraConfig(bias="none", task_type="FEATURE_EXTRACTION", **RSLORA))
    model.peft_config["default"].base_model_name_or_path = base_dir.name
    generator = torch.Generator().manual_seed(8)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if ".lora_B." in name:
                parameter.copy_(torch.randn(parameter.shape, generator=generator) * 0.1)
    model.save_pretrained(str(out))
    (out / "README.md").unlink()  # PEFT's model-card template, not part of the adapter layout
    # PEFT keeps a list of targets as a set: its order follows Python's string hashing, per process
    config_file = out / "adapter_config.json"
    config = json.loads(config_file.read_text())
    config["target_modules"] = sorted(config["target_modules"])
    config_file.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")


def lora_goldens(out: Path) -> None:
    """For the tiny ColQwen3 fixtures with a PEFT adapter each (B non-zero), per case: the loss over a fixed
    batch of queries and pages (and hard-negative pages) and the gradient of every LoRA A and B, under PEFT
    in eval mode (no dropout)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import pages as page_source
    from colpali_engine.models import ColQwen3Processor
    from peft import PeftModel

    import tiny_model

    from colpali_engine.models import ColQwen3

    make_rslora_adapter(MODEL_FIXTURES / "colqwen3-tiny-320", out / "colqwen3-tiny-320-rslora")
    images = {p.name: p.image for p in page_source.all_pages()}
    tensors: dict[str, torch.Tensor] = {}
    cases = []
    for name, checkpoint, adapter, loss_name, kwargs, queries, page_names, negatives in LORA_CASES:
        base_dir = MODEL_FIXTURES / checkpoint
        lora_dir = MODEL_FIXTURES / adapter if (MODEL_FIXTURES / adapter).is_dir() else out / adapter
        processor = ColQwen3Processor.from_pretrained(str(base_dir))
        model_class = tiny_model.ColQwen3Dim128 if checkpoint.endswith("128") else ColQwen3
        base = model_class.from_pretrained(str(base_dir), dtype=torch.float32, attn_implementation="eager")
        model = PeftModel.from_pretrained(base, str(lora_dir), is_trainable=True).eval()
        trainable = {n: p for n, p in model.named_parameters() if p.requires_grad}
        if not trainable or any(".lora_" not in n for n in trainable):
            raise RuntimeError(f"trainable parameters other than LoRA: {sorted(trainable)}")
        q_batch = processor.process_queries(queries)
        d_batch = processor.process_images([images[p] for p in page_names])
        q = model(**q_batch)
        d = model(**d_batch)
        batches = [("query", q_batch, q, queries), ("page", d_batch, d, page_names)]
        if negatives:
            # as colpali's collator: every query's negatives in one image batch, then [B, N, L, d]
            flat = [p for own in negatives for p in own]
            n_batch = processor.process_images([images[p] for p in flat])
            n_flat = model(**n_batch)
            n = n_flat.view(len(negatives), len(negatives[0]), *n_flat.shape[1:])
            loss = LOSSES[loss_name](**kwargs)(q, d, n)
            batches.append(("negative", n_batch, n_flat, flat))
        else:
            loss = LOSSES[loss_name](**kwargs)(q, d)
        loss.backward()
        for n_, p in trainable.items():
            # the key adapter_model.safetensors stores it under
            tensors[f"{name}.grad.{n_.replace('.default.', '.')}"] = p.grad.contiguous()
        inputs = []
        for kind, batch, emb, labels in batches:
            for i, label in enumerate(labels):
                keep = batch["attention_mask"][i].bool()
                ids = batch["input_ids"][i][keep]
                tensors[f"{name}.{kind}{i}.input_ids"] = ids.to(torch.int64).contiguous()
                if kind == "query" or i == 0:  # the loss checks the rest; the files stay small
                    tensors[f"{name}.{kind}{i}.embeddings"] = emb[i][keep].detach().contiguous()
                inputs.append({"kind": kind, "index": i, "label": label, "tokens": int(keep.sum())})
        cases.append({"name": name, "checkpoint": checkpoint, "adapter": adapter, "loss": loss_name,
                      "kwargs": kwargs, "value": loss.item(), "negatives_per_query": len(negatives[0]) if negatives else 0,
                      "inputs": inputs, "lora_modules": len(trainable) // 2})
        print(f"{name:22s} {loss_name:30s} loss {loss.item():.6f} over {len(trainable)} LoRA matrices")
    out.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(out / "lora-goldens.safetensors"))
    meta = {
        "about": "tiny ColQwen3 fixtures with a PEFT adapter (the model fixtures' colqwen3-tiny-128-lora, or one made here) in eval mode: "
                 "loss over a fixed batch and the gradient of every LoRA matrix (<case>.grad.<adapter key>), with "
                 "each input's unpadded ids and embeddings; written by tools/reference/training_goldens.py",
        "versions": {"colpali_engine": version("colpali_engine"), "peft": version("peft"), "torch": torch.__version__},
        "cases": cases,
    }
    (out / "lora-goldens.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")


# ------------------------------------------------------------------------------------ optimisation

OPTIM_OUT = Path(__file__).resolve().parents[2] / "training/src/test/resources/dev/quire/training/optim"

# Six fixed micro-batches of two (query, text document) pairs: three optimiser steps of two micro-batches.
OPTIM_QUERIES = ["What is the total revenue?", "Which region had the highest expenses in Q3?", "latency",
                 "年度报告的收入是多少？", "quarterly growth", "Who signed the contract?",
                 "How many pages?", "revenue by region", "the invoice total", "expenses", "When was it filed?",
                 "delivery address"]
OPTIM_DOCUMENTS = ["Total revenue for the year was 4.2 million.", "Q3 expenses were highest in the north region.",
                   "Median latency fell to 12 ms.", "年度报告：收入为四百二十万。", "Growth this quarter was 8%.",
                   "Signed by the chief executive on 3 May.", "The report has 12 pages.",
                   "Revenue: north 1.2m, south 3.0m.", "Invoice total: 1,250 EUR.", "Expenses rose by 3%.",
                   "Filed on 14 February 2024.", "Deliver to 12 Harbour Street."]

# name, schedule, peak lr, warm-up steps, training steps, weight decay, max grad norm; every run: ColbertLoss,
# three optimiser steps of two micro-batches each (loss / 2 before backward, as the HF Trainer does).
# The max grad norms sit between the runs' pre-clip norms so that some steps clip and others do not.
OPTIM_RUNS = [
    ("linear-warmup", "linear", 2e-3, 1, 4, 0.1, 80.0),
    ("cosine", "cosine", 1e-3, 0, 3, 0.01, 80.0),
]

# schedule, warm-up steps, training steps, cosine cycles (transformers' default 0.5; 1.5 goes up and down again)
SCHEDULES = [("linear", 3, 10, None), ("linear", 0, 5, None), ("cosine", 3, 10, 0.5), ("cosine", 2, 9, 1.5)]


def optimiser_goldens(out: Path) -> None:
    """PEFT on the 128-d fixture with its adapter (eval mode: no dropout), trained for three steps as the HF
    Trainer trains colpali-engine: torch.optim.AdamW over the LoRA matrices (all of them decayed: the Trainer
    exempts biases and norms only), transformers' linear or cosine schedule with warm-up, two micro-batches
    a step with the loss divided by two, clip_grad_norm_. Records every LoRA matrix after steps 1 and 3, the
    lr and pre-clip grad norm of each step."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from colpali_engine.models import ColQwen3Processor
    from peft import PeftModel
    from transformers import get_cosine_schedule_with_warmup, get_linear_schedule_with_warmup

    import tiny_model

    base_dir = MODEL_FIXTURES / "colqwen3-tiny-128"
    processor = ColQwen3Processor.from_pretrained(str(base_dir))
    tensors: dict[str, torch.Tensor] = {}
    micro_batches = []
    for i in range(0, len(OPTIM_QUERIES), 2):
        q_batch = processor.process_queries(OPTIM_QUERIES[i:i + 2])
        d_batch = processor.process_texts(OPTIM_DOCUMENTS[i:i + 2])
        micro_batches.append((q_batch, d_batch))
        for kind, batch in (("query", q_batch), ("document", d_batch)):
            for j in range(2):
                keep = batch["attention_mask"][j].bool()
                tensors[f"batch{i // 2}.{kind}{j}.input_ids"] = batch["input_ids"][j][keep].to(torch.int64).contiguous()
    runs = []
    accumulation = 2
    for name, schedule, peak, warmup, total, weight_decay, max_norm in OPTIM_RUNS:
        base = tiny_model.ColQwen3Dim128.from_pretrained(str(base_dir), dtype=torch.float32, attn_implementation="eager")
        model = PeftModel.from_pretrained(base, str(MODEL_FIXTURES / "colqwen3-tiny-128-lora"), is_trainable=True).eval()
        trainable = {n: p for n, p in model.named_parameters() if p.requires_grad}
        if not trainable or any(".lora_" not in n for n in trainable):
            raise RuntimeError(f"trainable parameters other than LoRA: {sorted(trainable)}")
        optimizer = torch.optim.AdamW(trainable.values(), lr=peak, weight_decay=weight_decay)  # betas, eps: defaults
        make = get_linear_schedule_with_warmup if schedule == "linear" else get_cosine_schedule_with_warmup
        scheduler = make(optimizer, num_warmup_steps=warmup, num_training_steps=total)
        loss_fn = ColbertLoss()
        steps = []
        for step in range(3):
            losses = []
            for q_batch, d_batch in micro_batches[step * accumulation:(step + 1) * accumulation]:
                loss = loss_fn(model(**q_batch), model(**d_batch))
                losses.append(loss.item())
                (loss / accumulation).backward()
            lr = scheduler.get_last_lr()[0]
            norm = torch.nn.utils.clip_grad_norm_(list(trainable.values()), max_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            steps.append({"lr": lr, "grad_norm": norm.item(), "clipped": norm.item() > max_norm, "losses": losses})
            if step in (0, 2):
                for n_, p in trainable.items():
                    tensors[f"{name}.step{step + 1}.{n_.replace('.default.', '.')}"] = p.detach().clone().contiguous()
            print(f"{name:14s} step {step + 1} lr {lr:.6g} grad norm {norm.item():.6f} losses {losses}")
        if not any(s["clipped"] for s in steps) or all(s["clipped"] for s in steps):
            raise RuntimeError(f"{name}: max grad norm {max_norm} should clip some steps and not others")
        runs.append({"name": name, "schedule": schedule, "lr": peak, "warmup_steps": warmup, "training_steps": total,
                     "weight_decay": weight_decay, "max_grad_norm": max_norm, "accumulation": accumulation,
                     "loss": "ColbertLoss", "lora_modules": len(trainable) // 2, "steps": steps})
    # the schedules alone over more steps than the runs take: warm-up, decay, the end, past the end
    schedules = []
    for schedule, warmup, total, cycles in SCHEDULES:
        optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1e-3)
        if schedule == "linear":
            scheduler = get_linear_schedule_with_warmup(optimizer, warmup, total)
        else:
            scheduler = get_cosine_schedule_with_warmup(optimizer, warmup, total, num_cycles=cycles)
        rates = []
        for _ in range(total + 3):
            rates.append(scheduler.get_last_lr()[0])
            optimizer.step()
            scheduler.step()
        schedules.append({"schedule": schedule, "lr": 1e-3, "warmup_steps": warmup, "training_steps": total,
                          "cycles": cycles, "rates": rates})
    out.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(out / "optim-goldens.safetensors"))
    meta = {
        "about": "three AdamW steps on the tiny 128-d ColQwen3 with the model fixtures' adapter (PEFT, eval mode), "
                 "micro-batch i = batch<i>: two queries and their two text documents (ids in the safetensors); every "
                 "LoRA matrix after steps 1 and 3 (<run>.step<n>.<adapter key>); written by "
                 "tools/reference/training_goldens.py --only optimiser",
        "versions": {"colpali_engine": version("colpali_engine"), "peft": version("peft"), "torch": torch.__version__,
                     "transformers": version("transformers")},
        "runs": runs,
        "schedules": schedules,
    }
    (out / "optim-goldens.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    import sys as _sys

    only = _sys.argv[_sys.argv.index("--only") + 1] if "--only" in _sys.argv else None
    if only is not None:
        _sys.argv = _sys.argv[:1]
    if only in (None, "losses"):
        main()
    if only in (None, "lora"):
        torch.manual_seed(0)
        lora_goldens(LORA_OUT)
    if only in (None, "optimiser"):
        torch.set_num_threads(1)
        torch.manual_seed(0)
        optimiser_goldens(OPTIM_OUT)
