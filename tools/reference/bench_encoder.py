"""Java encoder vs the Hugging Face reference: pages/s, queries/s, load time and peak memory, one run.

Runs the reference (colpali-engine's ColQwen3 on transformers, sdpa attention, float32, CPU) and Quire's
`dev.quire.encoder.bench.EncoderBenchmark` (DJL, float32, CPU) on the same checkpoint, the same pages and
queries, the same number of threads, each in its own process (so each peak RSS is its own), and prints the
ratio Java / reference. Two checkpoints: the tiny 320-d BF16 fixture and a mid-size random one (~0.5B
parameters, BF16, generated into --work on first use, never committed).

    cd tools/reference && /work/venvs/reference/bin/python bench_encoder.py [--threads 2] [--skip-mid]

Needs the venv of requirements-model.txt, a JDK 21+ (JAVA_HOME) and Maven; builds the model and encoder modules
(mvn -pl model,encoder install -DskipTests, which also compiles the test classes) itself.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "model" / "src" / "test" / "resources" / "reference"
TINY = FIXTURES / "colqwen3-tiny-320"

QUERIES = [
    "What is the total revenue?",
    "Which region had the highest expenses in Q3?",
    "年度报告的收入是多少？",
    "latency",
    "How many vectors does a page get after pooling?",
    "operating margin by segment 2023 vs 2024",
    "Who approved the dividend and when is it payable?",
    "table of expenses per region",
    "binary codes memory savings",
    "p95 latency of the search service in milliseconds",
    "What does the pie chart on the results slide show?",
    "quarterly report",
    "Welche Region hatte die höchsten Ausgaben?",
    "nDCG@5 improvement",
    "scanned page with a stamp",
    "Describe the bar chart",
]

# ~0.5B parameters: a Qwen3-0.6B-like text stack (16 of its 28 layers, full 151936-row vocabulary) and
# a 12-block vision tower; same structure as the real models (GQA, q/k norm, M-RoPE, DeepStack).
MID_TEXT = dict(
    hidden_size=1024,
    intermediate_size=3072,
    num_hidden_layers=16,
    num_attention_heads=16,
    num_key_value_heads=8,
    head_dim=128,
    hidden_act="silu",
    max_position_embeddings=32768,
    rms_norm_eps=1e-6,
    rope_parameters={"rope_type": "default", "rope_theta": 5000000.0, "mrope_section": [24, 20, 20], "mrope_interleaved": True},
    attention_bias=False,
    tie_word_embeddings=False,
    vocab_size=151936,
)
MID_VISION = dict(
    depth=12,
    hidden_size=768,
    hidden_act="gelu_pytorch_tanh",
    intermediate_size=3072,
    num_heads=12,
    in_channels=3,
    patch_size=16,
    spatial_merge_size=2,
    temporal_patch_size=2,
    out_hidden_size=1024,
    num_position_embeddings=2304,
    deepstack_visual_indexes=[3, 7, 11],
)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ------------------------------------------------------------------------------------------ inputs


def make_pages(target: Path, count: int) -> None:
    """Letter-size-ish synthetic pages (850 x 1100): title, paragraphs, a table, a chart."""
    from PIL import Image, ImageDraw, ImageFont

    target.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        path = target / f"page_{i:02d}.png"
        if path.exists():
            continue
        image = Image.new("RGB", (850, 1100), (252, 252, 250))
        draw = ImageDraw.Draw(image)
        big, small = ImageFont.load_default(size=34), ImageFont.load_default(size=16)
        draw.rectangle((0, 0, 849, 70), fill=(30 + 20 * i, 60, 120))
        draw.text((30, 16), f"Quarterly report {2020 + i}: section {i + 1}", font=big, fill=(255, 255, 255))
        y = 100
        for line in range(18):
            draw.text((40, y), f"Line {line}: revenue grew {3 + (i * line) % 17}.{line}% in region {line % 5}.", font=small, fill=(20, 20, 20))
            y += 24
        for row in range(8):
            top = 560 + row * 30
            draw.rectangle((40, top, 560, top + 29), outline=(120, 120, 120), fill=(235, 240, 250) if row % 2 else None)
            draw.text((50, top + 6), f"Q{row % 4 + 1}   {1200 + 37 * row * (i + 1):,}   {row * 3.5:.1f}%", font=small, fill=(40, 40, 40))
        for b in range(6):
            height = 40 + ((i + 3) * (b + 5) * 37) % 180
            draw.rectangle((600 + b * 38, 1050 - height, 630 + b * 38, 1050), fill=(200, 80 + 25 * b, 60))
        image.save(path)


def make_mid_checkpoint(target: Path) -> None:
    """A random ~0.5B ColQwen3 (320-d head with bias) saved in BF16 shards with the tiny fixture's processor files."""
    if (target / "config.json").exists():
        return
    import torch
    from colpali_engine.models import ColQwen3
    from transformers import Qwen3VLConfig

    import tiny_model

    index = json.loads((FIXTURES / "index.json").read_text())
    ids = index["token_ids"]
    config = Qwen3VLConfig(
        text_config=dict(MID_TEXT),
        vision_config=dict(MID_VISION),
        image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"],
        tie_word_embeddings=False,
    )
    torch.manual_seed(0)
    model = ColQwen3(config).eval()
    tiny_model.randomize(model, seed=500)
    parameters = sum(p.numel() for p in model.parameters())
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    model.to(torch.bfloat16).save_pretrained(str(staging), max_shard_size="400MB")
    for name in ("preprocessor_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt"):
        shutil.copy(TINY / name, staging / name)
    staging.rename(target)
    print(f"wrote a random checkpoint of {parameters / 1e6:.0f}M parameters to {target}", file=sys.stderr)


