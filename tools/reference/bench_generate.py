"""Java generation vs transformers on a Qwen3-VL-2B-Instruct-shaped checkpoint: prefill and decode speed, peak memory.

Runs Quire's `dev.quire.generation.bench.GenerateBenchmark` (LocalGenerator on DJL/libtorch, float32, CPU) and
transformers' `Qwen3VLForConditionalGeneration.generate` (float32, sdpa, CPU) on the same checkpoint, the same page
image and the same user message, greedy, the same number of new tokens with stopping disabled, the same number of
threads; each side in its own process (so each peak RSS is its own), the two sides interleaved (Java, Python, Java,
Python, ...) so that load from other processes on the machine hits both alike, and prints the Java / transformers
ratios of the best of each. Absolute numbers move a lot between runs on a shared machine; the ratios of one run are
what to compare.

    cd tools/reference && /work/venvs/reference/bin/python bench_generate.py [--threads 2,1] [--new-tokens 32]
        [--rounds 2] [--repeats 1] [--max-image-tokens 640] [--work /work/benchdata]

Measures, per process, after one warm-up generation, best of --repeats:
- prefill: the prompt's forward pass (vision tower, DeepStack, 28 decoder layers) and the logits of its last row,
  as prompt tokens per second. Java: `GenerationResult.timings().prefillNanos()`. transformers: from the call of
  `generate` to the first generated token handed to the streamer (`put`), which also covers generate's own setup
  (position ids, logits processors; a few ms).
- decode: the steps after the first token, as (new tokens - 1) per second. Java: `timings().decodeNanos()`;
  transformers: from the first to the last token handed to the streamer.
- peak RSS: VmHWM (Java, /proc/self/status) and ru_maxrss (Python), the same kernel counter; it includes the pages
  of the memory-mapped checkpoint that a process touched.

The checkpoint (generated once into --work/qwen3-vl-2b-random, ~8.5 GB, never committed) has random float32 weights
(transformers' own initialisation, seed 0) in the real Qwen3-VL-2B-Instruct shape, saved by
`Qwen3VLForConditionalGeneration.save_pretrained` in the real layout (tied: no lm_head.weight). Config values and
where they were checked (the Hugging Face hub is not reachable from here, so the config.json itself was not read):

| value | used | sources |
| --- | --- | --- |
| text hidden_size / num_hidden_layers | 2048 / 28 | [a] [b] |
| num_attention_heads / num_key_value_heads / head_dim | 16 / 8 / 128 | [a] [b] |
| text intermediate_size | 6144 | [b] (also Qwen3-1.7B's, the 2B's language model) |
| vocab_size, tie_word_embeddings | 151936, true | [a] (tied embeddings); vocab: every Qwen3 / Qwen3-VL dense config |
| rope_theta, mrope_section, mrope_interleaved | 5,000,000, [24, 20, 20], true | [a] |
| max_position_embeddings | 262,144 | xinference's Qwen3-VL-Instruct spec (context length 262144) |
| rms_norm_eps, hidden_act | 1e-6, silu | transformers' Qwen3VLTextConfig defaults (the released configs keep them) |
| vision depth / hidden_size / num_heads / intermediate_size | 24 / 1024 / 16 / 4096 | [a] [b] [c] |
| vision out_hidden_size, num_position_embeddings | 2048, 2304 | [a] [c] |
| deepstack_visual_indexes | [5, 11, 17] | [a] [c] |
| patch_size / temporal_patch_size / spatial_merge_size | 16 / 2 / 2 | [a] [c] |
| vision hidden_act | gelu_pytorch_tanh | transformers' Qwen3VLVisionConfig default (the released configs keep it) |
| special-token ids (image 151655, video 151656, vision start/end 151652/151653, eos 151645, pad 151643) | | the real Qwen3 tokenizer's added_tokens (below) |

[a] a public design note quoting https://huggingface.co/Qwen/Qwen3-VL-2B-Instruct/blob/main/config.json: "Text: hidden
2048, 28 layers, 16 query / 8 KV heads, head dimension 128, tied embeddings; Text RoPE: theta 5000000, default type,
interleaved MRoPE sections [24,20,20]; Vision: hidden 1024, depth 24, 16 heads, intermediate 4096, output hidden 2048;
spatial patch 16, temporal patch 2, spatial merge 2; 2304 learned positions; DeepStack extraction indices [5,11,17]".
[b] a public deployment note "VERIFIED model dimensions ... read first-hand from official config.json": "Qwen3-VL-2B-
Instruct | 2048 | 28 | 6144 | 16 / 8, head_dim 128 | depth 24, hidden 1024, patch 16, merge 2".
[c] SGLang-JAX's `Qwen3VLVisionConfig` defaults (the 2B vision tower): depth 24, hidden 1024, intermediate 4096,
16 heads, patch 16, temporal 2, merge 2, out_hidden_size 2048, 2304 positions, deepstack (5, 11, 17).

Tokenizer: the real Qwen3 tokenizer committed at model/src/test/resources/reference/qwen3-tokenizer/tokenizer.json.gz
(151,643 BPE tokens + 26 added tokens, among them every Qwen-VL special token at its real id), so prompt ids are the
real model's. tokenizer_config.json and chat_template.jinja (the real Qwen3-VL-Instruct template) come from the
instruct-tied fixture; generation_config.json is Qwen3-VL-Instruct's with the real ids; processor_config.json is the
fixture's with the real min_pixels (65,536) and max_pixels = --max-image-tokens x 32 x 32 (640 tokens: an 850 x 1100
page becomes 704 x 896 pixels, 22 x 28 = 616 image tokens, 2,464 vision patches).

Needs the venv of requirements-model.txt (must not import colpali_engine: it changes how save_pretrained names
Qwen3-VL keys), JDK 21+ (JAVA_HOME) and Maven; builds the generation module and its dependencies
(mvn -o -pl generation -am test-compile, classes from the reactor's target directories, never installed jars).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

# shared with the encoder benchmark (which imports nothing of colpali at module level)
from bench_encoder import launcher_environment, peak_rss_mb, quire_jvm_flags

if "colpali_engine" in sys.modules:
    raise RuntimeError("colpali_engine is imported: it changes how transformers names Qwen3-VL checkpoint keys")

REPO = Path(__file__).resolve().parents[2]
INSTRUCT = REPO / "model" / "src" / "test" / "resources" / "reference-instruct" / "instruct-tied"
QWEN3_TOKENIZER = REPO / "model" / "src" / "test" / "resources" / "reference" / "qwen3-tokenizer" / "tokenizer.json.gz"
CHECKPOINT_NAME = "qwen3-vl-2b-random"
TEXT = "What is the total revenue in this quarterly report, and which region grew fastest?"

# The real Qwen3 tokenizer's ids (tokenizer.json.gz's added_tokens; checked when the checkpoint is written).
IDS = {
    "<|endoftext|>": 151643,
    "<|im_start|>": 151644,
    "<|im_end|>": 151645,
    "<|vision_start|>": 151652,
    "<|vision_end|>": 151653,
    "<|image_pad|>": 151655,
    "<|video_pad|>": 151656,
}

TEXT_2B = dict(
    vocab_size=151936,
    hidden_size=2048,
    intermediate_size=6144,
    num_hidden_layers=28,
    num_attention_heads=16,
    num_key_value_heads=8,
    head_dim=128,
    hidden_act="silu",
    max_position_embeddings=262144,
    rms_norm_eps=1e-6,
    rope_parameters={"rope_type": "default", "rope_theta": 5000000.0, "mrope_section": [24, 20, 20], "mrope_interleaved": True},
    attention_bias=False,
    tie_word_embeddings=True,
    bos_token_id=IDS["<|endoftext|>"],
    eos_token_id=IDS["<|im_end|>"],
    pad_token_id=IDS["<|endoftext|>"],
)
VISION_2B = dict(
    depth=24,
    hidden_size=1024,
    hidden_act="gelu_pytorch_tanh",
    intermediate_size=4096,
    num_heads=16,
    in_channels=3,
    patch_size=16,
    spatial_merge_size=2,
    temporal_patch_size=2,
    out_hidden_size=2048,
    num_position_embeddings=2304,
    deepstack_visual_indexes=[5, 11, 17],
)


# ------------------------------------------------------------------------------------------ inputs


def make_page(target: Path) -> Path:
    """One letter-size-ish synthetic page (850 x 1100, as bench_encoder.py draws them): title, text, a table, a chart."""
    from PIL import Image, ImageDraw, ImageFont

    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", (850, 1100), (252, 252, 250))
    draw = ImageDraw.Draw(image)
    big, small = ImageFont.load_default(size=34), ImageFont.load_default(size=16)
    draw.rectangle((0, 0, 849, 70), fill=(30, 60, 120))
    draw.text((30, 16), "Quarterly report 2024: section 1", font=big, fill=(255, 255, 255))
    y = 100
    for line in range(18):
        draw.text((40, y), f"Line {line}: revenue grew {3 + (3 * line) % 17}.{line}% in region {line % 5}.", font=small, fill=(20, 20, 20))
        y += 24
    for row in range(8):
        top = 560 + row * 30
        draw.rectangle((40, top, 560, top + 29), outline=(120, 120, 120), fill=(235, 240, 250) if row % 2 else None)
        draw.text((50, top + 6), f"Q{row % 4 + 1}   {1200 + 37 * row:,}   {row * 3.5:.1f}%", font=small, fill=(40, 40, 40))
    for b in range(6):
        height = 40 + (3 * (b + 5) * 37) % 180
        draw.rectangle((600 + b * 38, 1050 - height, 630 + b * 38, 1050), fill=(200, 80 + 25 * b, 60))
    image.save(target)
    return target


def make_checkpoint(target: Path, max_image_tokens: int) -> None:
    """The random 2B-shaped Qwen3VLForConditionalGeneration, float32, real layout, with processor and tokenizer files."""
    if (target / "config.json").exists():
        write_processor_config(target, max_image_tokens)  # cheap; follows --max-image-tokens
        return
    import torch
    from transformers import GenerationConfig, Qwen3VLConfig, Qwen3VLForConditionalGeneration

    tokenizer = json.loads(gzip.decompress(QWEN3_TOKENIZER.read_bytes()))
    added = {t["content"]: t["id"] for t in tokenizer["added_tokens"]}
    for name, id_ in IDS.items():
        if added.get(name) != id_:
            raise RuntimeError(f"the Qwen3 tokenizer has {name} at {added.get(name)}, expected {id_}")
    config = Qwen3VLConfig(
        text_config=dict(TEXT_2B),
        vision_config=dict(VISION_2B),
        image_token_id=IDS["<|image_pad|>"],
        video_token_id=IDS["<|video_pad|>"],
        vision_start_token_id=IDS["<|vision_start|>"],
        vision_end_token_id=IDS["<|vision_end|>"],
        tie_word_embeddings=True,
    )
    started = time.perf_counter()
    torch.manual_seed(0)
    model = Qwen3VLForConditionalGeneration(config).eval()
    if model.lm_head.weight.data_ptr() != model.model.language_model.embed_tokens.weight.data_ptr():
        raise RuntimeError("lm_head is not tied to the embeddings")
    parameters = sum(p.numel() for p in model.parameters())
    model.generation_config = GenerationConfig(
        bos_token_id=IDS["<|endoftext|>"],
        pad_token_id=IDS["<|endoftext|>"],
        do_sample=True,
        eos_token_id=[IDS["<|im_end|>"], IDS["<|endoftext|>"]],
        top_k=20,
        top_p=0.8,
        repetition_penalty=1.0,
        temperature=0.7,
    )
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    model.save_pretrained(str(staging))
    del model
    from safetensors import safe_open

    keys = set()
    for shard in staging.glob("*.safetensors"):
        with safe_open(str(shard), "pt") as f:
            keys.update(f.keys())
    bad = sorted(k for k in keys if not k.startswith(("model.language_model.", "model.visual.")))
    if bad or "model.visual.blocks.23.attn.qkv.weight" not in keys or "model.language_model.layers.27.mlp.up_proj.weight" not in keys:
        raise RuntimeError(f"unexpected checkpoint keys: {bad[:5]} (of {len(keys)})")
    (staging / "tokenizer.json").write_bytes(gzip.decompress(QWEN3_TOKENIZER.read_bytes()))
    for name in ("tokenizer_config.json", "chat_template.jinja"):
        shutil.copy(INSTRUCT / name, staging / name)
    write_processor_config(staging, max_image_tokens)
    staging.rename(target)
    print(f"wrote a random Qwen3-VL-2B-shaped checkpoint of {parameters / 1e9:.3f}B parameters to {target}"
          f" in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def write_processor_config(folder: Path, max_image_tokens: int) -> None:
    processor = json.loads((INSTRUCT / "processor_config.json").read_text())
    processor["image_processor"]["size"] = {"longest_edge": max_image_tokens * 32 * 32, "shortest_edge": 65536}
    (folder / "processor_config.json").write_text(json.dumps(processor, indent=2) + "\n")


# --------------------------------------------------------------------------------------- reference


class TokenTimes:
    """A generate streamer that only notes when each put comes: the prompt first, then each new token."""

    def __init__(self):
        self.times: list[float] = []
        self.tokens: list[int] = []

    def put(self, value):
        self.times.append(time.perf_counter())
        if len(self.times) > 1:
            self.tokens.extend(int(v) for v in value.reshape(-1).tolist())

    def end(self):
        pass


def reference_worker(args) -> None:
    """One process: load, warm up, best of the repeats; prints one JSON line."""
    import torch
    import transformers
    from PIL import Image
    from transformers import AutoProcessor, Qwen3VLForConditionalGeneration

    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    model = Qwen3VLForConditionalGeneration.from_pretrained(args.model, dtype=torch.float32, attn_implementation="sdpa").eval()
    load = time.perf_counter() - started
    processor = AutoProcessor.from_pretrained(args.model)
    messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": args.text}]}]
    prompt = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    inputs = processor(text=[prompt], images=[Image.open(args.image).convert("RGB")], return_tensors="pt")
    prompt_tokens = int(inputs["input_ids"].shape[1])
    image_tokens = int((inputs["input_ids"] == model.config.image_token_id).sum())
    model.generation_config.eos_token_id = None  # no EosTokenCriteria: exactly max_new_tokens tokens

    def run():
        timer = TokenTimes()
        with torch.inference_mode():
            called = time.perf_counter()
            out = model.generate(**inputs, do_sample=False, max_new_tokens=args.new_tokens, streamer=timer)
            done = time.perf_counter()
        ids = out[0, prompt_tokens:].tolist()
        if len(ids) != args.new_tokens or len(timer.times) != args.new_tokens + 1 or timer.tokens != ids:
            raise RuntimeError(f"expected {args.new_tokens} streamed tokens, got {len(ids)} ids and {len(timer.times) - 1} puts")
        return timer.times[1] - called, timer.times[-1] - timer.times[1], done - called, ids

    started = time.perf_counter()
    _, _, _, warm_ids = run()
    warm = time.perf_counter() - started
    prefill = decode = total = float("inf")
    for _ in range(args.repeats):
        p, d, t, ids = run()
        prefill, decode, total = min(prefill, p), min(decode, d), min(total, t)
        if ids != warm_ids:
            raise RuntimeError("greedy ids differ between runs")
    print(json.dumps({
        "side": "transformers",
        "threads": args.threads,
        "load_seconds": round(load, 3),
        "warmup_seconds": round(warm, 3),
        "prompt_tokens": prompt_tokens,
        "image_tokens": image_tokens,
        "new_tokens": len(warm_ids),
        "repeats": args.repeats,
        "prefill_seconds": prefill,
        "prefill_tokens_per_second": prompt_tokens / prefill,
        "decode_seconds": decode,
        "decode_tokens_per_second": (len(warm_ids) - 1) / decode,
        "generate_seconds": total,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "token_ids": warm_ids,
        "attention": model.config._attn_implementation,
        "torch": torch.__version__,
        "transformers": transformers.__version__,
    }))


# -------------------------------------------------------------------------------------------- java


def java_command(java_home: Path) -> list[str]:
    """java + Quire's JVM flags (the parent pom's quire.jvm.flags) + the generation module's test class path."""
    flags = quire_jvm_flags()
    env = dict(os.environ, JAVA_HOME=str(java_home), PATH=f"{java_home}/bin:{os.environ['PATH']}")
    # one reactor build: the module's dependencies resolve to the reactor's target/classes, never to installed jars
    subprocess.run(
        ["mvn", "-q", "-B", "-o", "-pl", "generation", "-am", "test-compile", "dependency:build-classpath",
         "-Dmdep.includeScope=test", "-Dmdep.outputFile=target/bench.classpath"],
        cwd=REPO, env=env, check=True,
    )
    module = REPO / "generation"
    classpath = ":".join([str(module / "target/test-classes"), str(module / "target/classes"),
                          (module / "target/bench.classpath").read_text().strip()])
    return [str(java_home / "bin" / "java"), *flags, "-Xmx2g", "-cp", classpath, "dev.quire.generation.bench.GenerateBenchmark"]


