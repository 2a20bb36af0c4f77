"""Regenerates the Qwen3-VL instruct-generation fixtures under model/src/test/resources/reference-instruct.

Two tiny random Qwen3VLForConditionalGeneration checkpoints (tied float32, untied bfloat16 sharded), saved
with save_pretrained in the real layout, their chat templates, and goldens of transformers' greedy
generation: rendered prompts, prompt ids, the logits of the first 3 decoding steps and 32 greedy ids, for a
text prompt, a system prompt, one image, two images and a left-padded batch; plus templates.json, renders
of more message lists by each template. Run with the venv of requirements-model.txt (see README.md); needs
`pip` (for the xinference wheel that carries the real Qwen3-VL-Instruct chat template).

Deterministic: fixed seeds, one CPU thread, float32 compute, attn_implementation="sdpa". Two runs give
byte-identical files (manifest.json lists SHA-256s). The directory is replaced whole.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import math
import platform
import shutil
import sys
import tempfile
from pathlib import Path

import jinja2
import torch
from PIL import Image, ImageDraw
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import (
    AutoProcessor,
    GenerationConfig,
    PreTrainedTokenizerFast,
    Qwen3VLConfig,
    Qwen3VLForConditionalGeneration,
    Qwen3VLProcessor,
)
from transformers.models.qwen2_vl.image_processing_qwen2_vl import Qwen2VLImageProcessor
from transformers.models.qwen3_vl.video_processing_qwen3_vl import Qwen3VLVideoProcessor

import instruct_templates
import tiny_tokenizer

# Not tiny_model: it imports colpali_engine, and importing colpali_engine (0.3.18) registers a global "qwen3_vl"
# checkpoint conversion mapping with transformers that makes Qwen3VLForConditionalGeneration.save_pretrained
# write `model.model.language_model.*` and `model.lm_head.weight` instead of the real layout.
if "colpali_engine" in sys.modules:
    raise RuntimeError("colpali_engine is imported: it changes how transformers names Qwen3-VL checkpoint keys")

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "model" / "src" / "test" / "resources" / "reference-instruct"

PATCH, MERGE, TEMPORAL = 16, 2, 2
TILE = PATCH * MERGE
NEW_TOKENS = 32
LOGIT_STEPS = 3
ATTENTION = "sdpa"

# Both text configs keep the structural features of the real models: q/k norm, GQA, heads x head_dim !=
# hidden, interleaved M-RoPE with a section that leaves a tail of t-only frequencies (as [24, 20, 20] does
# over 64 frequencies), deepstack into the first decoder layers.
CHECKPOINTS = {
    "instruct-tied": {
        "seed": 11,
        "tie_word_embeddings": True,
        "dtype": "float32",
        "vocab_size": 1088,  # embedding rows, rounded up past the tokenizer's 1026 as Qwen pads 151669 to 151936
        "text": dict(
            hidden_size=48,
            intermediate_size=96,
            num_hidden_layers=3,
            num_attention_heads=4,
            num_key_value_heads=1,  # GQA 4:1
            head_dim=16,  # 4 x 16 = 64 != 48
            rope_theta=5000000.0,
            mrope_section=[4, 2, 2],  # 8 frequencies: h on 1, 4; w on 2, 5; t on 0, 3, 6, 7
        ),
        "vision": dict(depth=3, hidden_size=32, num_heads=2, intermediate_size=64, num_position_embeddings=36, deepstack=[0, 1]),
        "min_pixels": 4 * TILE * TILE,  # 4096: at least 4 image tokens
        "max_pixels": 24 * TILE * TILE,  # 24576: at most 24 image tokens
        "template": "real-qwen3-vl-instruct",
        "processor_layout": "transformers-5 (processor_config.json)",
    },
    "instruct-untied": {
        "seed": 22,
        "tie_word_embeddings": False,
        "dtype": "bfloat16",
        "vocab_size": 1056,
        "text": dict(
            hidden_size=64,
            intermediate_size=96,
            num_hidden_layers=4,
            num_attention_heads=6,
            num_key_value_heads=2,  # GQA 3:1
            head_dim=24,  # 6 x 24 = 144 != 64
            rope_theta=1000000.0,
            mrope_section=[6, 3, 3],  # 12 frequencies: h on 1, 4, 7; w on 2, 5, 8; t on 0, 3, 6, 9, 10, 11
        ),
        "vision": dict(depth=5, hidden_size=32, num_heads=4, intermediate_size=64, num_position_embeddings=49, deepstack=[1, 3, 4]),
        "min_pixels": 4 * TILE * TILE,  # 4096
        "max_pixels": 16 * TILE * TILE,  # 16384: at most 16 image tokens
        "template": "fixture",
        "processor_layout": "transformers-4 (preprocessor_config.json + video_preprocessor_config.json)",
    },
}

# Rows of the embedding (tied) or lm_head (untied) past the tokenizer's size get small weights, so their
# logits stay near 0 and greedy decoding keeps to real tokens, as with a trained model's unused rows.
PADDED_ROW_STD = 0.02
# The <|im_end|> row of the output matrix is scaled by this factor so that greedy decoding of the random
# model emits it within 32 steps in some cases (the eos-stopped goldens are then shorter than 32).
IM_END_ROW_SCALE = {"instruct-tied": 2.2, "instruct-untied": 1.6}


# ---------------------------------------------------------------------------------------------- helpers


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def float32_le_sha256(tensor: torch.Tensor) -> str:
    return sha256(tensor.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes())


def to_json(value, level: int = 0) -> str:
    """json.dumps(indent=2, ensure_ascii=False), except that lists of scalars (token ids) stay on one line."""
    pad = "  " * level
    if isinstance(value, dict) and value:
        items = [f"{pad}  {json.dumps(k, ensure_ascii=False)}: {to_json(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        items = [f"{pad}  {to_json(v, level + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)


def write_json(path: Path, document) -> None:
    text = to_json(document)
    if json.loads(text) != document:
        raise RuntimeError(f"{path}: JSON does not round-trip")
    path.write_text(text + "\n")


# ----------------------------------------------------------------------------------------------- images


def draw_images() -> dict[str, tuple[Image.Image, str]]:
    """Three small RGB drawings (flat colours, so the PNGs stay a few KB)."""
    images = {}

    photo = Image.new("RGB", (200, 150), (235, 228, 210))
    d = ImageDraw.Draw(photo)
    d.rectangle([0, 100, 199, 149], fill=(70, 120, 60))
    d.ellipse([140, 12, 180, 52], fill=(250, 200, 40))
    d.polygon([(20, 100), (70, 35), (120, 100)], fill=(110, 110, 130))
    d.rectangle([130, 70, 175, 110], fill=(180, 60, 50), outline=(40, 20, 20))
    d.line([(0, 120), (199, 140)], fill=(30, 30, 30), width=3)
    images["photo"] = (photo, "200x150 landscape drawing; above max_pixels for both checkpoints, so it is scaled down")

    tall = Image.new("RGB", (72, 120), (20, 40, 90))
    d = ImageDraw.Draw(tall)
    for i in range(6):
        d.rectangle([8, 8 + i * 18, 64, 20 + i * 18], fill=(200 - i * 25, 80 + i * 20, 60 + i * 30))
    d.ellipse([20, 96, 52, 116], fill=(240, 240, 240))
    images["tall"] = (tall, "72x120 portrait (aspect 0.6), resized up to 64x128")

    wide = Image.new("RGB", (160, 48), (250, 250, 245))
    d = ImageDraw.Draw(wide)
    for i in range(8):
        d.rectangle([4 + i * 20, 40 - i * 4, 18 + i * 20, 44], fill=(40 + i * 25, 90, 200 - i * 20))
    d.line([(0, 2), (159, 2)], fill=(0, 0, 0), width=2)
    images["wide"] = (wide, "160x48 banner (aspect 3.33), resized to 160x64")
    return images


# ---------------------------------------------------------------------------------------- tokenizer etc.


def token_ids(tokenizer) -> dict[str, int]:
    names = tiny_tokenizer.SPECIAL_TOKENS + tiny_tokenizer.NON_SPECIAL_ADDED_TOKENS
    return {t: tokenizer.convert_tokens_to_ids(t) for t in names}


def build_processor(staging: Path, spec: dict, template: str) -> Qwen3VLProcessor:
    tiny_tokenizer.write_staging_tokenizer(staging, template)
    tokenizer = PreTrainedTokenizerFast.from_pretrained(str(staging))
    image_processor = Qwen2VLImageProcessor(
        patch_size=PATCH,
        temporal_patch_size=TEMPORAL,
        merge_size=MERGE,
        image_mean=[0.5, 0.5, 0.5],
        image_std=[0.5, 0.5, 0.5],
        min_pixels=spec["min_pixels"],
        max_pixels=spec["max_pixels"],
    )
    video_processor = Qwen3VLVideoProcessor(
        patch_size=PATCH, temporal_patch_size=TEMPORAL, merge_size=MERGE, image_mean=[0.5] * 3, image_std=[0.5] * 3
    )
    return Qwen3VLProcessor(
        image_processor=image_processor, tokenizer=tokenizer, video_processor=video_processor, chat_template=template
    )


def write_transformers4_processor_files(target: Path, staging: Path, processor: Qwen3VLProcessor, template: str) -> None:
    """The processor layout of checkpoints saved with transformers 4.57 (the released Qwen3-VL ones): a flat
    preprocessor_config.json and video_preprocessor_config.json, tokenizer_config.json with
    added_tokens_decoder and an inline chat template, special_tokens_map.json, vocab.json and merges.txt."""
    processor.image_processor.save_pretrained(str(target))
    preprocessor = json.loads((target / "preprocessor_config.json").read_text())
    preprocessor["processor_class"] = "Qwen3VLProcessor"
    write_json(target / "preprocessor_config.json", preprocessor)
    processor.video_processor.save_pretrained(str(target))
    shutil.copy(staging / "tokenizer.json", target / "tokenizer.json")
    config = json.loads((staging / "tokenizer_config.json").read_text())
    config["processor_class"] = "Qwen3VLProcessor"
    write_json(target / "tokenizer_config.json", config)
    model = json.loads((staging / "tokenizer.json").read_text())["model"]
    (target / "vocab.json").write_text(json.dumps(model["vocab"], ensure_ascii=False) + "\n")
    merges = [m if isinstance(m, str) else " ".join(m) for m in model["merges"]]
    (target / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n")

    def token(content):
        return {"content": content, "lstrip": False, "normalized": False, "rstrip": False, "single_word": False}

    special_map = {
        "additional_special_tokens": [t for t in tiny_tokenizer.SPECIAL_TOKENS if t != "<|endoftext|>"],
        "eos_token": token("<|im_end|>"),
        "pad_token": token("<|endoftext|>"),
    }
    write_json(target / "special_tokens_map.json", special_map)
    (target / "chat_template.jinja").write_text(template)


# ----------------------------------------------------------------------------------------------- models


def model_config(spec: dict, ids: dict[str, int]) -> Qwen3VLConfig:
    text = spec["text"]
    vision = spec["vision"]
    text_config = dict(
        vocab_size=spec["vocab_size"],
        hidden_size=text["hidden_size"],
        intermediate_size=text["intermediate_size"],
        num_hidden_layers=text["num_hidden_layers"],
        num_attention_heads=text["num_attention_heads"],
        num_key_value_heads=text["num_key_value_heads"],
        head_dim=text["head_dim"],
        hidden_act="silu",
        max_position_embeddings=4096,
        rms_norm_eps=1e-6,
        rope_parameters={
            "rope_type": "default",
            "rope_theta": text["rope_theta"],
            "mrope_section": text["mrope_section"],
            "mrope_interleaved": True,
        },
        attention_bias=False,
        tie_word_embeddings=spec["tie_word_embeddings"],
        bos_token_id=ids["<|endoftext|>"],
        eos_token_id=ids["<|im_end|>"],
        pad_token_id=ids["<|endoftext|>"],
    )
    vision_config = dict(
        depth=vision["depth"],
        hidden_size=vision["hidden_size"],
        hidden_act="gelu_pytorch_tanh",
        intermediate_size=vision["intermediate_size"],
        num_heads=vision["num_heads"],
        in_channels=3,
        patch_size=PATCH,
        spatial_merge_size=MERGE,
        temporal_patch_size=TEMPORAL,
        out_hidden_size=text["hidden_size"],
        num_position_embeddings=vision["num_position_embeddings"],
        deepstack_visual_indexes=vision["deepstack"],
    )
    return Qwen3VLConfig(
        text_config=text_config,
        vision_config=vision_config,
        image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"],
        tie_word_embeddings=spec["tie_word_embeddings"],
    )


def generation_config(ids: dict[str, int]) -> GenerationConfig:
    """Qwen3-VL-*-Instruct's generation_config.json with the tiny tokenizer's ids."""
    return GenerationConfig(
        bos_token_id=ids["<|endoftext|>"],
        pad_token_id=ids["<|endoftext|>"],
        do_sample=True,
        eos_token_id=[ids["<|im_end|>"], ids["<|endoftext|>"]],
        top_k=20,
        top_p=0.8,
        repetition_penalty=1.0,
        temperature=0.7,
    )


def build_model(name: str, spec: dict, ids: dict[str, int], tokenizer_size: int) -> Qwen3VLForConditionalGeneration:
    torch.manual_seed(spec["seed"])
    config = model_config(spec, ids)
    config._attn_implementation = ATTENTION
    model = Qwen3VLForConditionalGeneration(config).eval()
    randomize(model, seed=spec["seed"])
    embed = model.model.language_model.embed_tokens.weight
    tied = model.lm_head.weight is embed
    if tied != spec["tie_word_embeddings"]:
        raise RuntimeError(f"{name}: lm_head tied = {tied}, expected {spec['tie_word_embeddings']}")
    generator = torch.Generator().manual_seed(spec["seed"] + 1000)
    with torch.no_grad():
        out = model.lm_head.weight
        rows = out.shape[0] - tokenizer_size
        out[tokenizer_size:] = torch.randn((rows, out.shape[1]), generator=generator) * PADDED_ROW_STD
        out[ids["<|im_end|>"]] *= IM_END_ROW_SCALE[name]
    if spec["dtype"] == "bfloat16":
        round_to_bfloat16(model)
    model.generation_config = generation_config(ids)
    return model


def randomize(model: nn.Module, seed: int) -> None:
    """As tiny_model.randomize: random weights with norms away from 1, biases away from 0."""
    generator = torch.Generator().manual_seed(seed)

    def normal(shape, std, mean=0.0):
        return torch.randn(shape, generator=generator) * std + mean

    covered = set()
    with torch.no_grad():
        for name, module in model.named_modules():
            kind = type(module).__name__
            if isinstance(module, (nn.Linear, nn.Conv3d)):
                fan_in = module.weight[0].numel()
                module.weight.copy_(normal(module.weight.shape, 1.0 / math.sqrt(fan_in)))
                if module.bias is not None:
                    module.bias.copy_(normal(module.bias.shape, 0.1))
            elif isinstance(module, nn.LayerNorm):
                module.weight.copy_(normal(module.weight.shape, 0.25, 1.0))
                module.bias.copy_(normal(module.bias.shape, 0.1))
            elif kind.endswith("RMSNorm"):
                module.weight.copy_(normal(module.weight.shape, 0.25, 1.0))
            elif isinstance(module, nn.Embedding):
                std = 0.5 if name.endswith("pos_embed") else 1.0
                module.weight.copy_(normal(module.weight.shape, std))
            else:
                continue
            covered.update(f"{name}.{p}" for p, _ in module.named_parameters(recurse=False))
    leftovers = [n for n, _ in model.named_parameters() if n not in covered]
    if leftovers:
        raise RuntimeError(f"parameters not randomised: {leftovers}")


def round_to_bfloat16(model: nn.Module) -> None:
    """Keeps float32 storage but bf16 values, so goldens match the bf16 checkpoint widened to f32."""
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.copy_(parameter.to(torch.bfloat16).to(torch.float32))


def read_sharded_state(directory: Path) -> dict[str, torch.Tensor]:
    index_file = directory / "model.safetensors.index.json"
    if index_file.exists():
        shards = sorted(set(json.loads(index_file.read_text())["weight_map"].values()))
    else:
        shards = ["model.safetensors"]
    state: dict[str, torch.Tensor] = {}
    for shard in shards:
        state.update(load_file(str(directory / shard)))
    return state


def check_saved_keys(directory: Path, spec: dict, depth: int, layers: int) -> None:
    """The real on-disk layout: model.language_model.*, model.visual.*, lm_head.weight only when untied."""
    keys = set(read_sharded_state(directory))
    bad = sorted(k for k in keys if not (k.startswith(("model.language_model.", "model.visual.")) or k == "lm_head.weight"))
    if bad:
        raise RuntimeError(f"{directory.name}: unexpected checkpoint keys {bad[:5]}")
    if ("lm_head.weight" in keys) == spec["tie_word_embeddings"]:
        raise RuntimeError(f"{directory.name}: lm_head.weight present = {'lm_head.weight' in keys} with tie = {spec['tie_word_embeddings']}")
    for required in (f"model.visual.blocks.{depth - 1}.attn.qkv.weight", f"model.language_model.layers.{layers - 1}.self_attn.q_norm.weight"):
        if required not in keys:
            raise RuntimeError(f"{directory.name}: missing {required}")


def save_model(model, directory: Path, spec: dict) -> None:
    if spec["dtype"] == "bfloat16":
        model.to(torch.bfloat16)
        model.save_pretrained(str(directory), max_shard_size="600KB")
        model.to(torch.float32)
        shards = sorted(directory.glob("model-*.safetensors"))
        if len(shards) != 2:
            raise RuntimeError(f"{directory}: expected 2 shards, found {[s.name for s in shards]}")
    else:
        model.save_pretrained(str(directory))
        if not (directory / "model.safetensors").exists():
            raise RuntimeError(f"{directory}: expected a single model.safetensors")


def load_model(directory: Path) -> Qwen3VLForConditionalGeneration:
    """As Quire does: whatever the stored dtype, compute in float32."""
    model = Qwen3VLForConditionalGeneration.from_pretrained(
        str(directory), dtype=torch.float32, attn_implementation=ATTENTION
    ).eval()
    return model


def assert_same_parameters(expected, actual, where: str) -> None:
    a, b = expected.state_dict(), actual.state_dict()
    if a.keys() != b.keys():
        raise RuntimeError(f"{where}: parameter names differ: {sorted(set(a) ^ set(b))}")
    for name in a:
        if not torch.equal(a[name].to(torch.float32), b[name].to(torch.float32)):
            raise RuntimeError(f"{where}: parameter {name} differs after reload")


# ---------------------------------------------------------------------------------------------- goldens

CASES = {
    "user": [
        [{"role": "user", "content": "What is the total revenue in the quarterly report?"}],
    ],
    "system-user": [
        [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": [{"type": "text", "text": "Describe the table of operating expenses."}]},
        ],
    ],
    "one-image": [
        [
            {
                "role": "user",
                "content": [
                    {"type": "image", "image": "photo.png"},
                    {"type": "text", "text": "Describe the image."},
                ],
            }
        ],
    ],
    "two-images": [
        [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "First page:"},
                    {"type": "image", "image": "tall.png"},
                    {"type": "text", "text": " Second page:"},
                    {"type": "image", "image": "wide.png"},
                    {"type": "text", "text": " Which page shows the table?"},
                ],
            }
        ],
    ],
}
# The batch: the `user` prompt (short, text only) and the `one-image` prompt (long, with an image), left padded.
CASES["batch"] = [CASES["user"][0], CASES["one-image"][0]]
BATCH_ROWS_FROM = ["user", "one-image"]
TEMPLATE_KWARGS = {"add_generation_prompt": True}


def image_files(messages: list[dict]) -> list[str]:
    files = []
    for message in messages:
        if isinstance(message["content"], list):
            files.extend(part["image"] for part in message["content"] if part.get("type") == "image")
    return files


class PositionRecorder:
    """Captures the position_ids the text model receives on its first two calls (prefill, first decode step)."""

    def __init__(self, model):
        self.calls: list[torch.Tensor | None] = []
        self.handle = model.model.language_model.register_forward_pre_hook(self.hook, with_kwargs=True)

    def hook(self, _module, _args, kwargs):
        if len(self.calls) < 2:
            p = kwargs.get("position_ids")
            self.calls.append(None if p is None else p.detach().clone())

    def remove(self):
        self.handle.remove()


def mrope_rows(position_ids: torch.Tensor) -> torch.Tensor:
    # generate passes [4, batch, seq]: row 0 the text positions, rows 1..3 the t, h, w M-RoPE positions.
    if position_ids.dim() == 3 and position_ids.shape[0] == 4:
        return position_ids[1:]
    return position_ids


def run_generation(model, processor, case: str, images: dict[str, Image.Image]) -> dict:
    conversations = CASES[case]
    prompts = [processor.apply_chat_template(c, tokenize=False, **TEMPLATE_KWARGS) for c in conversations]
    for conversation, prompt in zip(conversations, prompts):
        via_tokenizer = processor.tokenizer.apply_chat_template(conversation, tokenize=False, **TEMPLATE_KWARGS)
        if via_tokenizer != prompt:
            raise RuntimeError(f"{case}: tokenizer and processor render the chat template differently")
    files = [image_files(c) for c in conversations]
    pil = [images[f.removesuffix(".png")] for row in files for f in row]
    kwargs = dict(text=prompts, return_tensors="pt", padding=True, padding_side="left")
    if pil:
        kwargs["images"] = pil
    batch = processor(**kwargs)
    batch = {k: v for k, v in batch.items()}

    # Stopping disabled: with model.generation_config.eos_token_id set to None for the call, generate builds no
    # EosTokenCriteria and runs all max_new_tokens steps even where the greedy token is an eos id. (Passing
    # eos_token_id=None to generate does not work: None counts as "unset" and is filled from generation_config.json.)
    recorder = PositionRecorder(model)
    eos = model.generation_config.eos_token_id
    model.generation_config.eos_token_id = None
    try:
        with torch.no_grad():
            free = model.generate(
                **batch, do_sample=False, max_new_tokens=NEW_TOKENS, output_logits=True, return_dict_in_generate=True
            )
    finally:
        model.generation_config.eos_token_id = eos
        recorder.remove()
    with torch.no_grad():
        stopped = model.generate(**batch, do_sample=False, max_new_tokens=NEW_TOKENS)  # generation_config.json's eos list
    prompt_length = batch["input_ids"].shape[1]
    greedy = free.sequences[:, prompt_length:]
    if greedy.shape[1] != NEW_TOKENS:
        raise RuntimeError(f"{case}: stopping was not disabled, got {greedy.shape[1]} tokens")
    logits = torch.stack(free.logits[:LOGIT_STEPS], dim=1).to(torch.float32)  # [batch, steps, vocab]
    # Gap between the best and second-best logit at every one of the 32 steps: how close greedy came to a tie.
    top2 = torch.stack(free.logits, dim=1).topk(2, dim=-1).values
    margins = top2[..., 0] - top2[..., 1]  # [batch, 32]
    if not torch.equal(logits.argmax(-1), greedy[:, :LOGIT_STEPS]):
        raise RuntimeError(f"{case}: greedy ids are not the argmax of the recorded logits")

    no_cache_gap = check_without_cache(model, batch, greedy, logits, case) if len(prompts) == 1 else None

    if "image_grid_thw" in batch:
        positions, deltas = model.model.get_rope_index(
            batch["input_ids"], batch["mm_token_type_ids"], image_grid_thw=batch["image_grid_thw"], attention_mask=batch["attention_mask"]
        )
    else:
        mask = batch["attention_mask"]
        text = (mask.long().cumsum(-1) - 1).masked_fill(mask == 0, 0)
        positions, deltas = text.unsqueeze(0).expand(3, -1, -1).clone(), torch.zeros(mask.shape[0], 1, dtype=torch.long)
    prefill_used, decode_used = (mrope_rows(p) for p in recorder.calls)
    if not torch.equal(prefill_used, positions):
        raise RuntimeError(f"{case}: prefill positions differ from the recomputed ones")
    first_generated = decode_used[:, :, -1]  # [3, batch]
    eos_ids = model.generation_config.eos_token_id
    rows = []
    tokenizer = processor.tokenizer
    mask = batch["attention_mask"].bool()
    for r, prompt in enumerate(prompts):
        ids = greedy[r].tolist()
        stop_ids = stopped[r, prompt_length:].tolist()
        eos_at = next((i for i, t in enumerate(ids) if t in eos_ids), None)
        expected_stop = ids if eos_at is None else ids[: eos_at + 1]
        trimmed = stop_ids[: len(expected_stop)]
        pad = model.generation_config.pad_token_id
        if trimmed != expected_stop or any(t != pad for t in stop_ids[len(expected_stop) :]):
            raise RuntimeError(f"{case} row {r}: EOS-stopped generation is not the prefix of the free one")
        row_ids = batch["input_ids"][r][mask[r]].tolist()
        row = {
            "messages": conversations[r],
            "images": [f"images/{f}" for f in files[r]],
            "prompt": prompt,
            "prompt_ids": row_ids,
            "prompt_length": len(row_ids),
            "left_padding": int((~mask[r]).sum()),
            "rope_delta": int(deltas[r, 0]),
            "first_generated_position": [int(v) for v in first_generated[:, r]],
            "greedy_ids": ids,
            "greedy_text": tokenizer.decode(ids, skip_special_tokens=True),
            "eos_stopped_ids": expected_stop,
            "eos_stopped_text": tokenizer.decode(expected_stop, skip_special_tokens=True),
            "stopped_at_eos": eos_at is not None,
            "logits_argmax": logits[r].argmax(-1).tolist(),
            "greedy_min_top2_margin": float(margins[r].min()),
            "greedy_min_top2_margin_step": int(margins[r].argmin()),
        }
        if int(first_generated[0, r]) != len(row_ids) + int(deltas[r, 0]) or len(set(row["first_generated_position"])) != 1:
            raise RuntimeError(f"{case} row {r}: first generated position is not unpadded length + rope_delta")
        rows.append(row)
    tensors = {
        "input_ids": batch["input_ids"],
        "attention_mask": batch["attention_mask"],
        "mm_token_type_ids": batch["mm_token_type_ids"],
        "position_ids": positions,
        "rope_deltas": deltas,
        "logits": logits,
        "greedy_ids": greedy,
    }
    if "image_grid_thw" in batch:
        tensors["image_grid_thw"] = batch["image_grid_thw"]
        grid = batch["image_grid_thw"]
        patches = grid.prod(-1).tolist()
        pixel_values = batch["pixel_values"]
        offset = 0
        described = []
        all_files = [f for row in files for f in row]
        for file, g, n in zip(all_files, grid.tolist(), patches):
            described.append(
                {
                    "file": f"images/{file}",
                    "image_grid_thw": g,
                    "num_patches": n,
                    "num_image_tokens": n // (MERGE * MERGE),
                    "resized_height": g[1] * PATCH,
                    "resized_width": g[2] * PATCH,
                    "pixel_values_float32_le_sha256": float32_le_sha256(pixel_values[offset : offset + n]),
                }
            )
            offset += n
        image_summary = described
    else:
        image_summary = []
    return {"rows": rows, "tensors": tensors, "images": image_summary, "no_cache_gap": no_cache_gap}


def check_without_cache(model, batch, greedy, logits, case: str) -> None:
    """One forward pass, no KV cache, over prompt + the first 2 greedy tokens must give the 3 recorded logit rows
    (so they do not depend on generate's incremental positions or cache)."""
    extra = greedy[:, : LOGIT_STEPS - 1]
    full = dict(batch)
    full["input_ids"] = torch.cat([batch["input_ids"], extra], dim=1)
    full["attention_mask"] = torch.cat([batch["attention_mask"], torch.ones_like(extra)], dim=1)
    full["mm_token_type_ids"] = torch.cat([batch["mm_token_type_ids"], torch.zeros_like(extra)], dim=1)
    model.model.rope_deltas = None
    with torch.no_grad():
        out = model(**full, use_cache=False).logits[:, -LOGIT_STEPS:]
    model.model.rope_deltas = None
    gap = float((out - logits).abs().max())
    if gap > 1e-5:
        raise RuntimeError(f"{case}: logits without cache differ from generate's by {gap}")
    return gap


TENSOR_NOTES = {
    "input_ids": "int64 [batch, seq]: prompt ids after <|image_pad|> expansion, left padded with <|endoftext|> (batch case)",
    "attention_mask": "int64 [batch, seq]: 0 on left padding",
    "mm_token_type_ids": "int64 [batch, seq]: 1 on <|image_pad|> tokens",
    "image_grid_thw": "int64 [images, 3]: (t, h, w) patch grid per image, in prompt order",
    "position_ids": "int64 [3, batch, seq]: (t, h, w) M-RoPE positions of the prompt (0 on padding)",
    "rope_deltas": "int64 [batch, 1]: max position + 1 - unpadded prompt length",
    "logits": "float32 [batch, 3, vocab]: raw logits of decoding steps 0..2 (last prompt position, then after feeding greedy tokens 1 and 2)",
    "greedy_ids": "int64 [batch, 32]: greedy ids with stopping disabled",
}


def save_golden(path: Path, tensors: dict[str, torch.Tensor], description: dict) -> None:
    stored = {}
    for name, value in tensors.items():
        stored[name] = (value.to(torch.float32) if value.is_floating_point() else value.to(torch.int64)).contiguous()
    save_file(stored, str(path), metadata={"format": "pt"})
    shapes = {name: {"dtype": str(v.dtype).removeprefix("torch."), "shape": list(v.shape)} for name, v in stored.items()}
    notes = {name: TENSOR_NOTES[name] for name in stored}
    write_json(path.with_suffix(".json"), dict(description, tensors_file=path.name, tensors=shapes, notes=notes))


def compare_batch(name: str, results: dict[str, dict]) -> dict:
    """Each row of the batch against its case run alone: same ids, logits within 1e-5."""
    batch = results["batch"]
    gaps = []
    for r, case in enumerate(BATCH_ROWS_FROM):
        alone = results[case]
        row, single = batch["rows"][r], alone["rows"][0]
        for key in ("prompt", "prompt_ids", "rope_delta", "greedy_ids", "eos_stopped_ids", "first_generated_position"):
            if row[key] != single[key]:
                raise RuntimeError(f"{name}: batch row {r} {key} differs from case {case}: {row[key]} vs {single[key]}")
        gap = float((batch["tensors"]["logits"][r] - alone["tensors"]["logits"][0]).abs().max())
        if gap > 1e-5:
            raise RuntimeError(f"{name}: batch row {r} logits differ from case {case} by {gap}")
        gaps.append(gap)
    return {"rows_equal_cases": BATCH_ROWS_FROM, "logits_max_abs_diff": gaps}


# -------------------------------------------------------------------------------------- template goldens

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Météo actuelle pour une ville — current weather",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name, e.g. \"Zürich\""},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city"],
        },
    },
}
SEARCH_TOOL = {
    "type": "function",
    "function": {
        "name": "search_pages",
        "description": "Search indexed pages; returns <ids> & scores",
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string"}, "top_k": {"type": "integer", "default": 5, "minimum": 1}},
            "required": ["query"],
        },
    },
}

