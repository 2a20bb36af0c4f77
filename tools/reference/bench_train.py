"""colpali-engine's trainer on the batches `quire train-bench` trained on: examples/s to set against Quire's.

    /work/venvs/reference/bin/python tools/reference/bench_train.py --run RUN [--threads 2] [--steps 12]

RUN is a `quire train-bench --out` folder: RUN/python-data/batches.json names the checkpoint (written by
random_colqwen3.py), the LoRA config, batch size, learning rate and warm-up, and holds the run's first
batches in order (each query and its page as Quire's reader rendered it; the processor resizes it here as
the Java image processor does there). This trains colpali-engine 0.3.18's ContrastiveTrainer (HF Trainer,
VisualRetrieverCollator, ColbertLoss) with PEFT 0.20 on those batches in the same order (no shuffling),
AdamW (weight decay 0), linear schedule with the same warm-up, clipping at 1, eager attention, float32,
torch.set_num_threads(threads). Prints examples/s: the median over steps 3.. of the wall time between the
ends of consecutive steps (data collation included, as Quire's step time includes its input preparation),
and writes RUN/python-throughput.json. With --epochs 2 the rate is the second pass's, to set against `quire train` on
RUN/python-data/queries.jsonl (the same examples) for two passes, whose second pass has every page prepared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("COLPALI_SCORES_BACKEND", "torch")

try:
    import datasets  # noqa: F401
except ImportError:
    # colpali-engine's trainer and collator import HF `datasets` only for isinstance checks against its
    # Dataset; requirements-model.txt leaves the package out, so a stand-in class keeps them false.
    import sys
    import types

    from transformers.utils.import_utils import is_datasets_available

    is_datasets_available()  # cached as False before the stand-in exists
    sys.modules["datasets"] = types.SimpleNamespace(Dataset=type("Dataset", (), {}), __name__="datasets")

import torch  # noqa: E402
from colpali_engine.collators import VisualRetrieverCollator  # noqa: E402
from colpali_engine.loss.late_interaction_losses import ColbertLoss  # noqa: E402
from colpali_engine.models import ColQwen3Processor  # noqa: E402
from colpali_engine.trainer.contrastive_trainer import ContrastiveTrainer  # noqa: E402
from peft import LoraConfig, get_peft_model  # noqa: E402
from PIL import Image  # noqa: E402
from torch.utils.data import Dataset, SequentialSampler  # noqa: E402
from transformers import TrainerCallback, TrainingArguments  # noqa: E402

import tiny_model  # noqa: E402


class Batches(Dataset):
    def __init__(self, folder: Path, rows: list[dict]):
        self.rows = rows
        self.images = {r["image"]: Image.open(folder / r["image"]).convert("RGB") for r in rows}

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        return {"query": row["query"], "pos_target": self.images[row["image"]]}


class InOrder(ContrastiveTrainer):
    """The exported batches in their order: Quire's ExampleOrder already shuffled them."""

    def _get_train_sampler(self, dataset=None):
        return SequentialSampler(dataset if dataset is not None else self.train_dataset)


class StepClock(TrainerCallback):
    def __init__(self):
        self.ends = [time.perf_counter()]
        self.losses = []

    def on_step_end(self, args, state, control, **kwargs):
        self.ends.append(time.perf_counter())

    def on_log(self, args, state, control, logs=None, **kwargs):
        if logs and "loss" in logs:
            self.losses.append(logs["loss"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=None, help="default: the run's")
    parser.add_argument("--steps", type=int, default=None, help="default: every exported step")
    parser.add_argument("--epochs", type=int, default=1,
                        help="passes over those steps; with 2 or more, the rate is the last pass's (steady state)")
    args = parser.parse_args()
    folder = args.run / "python-data"
    spec = json.loads((folder / "batches.json").read_text())
    threads = args.threads or spec["threads"]
    torch.set_num_threads(threads)
    batch = spec["batch_size"]
    exported = len(spec["examples"]) // batch
    steps = min(args.steps or exported, exported)
    rows = spec["examples"][: steps * batch] * args.epochs

    processor = ColQwen3Processor.from_pretrained(spec["model"])
    base = tiny_model.ColQwen3Dim128.from_pretrained(spec["model"], dtype=torch.float32, attn_implementation="eager")
    model = get_peft_model(base, LoraConfig(
        r=spec["lora_rank"], lora_alpha=spec["lora_alpha"], lora_dropout=spec["lora_dropout"],
        init_lora_weights="gaussian", target_modules=spec["lora_targets"], bias="none", task_type="FEATURE_EXTRACTION"))
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    clock = StepClock()
    with tempfile.TemporaryDirectory() as scratch:
        training_args = TrainingArguments(
            output_dir=scratch, per_device_train_batch_size=batch, max_steps=steps * args.epochs, learning_rate=spec["lr"],
            warmup_steps=spec["warmup"], lr_scheduler_type="linear", weight_decay=0.0, max_grad_norm=1.0,
            logging_steps=1, save_strategy="no", report_to=[], use_cpu=True, seed=spec["seed"],
            dataloader_num_workers=0, remove_unused_columns=False, disable_tqdm=True)
        trainer = InOrder(
            model=model, args=training_args, train_dataset=Batches(folder, rows), eval_dataset=None,
            data_collator=VisualRetrieverCollator(processor=processor), loss_func=ColbertLoss(), is_vision_model=True,
            callbacks=[clock])
        started = time.perf_counter()
        trainer.train()
        total = time.perf_counter() - started
    durations = [b - a for a, b in zip(clock.ends, clock.ends[1:])]
    if args.epochs > 1:
        measured = durations[-steps:]
        which = f"steps {len(durations) - steps + 1}..{len(durations)}"
    else:
        measured = durations[2:] if len(durations) > 3 else durations[1:] or durations
        which = f"steps {len(durations) - len(measured) + 1}..{len(durations)}"
    rate = batch / statistics.median(measured)
    result = {
        "examples_per_s": rate, "steps": steps, "batch_size": batch, "threads": threads,
        "step_seconds": durations, "losses": clock.losses, "trainable_parameters": trainable,
        "total_seconds": total, "torch": torch.__version__, "measured": which,
    }
    (args.run / "python-throughput.json").write_text(json.dumps(result, indent=2))
    print(f"colpali-engine ContrastiveTrainer: {rate:.2f} examples/s (median of {which}, batch {batch},"
          f" {threads} threads); losses {[round(x, 4) for x in clock.losses[:6]]} ...")


if __name__ == "__main__":
    main()
