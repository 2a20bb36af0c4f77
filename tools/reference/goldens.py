"""Runs the reference model on fixed inputs and captures intermediate tensors with hooks."""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors.torch import save_file

# What each captured tensor is; copied into every golden's JSON description.
TENSOR_NOTES = {
    "input_ids": "token ids as the processor returns them (left padded)",
    "attention_mask": "1 for real tokens (query augmentation tokens included), 0 for left padding",
    "mm_token_type_ids": "processor output: 1 on <|image_pad|> tokens, 0 elsewhere",
    "image_grid_thw": "(t, h, w) patch grid per image, before the 2x2 merge",
    "position_ids": (
        "M-RoPE positions (3 x batch x seq) the text model used: Qwen3VLModel.get_rope_index for image batches "
        "(0 on padding), arange(seq) on all three axes for text-only batches (padding included)"
    ),
    "rope_deltas": "get_rope_index's second output: max position + 1 - unpadded length, per row",
    "vision.patch_embed": "Conv3d patch embedding output (patches x vision hidden), before position embeddings",
    "vision.embeddings": "patch embedding + bilinearly interpolated learned position embedding",
    "vision.rotary_position_ids": "per patch (row, col) fed to the 2D vision rotary embedding",
    "vision.block0": "output of vision block 0",
    "vision.last_hidden_state": "output of the last vision block, the input of the merger",
    "vision.merged": "merger output: the image token embeddings (tokens x text hidden)",
    "vision.deepstack.0": "deepstack merger 0 output (after vision block deepstack_visual_indexes[0])",
    "vision.deepstack.1": "deepstack merger 1 output (after vision block deepstack_visual_indexes[1])",
    "vision.deepstack.2": "deepstack merger 2 output (after vision block deepstack_visual_indexes[2])",
    "text.inputs_embeds": "token embeddings with image tokens replaced by vision.merged",
    "text.layer0.out": "decoder layer 0 output (for images: before the deepstack 0 add)",
    "text.layer1.in": "decoder layer 1 input: layer 0 output + deepstack 0 on image tokens",
    "text.layer2.out": "decoder layer 2 output (for images: before the deepstack 2 add)",
    "text.last_hidden_state": "final RMSNorm output (the input of the projection)",
    "embeddings": "ColQwen3 output: proj(last_hidden_state), L2-normalised, times attention_mask",
}


@dataclass
class Capture:
    tensors: dict[str, torch.Tensor] = field(default_factory=dict)

    def put(self, name: str, value: torch.Tensor) -> None:
        if name in self.tensors:
            raise RuntimeError(f"tensor {name!r} captured twice: a hook fired more than once")
        self.tensors[name] = value.detach().clone()


@contextmanager
def hooks(model, capture: Capture, vision_detail: bool, text_detail: bool):
    """Registers forward hooks on a ColQwen3 (or a PEFT wrapper of one)."""
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    visual, language = base.visual, base.language_model
    handles = []

    def on_output(name):
        return lambda _m, _a, out: capture.put(name, out)

    def on_input(name):
        return lambda _m, args: capture.put(name, args[0])

    if vision_detail:
        handles.append(visual.patch_embed.register_forward_hook(on_output("vision.patch_embed")))

        def rotary_inputs(_m, args):
            capture.put("vision.embeddings", args[0])
            capture.put("vision.rotary_position_ids", args[1])

        handles.append(visual.rotary_pos_emb.register_forward_pre_hook(rotary_inputs))
        handles.append(visual.blocks[0].register_forward_hook(on_output("vision.block0")))
        handles.append(visual.merger.register_forward_pre_hook(on_input("vision.last_hidden_state")))
        handles.append(visual.merger.register_forward_hook(on_output("vision.merged")))
        for i, merger in enumerate(visual.deepstack_merger_list):
            handles.append(merger.register_forward_hook(on_output(f"vision.deepstack.{i}")))

    def language_inputs(_m, _args, kwargs):
        if kwargs["position_ids"] is not None:
            capture.put("position_ids.used", kwargs["position_ids"])
        if text_detail and vision_detail:
            capture.put("text.inputs_embeds", kwargs["inputs_embeds"])

    handles.append(language.register_forward_pre_hook(language_inputs, with_kwargs=True))
    handles.append(language.layers[0].register_forward_hook(on_output("text.layer0.out")))
    if text_detail:
        if vision_detail:
            # Only image batches get a deepstack add; for text the input of layer 1 is layer 0's output.
            handles.append(language.layers[1].register_forward_pre_hook(on_input("text.layer1.in")))
        handles.append(language.layers[2].register_forward_hook(on_output("text.layer2.out")))
    handles.append(
        language.register_forward_hook(lambda _m, _a, out: capture.put("text.last_hidden_state", out.last_hidden_state))
    )
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()


def rope_index(model, batch) -> tuple[torch.Tensor, torch.Tensor]:
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    if "image_grid_thw" not in batch:
        # Text-only rows: Qwen3VLModel leaves position_ids None and the text model uses arange(seq) on all
        # three axes, padding included (harmless: RoPE scores depend on position differences only).
        batch_size, length = batch["input_ids"].shape
        positions = torch.arange(length).view(1, 1, -1).expand(3, batch_size, -1).clone()
        return positions, torch.zeros(batch_size, 1, dtype=torch.long)
    return base.get_rope_index(
        input_ids=batch["input_ids"],
        mm_token_type_ids=batch["mm_token_type_ids"],
        image_grid_thw=batch["image_grid_thw"],
        attention_mask=batch["attention_mask"],
    )


def run(model, batch, vision_detail: bool, text_detail: bool) -> dict[str, torch.Tensor]:
    capture = Capture()
    vision_detail = vision_detail and "pixel_values" in batch
    with torch.no_grad(), hooks(model, capture, vision_detail, text_detail):
        embeddings = model(**batch)
    out = {k: batch[k] for k in ("input_ids", "attention_mask", "mm_token_type_ids", "image_grid_thw") if k in batch}
    positions, deltas = rope_index(model, batch)
    used = capture.tensors.pop("position_ids.used", None)
    if (used is None) != ("image_grid_thw" not in batch) or (used is not None and not torch.equal(used, positions)):
        raise RuntimeError("the position ids the text model received differ from get_rope_index's")
    out["position_ids"] = positions
    out["rope_deltas"] = deltas
    mask = batch["attention_mask"].bool()
    for name, value in capture.tensors.items():
        if name.startswith("text."):
            # Padded rows are unspecified in the reference (fully masked attention): store zeros there.
            value = value * mask.unsqueeze(-1).to(value.dtype)
        out[name] = value
    out["embeddings"] = embeddings
    return {k: v.contiguous() for k, v in out.items()}


def to_float64(batch):
    return {k: (v.double() if v.is_floating_point() else v) for k, v in batch.items()}


def save_golden(path: Path, tensors: dict[str, torch.Tensor], description: dict) -> None:
    stored = {}
    for name, value in tensors.items():
        stored[name] = value.to(torch.float32) if value.is_floating_point() else value.to(torch.int64)
    save_file(stored, str(path), metadata={"format": "pt"})
    shapes = {name: {"dtype": str(v.dtype).removeprefix("torch."), "shape": list(v.shape)} for name, v in stored.items()}
    notes = {name: TENSOR_NOTES[name] for name in stored if name in TENSOR_NOTES}
    document = dict(description, file=path.name, tensors=shapes, notes=notes)
    path.with_suffix(".json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