TEMPLATE_CASES = [
    {
        "name": "tools-with-system",
        "messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "What's the weather in Zürich?"},
        ],
        "tools": [WEATHER_TOOL, SEARCH_TOOL],
        "kwargs": {"add_generation_prompt": True},
    },
    {
        "name": "tools-without-system",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Find the revenue table."}]}],
        "tools": [SEARCH_TOOL],
        "kwargs": {"add_generation_prompt": True},
    },
    {
        "name": "tool-calls-and-responses",
        "messages": [
            {"role": "system", "content": [{"type": "text", "text": "Use tools when needed."}]},
            {"role": "user", "content": "Weather in Paris and Berlin, then search the report."},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}},
                    {"type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Berlin\"}"}},
                ],
            },
            {"role": "tool", "content": "{\"temp\": 18, \"sky\": \"clear\"}"},
            {"role": "tool", "content": [{"type": "text", "text": "{\"temp\": 12, \"sky\": \"rain\"}"}]},
            {
                "role": "assistant",
                "content": "Let me search.",
                "tool_calls": [{"name": "search_pages", "arguments": {"query": "annual report ü", "top_k": 3}}],
            },
            {"role": "tool", "content": "page 7"},
            {"role": "assistant", "content": "Paris is 18°C and clear; Berlin 12°C with rain. See page 7."},
        ],
        "tools": [WEATHER_TOOL, SEARCH_TOOL],
        "kwargs": {"add_generation_prompt": False},
    },
    {
        "name": "tool-response-last",
        "messages": [
            {"role": "user", "content": "Search for revenue."},
            {"role": "assistant", "content": "", "tool_calls": [{"function": {"name": "search_pages", "arguments": {"query": "revenue"}}}]},
            {"role": "tool", "content": "<ids>3, 9</ids>"},
        ],
        "tools": [SEARCH_TOOL],
        "kwargs": {"add_generation_prompt": True},
    },
    {
        "name": "reasoning-multi-turn",
        "messages": [
            {"role": "user", "content": "What is 2 + 3?"},
            {"role": "assistant", "content": "<think>\nAdd them.\n</think>\n\nIt is 5."},
            {"role": "user", "content": "And times 4?"},
            {"role": "assistant", "content": "It is 20.", "reasoning_content": "\n5 x 4 = 20.\n"},
        ],
        "kwargs": {"add_generation_prompt": False},
    },
    {
        "name": "reasoning-after-last-query",
        "messages": [
            {"role": "user", "content": "Think first: is 91 prime?"},
            {"role": "assistant", "content": "<think>\n91 = 7 x 13.\n</think>\n\nNo, 91 = 7 x 13."},
        ],
        "kwargs": {"add_generation_prompt": False},
    },
    {
        "name": "multi-turn-history",
        "messages": [
            {"role": "system", "content": "Answer briefly."},
            {"role": "user", "content": "Hi!"},
            {"role": "assistant", "content": "Hello! How can I help?"},
            {"role": "user", "content": [{"type": "text", "text": "Summarise "}, {"type": "text", "text": "the report."}]},
        ],
        "kwargs": {"add_generation_prompt": True},
    },
    {
        "name": "vision-ids",
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "image", "image": "tall.png"},
                    {"type": "image_url", "image_url": {"url": "file://wide.png"}},
                    {"type": "text", "text": "Compare them."},
                ],
            },
            {"role": "assistant", "content": "The first is taller."},
            {"role": "user", "content": [{"type": "video", "video": "clip.mp4"}, {"type": "image", "image": "photo.png"}, {"type": "text", "text": "And these?"}]},
        ],
        "kwargs": {"add_generation_prompt": True, "add_vision_id": True},
    },
    {
        "name": "vision-no-ids",
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "image", "image": "tall.png"},
                    {"type": "text", "text": "Compare with"},
                    {"type": "image", "image": "wide.png"},
                ],
            }
        ],
        "kwargs": {"add_generation_prompt": True, "add_vision_id": False},
    },
    {
        "name": "no-generation-prompt",
        "messages": [{"role": "user", "content": "  spaces and\nnewlines kept  "}],
        "kwargs": {"add_generation_prompt": False},
    },
    {
        "name": "enable-thinking-false",
        "messages": [{"role": "user", "content": "Quick answer please."}],
        "kwargs": {"add_generation_prompt": True, "enable_thinking": False},
    },
    {
        "name": "system-not-first",
        "messages": [
            {"role": "user", "content": "Hi"},
            {"role": "system", "content": "Late system note."},
            {"role": "user", "content": "Again"},
        ],
        "kwargs": {"add_generation_prompt": True},
    },
    {
        "name": "invalid-unknown-role",
        "messages": [{"role": "user", "content": "Hi"}, {"role": "moderator", "content": "flagged"}],
        "kwargs": {"add_generation_prompt": True},
    },
    {
        "name": "invalid-unknown-content-part",
        "messages": [{"role": "user", "content": [{"type": "audio", "audio": "a.wav"}, {"type": "text", "text": "Transcribe."}]}],
        "kwargs": {"add_generation_prompt": True},
    },
]


