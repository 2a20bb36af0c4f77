"""A random ColQwen3 checkpoint (Qwen3-VL architecture, 128-d projection, HF layout) of a size preset,
for training benchmarks: nothing this writes is committed, the command regenerates it.

    /work/venvs/reference/bin/python tools/reference/random_colqwen3.py --size small --seed 29 --out /tmp/colqwen3-small

The tokenizer, chat template and processor files are the model fixtures' (colqwen3-tiny-128: the byte-level
BPE of tiny_tokenizer.py, images of at most 32,768 pixels), so the Java side reads the checkpoint exactly as
it reads the fixture; only the widths and depths differ. Weights by tiny_model.randomize (seeded, float32).
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import torch

import tiny_model

FIXTURE = Path(__file__).resolve().parents[2] / "model/src/test/resources/reference/colqwen3-tiny-128"
FIXTURE_FILES = ["chat_template.jinja", "processor_config.json", "tokenizer.json", "tokenizer_config.json"]

# Each preset: text decoder and vision tower. mrope_section keeps Qwen3-VL's proportions [24, 20, 20] of
# head_dim / 2 frequencies; deepstack injects after the first len(deepstack_visual_indexes) decoder layers.
SIZES = {
    "tiny": (tiny_model.TEXT_CONFIG, tiny_model.VISION_CONFIG),
    "small": (
        dict(tiny_model.TEXT_CONFIG, hidden_size=256, intermediate_size=768, num_hidden_layers=4,
             num_attention_heads=4, num_key_value_heads=2, head_dim=64,
             rope_parameters=dict(tiny_model.TEXT_CONFIG["rope_parameters"], mrope_section=[12, 10, 10])),
        dict(tiny_model.VISION_CONFIG, depth=4, hidden_size=128, intermediate_size=512, num_heads=2,
             out_hidden_size=256, deepstack_visual_indexes=[0, 1, 2]),
    ),
    "medium": (
        dict(tiny_model.TEXT_CONFIG, hidden_size=512, intermediate_size=1536, num_hidden_layers=6,
             num_attention_heads=8, num_key_value_heads=4, head_dim=64,
             rope_parameters=dict(tiny_model.TEXT_CONFIG["rope_parameters"], mrope_section=[12, 10, 10])),
        dict(tiny_model.VISION_CONFIG, depth=6, hidden_size=256, intermediate_size=1024, num_heads=4,
             out_hidden_size=512, deepstack_visual_indexes=[1, 3, 5]),
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--seed", type=int, default=29)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    fixture_config = json.loads((FIXTURE / "config.json").read_text())
    text, vision = SIZES[args.size]
    config = tiny_model.qwen3vl_config(
        {
            "<|image_pad|>": fixture_config["image_token_id"],
            "<|video_pad|>": fixture_config["video_token_id"],
            "<|vision_start|>": fixture_config["vision_start_token_id"],
            "<|vision_end|>": fixture_config["vision_end_token_id"],
        },
        fixture_config["text_config"]["vocab_size"],
    )
    config.text_config = type(config.text_config)(**dict(text, vocab_size=fixture_config["text_config"]["vocab_size"]))
    config.vision_config = type(config.vision_config)(**vision)
    model = tiny_model.ColQwen3Dim128(config).eval()
    tiny_model.randomize(model, seed=args.seed)
    if args.out.exists():
        shutil.rmtree(args.out)
    model.save_pretrained(str(args.out), max_shard_size="2GB")
    for name in FIXTURE_FILES:
        shutil.copy(FIXTURE / name, args.out / name)
    parameters = sum(p.numel() for p in model.parameters())
    print(f"{args.size}: {parameters / 1e6:.2f} M parameters, seed {args.seed}, in {args.out}")


if __name__ == "__main__":
    main()