def run_json(command: list[str], env: dict | None = None) -> dict:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    lines = [l for l in result.stdout.splitlines() if l.startswith("{")]
    if result.returncode != 0 or not lines:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"benchmark process failed: {' '.join(command[:3])} ...")
    report = json.loads(lines[-1])
    report["process_seconds"] = round(time.perf_counter() - started, 1)
    return report


def best_of(results: list[dict]) -> dict:
    """Highest rates, lowest times and memory over the rounds."""
    best = dict(results[0])
    for result in results[1:]:
        for key, value in result.items():
            if key.endswith("_per_second"):
                best[key] = max(best[key], value)
            elif key.endswith("_seconds") or key.endswith("_mb"):
                best[key] = min(best[key], value)
    return best


def cpu_model() -> str:
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", default="2,1", help="comma-separated thread counts, each run in turn")
    parser.add_argument("--work", type=Path, default=Path("/work/benchdata"))
    parser.add_argument("--new-tokens", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=1, help="timed generations per process after the warm-up (best kept)")
    parser.add_argument("--rounds", type=int, default=2, help="processes per side and thread count, alternating (best kept)")
    parser.add_argument("--max-image-tokens", type=int, default=640, help="processor max_pixels / (32 x 32)")
    parser.add_argument("--java-home", type=Path, default=Path(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")))
    parser.add_argument("--report", type=Path, help="JSON report (default: WORK/bench_generate-report.json)")
    # worker mode (internal)
    parser.add_argument("--reference-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--model")
    parser.add_argument("--image")
    parser.add_argument("--text", default=TEXT)
    args = parser.parse_args()
    if args.reference_worker:
        args.threads = int(args.threads)
        reference_worker(args)
        return

    args.work.mkdir(parents=True, exist_ok=True)
    checkpoint = args.work / CHECKPOINT_NAME
    make_checkpoint(checkpoint, args.max_image_tokens)
    page = make_page(args.work / "generate-page" / "page.png")
    java = java_command(args.java_home)
    threads = [int(t) for t in args.threads.split(",")]
    report = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "checkpoint": str(checkpoint),
        "config": {"text": TEXT_2B, "vision": VISION_2B},
        "image": str(page),
        "text": args.text,
        "new_tokens": args.new_tokens,
        "rounds": args.rounds,
        "repeats": args.repeats,
        "max_image_tokens": args.max_image_tokens,
        "runs": [],
        "best": {},
    }
    report_path = args.report or args.work / "bench_generate-report.json"
    print(f"{report['cpu']}, {report['cpus']} CPUs; checkpoint {checkpoint}; page {page}; {args.new_tokens} new tokens;"
          f" {args.rounds} processes per side and thread count, warm-up + best of {args.repeats} each", flush=True)
    for n in threads:
        common = ["--model", str(checkpoint), "--image", str(page), "--text", args.text, "--threads", str(n),
                  "--new-tokens", str(args.new_tokens), "--repeats", str(args.repeats)]
        runs = {"java": [], "transformers": []}
        for r in range(args.rounds):
            for side in ("java", "transformers"):
                if side == "java":
                    result = run_json([*java, *common], launcher_environment())
                else:
                    result = run_json([sys.executable, str(Path(__file__).resolve()), "--reference-worker", *common])
                runs[side].append(result)
                report["runs"].append(result)
                print(f"  threads {n} round {r + 1} {side:12}: prefill {result['prefill_tokens_per_second']:8.2f} tok/s,"
                      f" decode {result['decode_tokens_per_second']:6.3f} tok/s, peak RSS {result['peak_rss_mb']:8.0f} MB,"
                      f" load {result['load_seconds']:5.1f} s, process {result['process_seconds']:6.1f} s", flush=True)
                report_path.write_text(json.dumps(report, indent=2) + "\n")
        best = {side: best_of(results) for side, results in runs.items()}
        j, t = best["java"], best["transformers"]
        same = sum(1 for _ in iter_prefix(j["token_ids"], t["token_ids"]))
        report["best"][str(n)] = {
            "java": j, "transformers": t,
            "ratios_java_over_transformers": {k: j[k] / t[k] for k in (
                "prefill_tokens_per_second", "decode_tokens_per_second", "peak_rss_mb", "load_seconds")},
            "same_leading_greedy_ids": same,
        }
        print(f"\nthreads {n}: prompt {j['prompt_tokens']} tokens (Java) / {t['prompt_tokens']} (transformers), "
              f"{j['image_tokens']} image tokens, {args.new_tokens} new tokens; best of {args.rounds} processes")
        print(f"{'':28}{'transformers':>14}{'java':>12}{'java/tf':>10}")
        for key, better in (("prefill_tokens_per_second", "higher"), ("decode_tokens_per_second", "higher"),
                            ("peak_rss_mb", "lower"), ("load_seconds", "lower")):
            print(f"{key:28}{t[key]:14.3f}{j[key]:12.3f}{j[key] / t[key]:10.2f}  ({better} is better)")
        print(f"greedy ids equal for the first {same} of {args.new_tokens} tokens\n", flush=True)
        report_path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"report: {report_path}")


def iter_prefix(a: list[int], b: list[int]):
    for x, y in zip(a, b):
        if x != y:
            return
        yield x


if __name__ == "__main__":
    main()