def render_templates(processors: dict[str, Qwen3VLProcessor], thinking: str) -> dict:
    templates = {name: (processor, processor.chat_template) for name, processor in processors.items()}
    templates["qwen3-vl-thinking"] = (processors["instruct-tied"], thinking)
    results = []
    for case in TEMPLATE_CASES:
        entry = {"name": case["name"], "messages": case["messages"], "tools": case.get("tools"), "kwargs": case["kwargs"], "renders": {}}
        for template_name, (processor, template) in templates.items():
            try:
                text = processor.apply_chat_template(
                    case["messages"], tools=case.get("tools"), chat_template=template, tokenize=False, **case["kwargs"]
                )
                entry["renders"][template_name] = {"text": text}
            except jinja2.exceptions.TemplateError as error:
                entry["renders"][template_name] = {"error": type(error).__name__, "message": str(error)}
        results.append(entry)
    raised = [c["name"] for c in results if any("error" in r for r in c["renders"].values())]
    if not raised:
        raise RuntimeError("no template case raised: the invalid inputs are not covered")
    return {
        "renderer": "Qwen3VLProcessor.apply_chat_template(messages, tools=tools, chat_template=<template>, tokenize=False, **kwargs)",
        "environment": (
            "transformers' ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols]); "
            "tojson = json.dumps(x, ensure_ascii=False) (separators ', ' and ': ', keys in insertion order); "
            "raise_exception(message) raises jinja2.TemplateError(message); the tokenizer's special tokens "
            "(eos_token, pad_token, ...) are template variables too"
        ),
        "normalisation": (
            "before rendering, the processor drops message keys whose value is None and rewrites "
            "{'type': 'image_url', 'image_url': {'url': u}} parts to {'type': 'image', 'url': u}"
        ),
        "templates": {
            "instruct-tied": "instruct-tied/chat_template.jinja: the real Qwen3-VL-Instruct template",
            "instruct-untied": "instruct-untied/chat_template.jinja: the fixture template",
            "qwen3-vl-thinking": "templates/qwen3-vl-thinking.jinja: the real Qwen3-VL-Thinking template (no checkpoint uses it)",
        },
        "cases": results,
    }