# --------------------------------------------------------------------------------------- reference


def reference_worker(args) -> None:
    """One process: load, warm up, best of the repeats; prints one JSON line."""
    import torch
    from colpali_engine.models import ColQwen3, ColQwen3Processor
    from PIL import Image

    torch.set_num_threads(args.threads)
    pages = [Image.open(p).convert("RGB") for p in sorted(Path(args.pages).glob("*.png"))]
    queries = [q for q in Path(args.queries).read_text().splitlines() if q.strip()]
    started = time.perf_counter()
    model = ColQwen3.from_pretrained(args.model, dtype=torch.float32).eval()
    load = time.perf_counter() - started
    kwargs = {"max_num_visual_tokens": args.max_visual_tokens} if args.max_visual_tokens else {}
    processor = ColQwen3Processor.from_pretrained(args.model, **kwargs)

    def run(items, batch, process):
        with torch.inference_mode():
            for start in range(0, len(items), batch):
                model(**process(items[start : start + batch]))

    warm_until = time.perf_counter() + 5  # the same warm-up as the Java side: one pass, 5 s at least
    while True:
        run(pages, args.page_batch, processor.process_images)
        run(queries, args.query_batch, processor.process_queries)
        if time.perf_counter() >= warm_until:
            break
    page_time = query_time = page_cpu = query_cpu = float("inf")
    for _ in range(args.repeats):
        started, cpu = time.perf_counter(), time.thread_time()
        run(pages, args.page_batch, processor.process_images)
        page_time = min(page_time, time.perf_counter() - started)
        page_cpu = min(page_cpu, time.thread_time() - cpu)
        started, cpu = time.perf_counter(), time.thread_time()
        run(queries, args.query_batch, processor.process_queries)
        query_time = min(query_time, time.perf_counter() - started)
        query_cpu = min(query_cpu, time.thread_time() - cpu)
    print(json.dumps({
        "side": "reference",
        "load_seconds": round(load, 3),
        "pages_per_second": len(pages) / page_time,
        "queries_per_second": len(queries) / query_time,
        "pages_per_cpu_second": len(pages) / page_cpu,
        "queries_per_cpu_second": len(queries) / query_cpu,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "attention": model.config._attn_implementation,
        "torch": torch.__version__,
    }))


# -------------------------------------------------------------------------------------------- java


def quire_jvm_flags() -> list[str]:
    """The parent pom's quire.jvm.flags, as the tests and the launcher run Java."""
    pom = (REPO / "pom.xml").read_text()
    flags = re.search(r"<quire.jvm.flags>(.*?)</quire.jvm.flags>", pom).group(1)
    cache = re.search(r"<quire.djl.cache>(.*?)</quire.djl.cache>", pom).group(1).replace("${user.home}", str(Path.home()))
    return flags.replace("${quire.djl.cache}", cache).split()


def java_command(java_home: Path) -> list[str]:
    """java + Quire's JVM flags (the parent pom's quire.jvm.flags) + the encoder's test class path."""
    flags = quire_jvm_flags()
    env = dict(os.environ, JAVA_HOME=str(java_home), PATH=f"{java_home}/bin:{os.environ['PATH']}")
    subprocess.run(["mvn", "-q", "-B", "-o", "-pl", "model,encoder", "install", "-DskipTests"], cwd=REPO, env=env, check=True)
    classpath_file = REPO / "encoder" / "target" / "bench.classpath"
    subprocess.run(
        ["mvn", "-q", "-B", "-o", "-pl", "encoder", "dependency:build-classpath", "-Dmdep.includeScope=test",
         f"-Dmdep.outputFile={classpath_file}"],
        cwd=REPO, env=env, check=True,
    )
    classpath = ":".join([str(REPO / "encoder/target/test-classes"), str(REPO / "encoder/target/classes"), classpath_file.read_text().strip()])
    return [str(java_home / "bin" / "java"), *flags, "-Xmx2g", "-cp", classpath, "dev.quire.encoder.bench.EncoderBenchmark"]


