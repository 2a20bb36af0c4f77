"""Tiny random Qwen3-VL / ColQwen3 checkpoints that keep every structural feature of the real models."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import torch
from colpali_engine.models import ColQwen3
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import Qwen3VLConfig, Qwen3VLForConditionalGeneration

# Real Qwen3-VL: mrope_section [24, 20, 20] over head_dim 128 (64 frequencies). With head_dim 32 there are
# 16 frequencies and the same proportions give [6, 5, 5].
TEXT_CONFIG = dict(
    hidden_size=48,
    intermediate_size=80,
    num_hidden_layers=4,  # deepstack injects after decoder layers 0, 1 and 2
    num_attention_heads=4,
    num_key_value_heads=2,  # GQA: 2 query heads per key/value head
    head_dim=32,  # heads * head_dim = 128 != hidden_size, as in the 4B model (32 * 128 != 2560)
    hidden_act="silu",
    max_position_embeddings=4096,
    rms_norm_eps=1e-6,
    rope_parameters={
        "rope_type": "default",
        "rope_theta": 5000000.0,
        "mrope_section": [6, 5, 5],
        "mrope_interleaved": True,
    },
    attention_bias=False,
    tie_word_embeddings=False,
)

VISION_CONFIG = dict(
    depth=5,
    hidden_size=32,
    hidden_act="gelu_pytorch_tanh",
    intermediate_size=64,
    num_heads=2,
    in_channels=3,
    patch_size=16,
    spatial_merge_size=2,
    temporal_patch_size=2,
    out_hidden_size=48,
    # A 6x6 learned table: page grids of 4..14 patches per side interpolate both up and down from it.
    num_position_embeddings=36,
    # Block 0 included on purpose (an edge case), and not the last block, as in the real [5, 11, 17] of 24.
    deepstack_visual_indexes=[0, 2, 3],
)


def qwen3vl_config(token_ids: dict[str, int], vocab_size: int) -> Qwen3VLConfig:
    text = dict(TEXT_CONFIG, vocab_size=vocab_size)
    return Qwen3VLConfig(
        text_config=text,
        vision_config=dict(VISION_CONFIG),
        image_token_id=token_ids["<|image_pad|>"],
        video_token_id=token_ids["<|video_pad|>"],
        vision_start_token_id=token_ids["<|vision_start|>"],
        vision_end_token_id=token_ids["<|vision_end|>"],
        tie_word_embeddings=False,
    )


class ColQwen3Dim128(ColQwen3):
    """colpali-engine's ColQwen3 with a 128-d projection without bias (the class itself hard-codes 320 + bias)."""

    def __init__(self, config: Qwen3VLConfig, **kwargs):
        super().__init__(config, **kwargs)
        self.dim = 128
        self.custom_text_proj = nn.Linear(config.text_config.hidden_size, self.dim, bias=False)


def randomize(model: nn.Module, seed: int) -> None:
    """Random weights with non-trivial scales: norms away from 1, biases away from 0, no identity shortcuts."""
    generator = torch.Generator().manual_seed(seed)

    def normal(shape, std, mean=0.0):
        return torch.randn(shape, generator=generator) * std + mean

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
        leftovers = [n for n, p in model.named_parameters() if not _covered(model, n)]
        if leftovers:
            raise RuntimeError(f"parameters not randomised: {leftovers}")


def _covered(model: nn.Module, parameter_name: str) -> bool:
    module = model.get_submodule(parameter_name.rsplit(".", 1)[0])
    return isinstance(module, (nn.Linear, nn.Conv3d, nn.LayerNorm, nn.Embedding)) or type(module).__name__.endswith(
        "RMSNorm"
    )


def round_to_bfloat16(model: nn.Module) -> None:
    """Keeps float32 storage but bf16 values, so goldens match a bf16 checkpoint widened to f32."""
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.copy_(parameter.to(torch.bfloat16).to(torch.float32))


# Key renames from colpali-engine's saved names (transformers 5 adds "model." on save) to the names in
# TomoroAI's checkpoints (their modeling_colqwen3.py nests a Qwen3VLForConditionalGeneration as `vlm`
# and names the projection `embedding_proj_layer`).
_TOMORO_RENAMES = [
    (re.compile(r"^model\.visual\."), "vlm.model.visual."),
    (re.compile(r"^model\.language_model\."), "vlm.model.language_model."),
    (re.compile(r"^model\.custom_text_proj\."), "embedding_proj_layer."),
]