# ----------------------------------------------------------------------------------------------- metadata


def versions() -> dict:
    packages = ["torch", "torchvision", "transformers", "safetensors", "tokenizers", "numpy", "pillow", "jinja2"]
    return {
        "python": platform.python_version(),
        "packages": {name: importlib.metadata.version(name) for name in packages},
        "qwen3_vl_chat_templates": instruct_templates.provenance(),
        "generator": "tools/reference/make_instruct_fixtures.py",
    }


def manifest(out: Path) -> list[dict]:
    files = []
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.name != "manifest.json"):
        data = path.read_bytes()
        files.append({"path": path.relative_to(out).as_posix(), "bytes": len(data), "sha256": sha256(data)})
    return files


def checkpoint_summary(name: str, spec: dict, directory: Path, model, processor, ids: dict[str, int]) -> dict:
    text, vision = model.config.text_config, model.config.vision_config
    files = sorted(p.name for p in directory.iterdir())
    state = read_sharded_state(directory)
    return {
        "name": name,
        "directory": name,
        "files": files,
        "weights_dtype": spec["dtype"],
        "tie_word_embeddings": spec["tie_word_embeddings"],
        "template": spec["template"],
        "processor_layout": spec["processor_layout"],
        "text": {
            "hidden_size": text.hidden_size,
            "intermediate_size": text.intermediate_size,
            "num_hidden_layers": text.num_hidden_layers,
            "num_attention_heads": text.num_attention_heads,
            "num_key_value_heads": text.num_key_value_heads,
            "head_dim": text.head_dim,
            "vocab_size": text.vocab_size,
            "rope_theta": text.rope_parameters["rope_theta"],
            "mrope_section": text.rope_parameters["mrope_section"],
        },
        "vision": {
            "depth": vision.depth,
            "hidden_size": vision.hidden_size,
            "num_heads": vision.num_heads,
            "intermediate_size": vision.intermediate_size,
            "num_position_embeddings": vision.num_position_embeddings,
            "deepstack_visual_indexes": vision.deepstack_visual_indexes,
            "out_hidden_size": vision.out_hidden_size,
        },
        "processor": {
            "patch_size": PATCH,
            "merge_size": MERGE,
            "temporal_patch_size": TEMPORAL,
            "min_pixels (size.shortest_edge)": spec["min_pixels"],
            "max_pixels (size.longest_edge)": spec["max_pixels"],
        },
        "tokenizer_size": len(processor.tokenizer),
        "token_ids": ids,
        "generation_config": model.generation_config.to_diff_dict(),
        "weight_keys": {k: {"dtype": str(v.dtype).removeprefix("torch."), "shape": list(v.shape)} for k, v in sorted(state.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="fixture directory (replaced whole)")
    args = parser.parse_args()
    out = args.out.resolve()

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(0)

    real = instruct_templates.fetch_real_templates()
    templates = {"real-qwen3-vl-instruct": real["instruct"], "fixture": instruct_templates.FIXTURE_TEMPLATE}

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / "images").mkdir()
    (out / "goldens").mkdir()
    (out / "templates").mkdir()
    (out / "templates" / "qwen3-vl-thinking.jinja").write_text(real["thinking"])

    drawn = draw_images()
    images = {}
    image_index = []
    for name, (image, description) in drawn.items():
        path = out / "images" / f"{name}.png"
        image.save(path, optimize=False)
        images[name] = Image.open(path).convert("RGB")
        image_index.append({"file": f"images/{name}.png", "width": image.width, "height": image.height, "mode": image.mode, "description": description})

    checkpoints, golden_files, processors, self_checks = [], [], {}, {}
    for name, spec in CHECKPOINTS.items():
        directory = out / name
        template = templates[spec["template"]]
        with tempfile.TemporaryDirectory(prefix="qwen3vl-instruct-") as staging_dir:
            staging = Path(staging_dir)
            processor = build_processor(staging, spec, template)
            ids = token_ids(processor.tokenizer)
            model = build_model(name, spec, ids, len(processor.tokenizer))
            save_model(model, directory, spec)
            check_saved_keys(directory, spec, spec["vision"]["depth"], spec["text"]["num_hidden_layers"])
            model.generation_config.save_pretrained(str(directory))
            if spec["processor_layout"].startswith("transformers-5"):
                processor.save_pretrained(str(directory))
            else:
                write_transformers4_processor_files(directory, staging, processor, template)
        if (directory / "chat_template.jinja").read_text() != template:
            raise RuntimeError(f"{name}: chat_template.jinja is not the chosen template")

        # Every golden comes from the files as reloaded (BF16 weights widened to float32).
        reloaded = load_model(directory)
        assert_same_parameters(model, reloaded, name)
        if spec["dtype"] == "bfloat16":
            native = Qwen3VLForConditionalGeneration.from_pretrained(str(directory), dtype=torch.bfloat16)
            assert_same_parameters(reloaded, native.to(torch.float32), f"{name} (bf16 load widened)")
            del native
        processor = AutoProcessor.from_pretrained(str(directory))
        if type(processor).__name__ != "Qwen3VLProcessor" or processor.chat_template != template:
            raise RuntimeError(f"{name}: reloaded processor is {type(processor).__name__} with another template")
        processors[name] = processor
        if reloaded.generation_config.eos_token_id != [ids["<|im_end|>"], ids["<|endoftext|>"]]:
            raise RuntimeError(f"{name}: generation_config.json eos ids not reloaded")

        results = {}
        for case in CASES:
            results[case] = run_generation(reloaded, processor, case, images)
        # The in-memory model (before saving) must give the same greedy ids as the reloaded one.
        with torch.no_grad():
            again = run_generation(model.to(torch.float32).eval(), processor, "one-image", images)
        if again["rows"][0]["greedy_ids"] != results["one-image"]["rows"][0]["greedy_ids"]:
            raise RuntimeError(f"{name}: in-memory and reloaded models generate differently")
        batch_check = compare_batch(name, results)
        self_checks[name] = {
            "greedy_ids_equal_logits_argmax_for_3_steps": True,
            "eos_stopped_ids_are_prefix_of_greedy_ids": True,
            "batch": batch_check,
            "reloaded_equals_in_memory": True,
        }
        for case, result in results.items():
            path = out / "goldens" / f"{name}-{case}.safetensors"
            description = {
                "checkpoint": name,
                "case": case,
                "batch_size": len(result["rows"]),
                "chat_template_kwargs": TEMPLATE_KWARGS,
                "images": result["images"],
                "generation": {
                    "method": "Qwen3VLForConditionalGeneration.generate",
                    "do_sample": False,
                    "max_new_tokens": NEW_TOKENS,
                    "greedy_ids_stopping": "disabled: model.generation_config.eos_token_id set to None for the call, so no EOS criterion and all 32 steps run",
                    "eos_stopped_ids_stopping": f"generation_config.json eos_token_id {reloaded.generation_config.eos_token_id}; ids up to and including the first eos",
                    "attn_implementation": ATTENTION,
                    "compute_dtype": "float32",
                    "weights_dtype": spec["dtype"],
                    "threads": 1,
                    "padding_side": "left",
                },
                "rows": result["rows"],
            }
            if case == "batch":
                description["batch_check"] = batch_check
            else:
                description["no_cache_check"] = {
                    "what": "one forward pass without KV cache over prompt + greedy ids 1..2 gives the 3 logit rows",
                    "logits_max_abs_diff": result["no_cache_gap"],
                }
            save_golden(path, result["tensors"], description)
            golden_files.append({"checkpoint": name, "case": case, "json": f"goldens/{path.stem}.json", "tensors": f"goldens/{path.name}"})
        checkpoints.append(checkpoint_summary(name, spec, directory, reloaded, processor, ids))

    write_json(out / "templates.json", render_templates(processors, real["thinking"]))
    write_json(out / "versions.json", versions())
    index = {
        "checkpoints": checkpoints,
        "images": image_index,
        "cases": {case: conversations for case, conversations in CASES.items()},
        "batch_rows_from": BATCH_ROWS_FROM,
        "goldens": golden_files,
        "templates": "templates.json",
        "self_checks": self_checks,
    }
    write_json(out / "index.json", index)
    files = manifest(out)
    (out / "manifest.json").write_text(json.dumps({"files": files}, indent=1) + "\n")
    total = sum(f["bytes"] for f in files)
    print(f"wrote {len(files)} files, {total / 1e6:.2f} MB, to {out}", file=sys.stderr)
    if total >= 4_000_000:
        raise RuntimeError(f"{out} is {total} bytes, over the 4 MB budget")


if __name__ == "__main__":
    main()
