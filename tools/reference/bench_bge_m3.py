"""BGE-M3 in Quire against FlagEmbedding on a random checkpoint of the real shape (issue 28, milestone 5).

The checkpoint (XLM-RoBERTa large: 24 layers, hidden 1024, 16 heads, intermediate 4096, 8194 positions, 250002
tokens; colbert_linear.pt 1024 x 1024 in float16 and sparse_linear.pt, as BAAI/bge-m3's) is generated into --work
with random weights (2.3 GB, never committed) and the tiny-a fixture's tokenizer.json (a few hundred pieces, so a
passage takes more tokens than with the real 250k vocabulary: both sides read the same ids). Java:
dev.quire.textembedding.bench.BgeM3Benchmark (BgeM3Model.encode, all three outputs). Python: FlagEmbedding 1.4.2's
M3Embedder.encode with dense, sparse and ColBERT outputs, float32 on the CPU. Same passages, batch size and
torch threads; each side in its own process, interleaved, best of --repeats after a warm-up; prints passages/s,
load time, peak RSS and the ratio.

    /work/venvs/reference/bin/python tools/reference/bench_bge_m3.py [--threads 1,2] [--passages 32] [--batch 8]
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOKENIZER = ROOT / "text-embedding/src/test/resources/dev/quire/textembedding/bge-m3/tiny-a"


def passages(n, seed=7):
    import random
    rng = random.Random(seed)
    words = ("invoice total due payment account balance statement interest income employer wages tax federal state "
             "receipt merchant customer order quantity price amount contract agreement term termination notice "
             "liability revenue margin growth quarter region report employees customers policy vacation leave").split()
    return [" ".join(rng.choice(words) for _ in range(rng.randint(20, 60))) for _ in range(n)]


def build(work: Path):
    if (work / "model.safetensors").exists():
        return
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaModel
    work.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    config = XLMRobertaConfig(vocab_size=250002, hidden_size=1024, num_hidden_layers=24, num_attention_heads=16,
                              intermediate_size=4096, max_position_embeddings=8194, type_vocab_size=1,
                              layer_norm_eps=1e-5, pad_token_id=1, bos_token_id=0, eos_token_id=2)
    config.architectures = ["XLMRobertaModel"]
    XLMRobertaModel(config).eval().save_pretrained(work, safe_serialization=True)
    colbert, sparse = torch.nn.Linear(1024, 1024), torch.nn.Linear(1024, 1)
    torch.save({k: v.half() for k, v in colbert.state_dict().items()}, work / "colbert_linear.pt")
    torch.save({k: v.half() for k, v in sparse.state_dict().items()}, work / "sparse_linear.pt")
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(TOKENIZER / name, work / name)
    cfg = json.loads((work / "tokenizer_config.json").read_text())
    cfg["model_max_length"] = 8192
    (work / "tokenizer_config.json").write_text(json.dumps(cfg, indent=2))


def python_side(folder, texts, threads, repeats, batch):
    import importlib.machinery
    import types
    import torch
    torch.set_num_threads(threads)
    stub = types.ModuleType("datasets")
    stub.__spec__ = importlib.machinery.ModuleSpec("datasets", None)
    stub.Dataset, stub.load_dataset = object, None
    sys.modules.setdefault("datasets", stub)
    from FlagEmbedding.inference.embedder.encoder_only.m3 import M3Embedder
    from transformers import PreTrainedTokenizerFast
    start = time.perf_counter()
    embedder = M3Embedder(folder, use_fp16=False, devices="cpu", batch_size=batch)
    fast = PreTrainedTokenizerFast(tokenizer_file=str(Path(folder) / "tokenizer.json"), bos_token="<s>",
                                   eos_token="</s>", unk_token="<unk>", sep_token="</s>", pad_token="<pad>",
                                   cls_token="<s>", mask_token="<mask>")
    embedder.tokenizer = embedder.model.tokenizer = fast
    load = time.perf_counter() - start

    def run(ts):
        embedder.encode(ts, batch_size=batch, max_length=512, return_dense=True, return_sparse=True,
                        return_colbert_vecs=True)

    run(texts[:batch])
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        run(texts)
        best = min(best, time.perf_counter() - t0)
    return {"passages": len(texts), "threads": threads, "load_seconds": load, "seconds": best,
            "passages_per_second": len(texts) / best,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def java_command():
    module = ROOT / "text-embedding"
    java_home = Path(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"))
    env = dict(os.environ, JAVA_HOME=str(java_home), PATH=f"{java_home / 'bin'}:{os.environ['PATH']}")
    subprocess.run(["mvn", "-q", "-B", "-o", "-pl", "text-embedding", "-am", "test-compile", "dependency:build-classpath",
                    "-Dmdep.includeScope=test", "-Dmdep.outputFile=target/bench.classpath"], cwd=ROOT, check=True, env=env)
    classpath = ":".join([str(module / "target/test-classes"), str(module / "target/classes"),
                          (module / "target/bench.classpath").read_text().strip()])
    return [str(java_home / "bin" / "java"), "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true",
            "-cp", classpath, "dev.quire.textembedding.bench.BgeM3Benchmark"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", default="/tmp/bge-m3-random")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--passages", type=int, default=16)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--python-side", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = Path(args.work)
    if args.python_side:
        texts = json.loads(Path(args.file).read_text())
        print(json.dumps(python_side(str(work), texts, int(args.threads), args.repeats, args.batch)))
        return
    build(work)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(passages(args.passages), f)
        file = f.name
    java = java_command()
    env = dict(os.environ, OMP_NUM_THREADS="1")
    for threads in [int(t) for t in args.threads.split(",")]:
        best = {"java": None, "python": None}
        for _ in range(args.rounds):
            for side in best:
                command = ([*java, str(work), file, str(threads), str(args.repeats), str(args.batch)] if side == "java"
                           else [sys.executable, __file__, "--python-side", "--work", str(work), "--file", file,
                                 "--threads", str(threads), "--repeats", str(args.repeats), "--batch", str(args.batch)])
                out = json.loads(subprocess.run(command, capture_output=True, text=True, check=True, env=env)
                                 .stdout.strip().splitlines()[-1])
                if best[side] is None or out["passages_per_second"] > best[side]["passages_per_second"]:
                    best[side] = out
        j, p = best["java"], best["python"]
        print(f"threads {threads}: FlagEmbedding {p['passages_per_second']:.2f}/s (load {p['load_seconds']:.1f} s,"
              f" peak {p['peak_rss_mb']} MB), Quire {j['passages_per_second']:.2f}/s (load {j['load_seconds']:.1f} s,"
              f" peak {j['peak_rss_mb']} MB); Quire / FlagEmbedding {j['passages_per_second'] / p['passages_per_second']:.2f}")


if __name__ == "__main__":
    main()