def tomoro_key(colpali_key: str) -> str:
    for pattern, replacement in _TOMORO_RENAMES:
        if pattern.match(colpali_key):
            return pattern.sub(replacement, colpali_key, count=1)
    raise ValueError(f"no TomoroAI name for checkpoint key {colpali_key!r}")


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


def write_tomoro_variant(source: Path, target: Path, token_ids: dict[str, int], seed: int) -> dict[str, str]:
    """Rewrites a saved 320-d checkpoint with TomoroAI's key names and a transformers-4.57-style config."""
    target.mkdir(parents=True, exist_ok=True)
    state = read_sharded_state(source)
    renamed = {tomoro_key(k): v for k, v in state.items()}
    embed = renamed["vlm.model.language_model.embed_tokens.weight"]
    # TomoroAI's 8B checkpoint carries an untied lm_head that a retrieval model never uses: the loader must skip it.
    generator = torch.Generator().manual_seed(seed)
    renamed["vlm.lm_head.weight"] = (torch.randn(embed.shape, generator=generator) * 0.02).to(embed.dtype)
    save_file(dict(sorted(renamed.items())), str(target / "model.safetensors"), metadata={"format": "pt"})

    config = json.loads((source / "config.json").read_text())
    text = config["text_config"]
    rope = text.pop("rope_parameters")
    # transformers < 5 wrote rope settings as rope_theta + rope_scaling; released checkpoints use that form.
    text["rope_theta"] = rope["rope_theta"]
    text["rope_scaling"] = {
        "mrope_interleaved": rope["mrope_interleaved"],
        "mrope_section": rope["mrope_section"],
        "rope_type": rope["rope_type"],
    }
    vision = config["vision_config"]
    vision.pop("rope_parameters", None)
    tomoro = {
        "architectures": ["ColQwen3"],
        "auto_map": {
            "AutoConfig": "configuration_colqwen3.ColQwen3Config",
            "AutoModel": "modeling_colqwen3.ColQwen3",
        },
        "embed_dim": 320,
        "image_token_id": token_ids["<|image_pad|>"],
        "initializer_range": 0.02,
        "model_type": "colqwen3",
        "padding_side": "left",
        "text_config": text,
        "torch_dtype": "bfloat16",  # transformers < 5 spelling of "dtype"
        "transformers_version": "4.57.1",
        "video_token_id": token_ids["<|video_pad|>"],
        "vision_config": vision,
        "vision_end_token_id": token_ids["<|vision_end|>"],
        "vision_start_token_id": token_ids["<|vision_start|>"],
    }
    (target / "config.json").write_text(json.dumps(tomoro, indent=2) + "\n")
    return {k: tomoro_key(k) for k in sorted(state)}


class TomoroLayout(nn.Module):
    """TomoroAI's module tree (`vlm` = Qwen3VLForConditionalGeneration, `embedding_proj_layer`), enough to
    load their key names strictly and run the ColQwen3 forward: last hidden state, project, L2-normalise, mask."""

    def __init__(self, directory: Path):
        super().__init__()
        config = json.loads((directory / "config.json").read_text())
        vlm_config = Qwen3VLConfig(
            text_config=config["text_config"],
            vision_config=config["vision_config"],
            image_token_id=config["image_token_id"],
            video_token_id=config["video_token_id"],
            vision_start_token_id=config["vision_start_token_id"],
            vision_end_token_id=config["vision_end_token_id"],
            tie_word_embeddings=False,
        )
        vlm_config._attn_implementation = "eager"
        self.vlm = Qwen3VLForConditionalGeneration(vlm_config)
        self.embedding_proj_layer = nn.Linear(config["text_config"]["hidden_size"], config["embed_dim"])
        state = {k: v.to(torch.float32) for k, v in read_sharded_state(directory).items()}
        self.load_state_dict(state, strict=True)
        self.eval()

    def forward(self, batch) -> torch.Tensor:
        grid = batch["image_grid_thw"]
        # colpali's processor pads pixel_values per image; the backbone wants them concatenated.
        pixels = torch.cat([rows[: int(g[1] * g[2])] for rows, g in zip(batch["pixel_values"], grid)])
        hidden = self.vlm.model(
            input_ids=batch["input_ids"],
            attention_mask=batch["attention_mask"],
            mm_token_type_ids=batch["mm_token_type_ids"],
            pixel_values=pixels,
            image_grid_thw=grid,
        ).last_hidden_state
        projected = self.embedding_proj_layer(hidden)
        return projected / projected.norm(dim=-1, keepdim=True) * batch["attention_mask"].unsqueeze(-1)