def launcher_environment() -> dict:
    """The process environment ./quire gives Java (its GLIBC_TUNABLES line), so Java runs as users run it."""
    launcher = (REPO / "quire").read_text()
    tunables = re.search(r'GLIBC_TUNABLES="\$\{GLIBC_TUNABLES:-(.*?)\}"', launcher).group(1)
    return dict(os.environ, GLIBC_TUNABLES=tunables)


def run_json(command: list[str], env: dict | None = None) -> dict:
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    lines = [l for l in result.stdout.splitlines() if l.startswith("{")]
    if result.returncode != 0 or not lines:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"benchmark process failed: {' '.join(command[:3])} ...")
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/quire-bench"))
    parser.add_argument("--skip-mid", action="store_true")
    parser.add_argument("--repeats", type=int, default=2, help="timed passes per process (best kept)")
    parser.add_argument("--rounds", type=int, default=2, help="processes per side, alternating (best kept)")
    parser.add_argument("--java-home", type=Path, default=Path(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")))
    # worker mode (internal)
    parser.add_argument("--reference-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--model")
    parser.add_argument("--pages")
    parser.add_argument("--queries")
    parser.add_argument("--max-visual-tokens", type=int, default=0)
    parser.add_argument("--page-batch", type=int, default=4)
    parser.add_argument("--query-batch", type=int, default=16)
    args = parser.parse_args()
    if args.reference_worker:
        reference_worker(args)
        return

    args.work.mkdir(parents=True, exist_ok=True)
    queries = args.work / "queries.txt"
    queries.write_text("\n".join(QUERIES) + "\n")
    pages = args.work / "pages"
    make_pages(pages, 8)
    setups = [("tiny (fixture 320-d BF16)", TINY, 0, 4)]
    if not args.skip_mid:
        mid = args.work / "colqwen3-mid"
        make_mid_checkpoint(mid)
        setups.append(("mid (~0.5B random BF16)", mid, 256, 4))
    java = java_command(args.java_home)
    print(f"threads {args.threads}, {len(list(pages.glob('*.png')))} pages of 850x1100, {len(QUERIES)} queries")
    for label, model, tokens, page_batch in setups:
        common = ["--model", str(model), "--pages", str(pages), "--queries", str(queries), "--threads", str(args.threads),
                  "--max-visual-tokens", str(tokens), "--page-batch", str(page_batch), "--query-batch", "16",
                  "--repeats", str(args.repeats)]
        # alternate the two sides so that load from other processes on the machine hits both alike
        runs = {"reference": [], "java": []}
        for _ in range(args.rounds):
            runs["reference"].append(run_json([sys.executable, str(Path(__file__).resolve()), "--reference-worker", *common]))
            runs["java"].append(run_json([*java, *common], launcher_environment()))
        best = {side: best_of(results) for side, results in runs.items()}
        reference, quire = best["reference"], best["java"]
        print(f"\n{label}, max visual tokens {tokens or 'from the processor config'}, best of {args.rounds} rounds")
        print(f"{'':22}{'reference':>12}{'java':>12}{'java/ref':>10}")
        keys = [("pages_per_second", "higher"), ("queries_per_second", "higher")]
        if args.threads == 1:
            # with one thread all the work is the calling thread's: its CPU time ignores other load
            keys += [("pages_per_cpu_second", "higher"), ("queries_per_cpu_second", "higher")]
        keys += [("load_seconds", "lower"), ("peak_rss_mb", "lower")]
        for key, better in keys:
            ratio = quire[key] / reference[key]
            print(f"{key:22}{reference[key]:12.2f}{quire[key]:12.2f}{ratio:10.2f}  ({better} is better)")
        print(f"{'first open (hashing)':22}{'':12}{quire['first_open_seconds']:12.2f}")
        print(f"reference attention: {reference['attention']}, torch {reference['torch']}")


def best_of(results: list[dict]) -> dict:
    """Highest rates, lowest times and memory over the rounds."""
    best = dict(results[0])
    for result in results[1:]:
        for key, value in result.items():
            if key.endswith("_per_second") or key.endswith("_per_cpu_second"):
                best[key] = max(best[key], value)
            elif key.endswith("_seconds") or key.endswith("_mb"):
                best[key] = min(best[key], value)
    return best

if __name__ == "__main__":
    main()
