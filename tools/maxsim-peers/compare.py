#!/usr/bin/env python3
"""Quire's half-precision MaxSim against the CPU MaxSim peers on PyPI, on the same data.

Writes one data file (a query and pages of random unit vectors), then scores every page with each
peer (maxsim-cpu, fast-maxsim: float32, Rust + libxsmm) and with Quire (bench's PeerComparison,
which encodes the pages into its stored binary16 layout first, as the index does at ingest), on 1
and on 2 threads, and prints pages/s, the ratio of Quire to the best peer, and how far Quire's
scores are from the peers' (binary16 rounding only).

Every engine gets the same budget and reports its best pass over all pages after a warm-up.

Setup (a venv outside the repository; the peers are not Quire dependencies):
    python3 -m venv /work/venvs/peers
    /work/venvs/peers/bin/pip install maxsim-cpu==0.1.0 fast-maxsim==0.2.0 numpy
    mvn -q -pl retrieval,bench package -DskipTests
    /work/venvs/peers/bin/python tools/maxsim-peers/compare.py
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
PEERS = ("maxsim_cpu", "fast_maxsim")
MAGIC = b"QMS1"


def write_data(path, query_tokens, page_tokens, dim, pages, seed):
    """Little-endian: magic, int32 query tokens, page tokens, dim, pages, then the floats."""
    rng = np.random.default_rng(seed)

    def unit(shape):
        v = rng.standard_normal(shape, dtype=np.float32)
        return v / np.linalg.norm(v, axis=-1, keepdims=True)

    with open(path, "wb") as out:
        out.write(MAGIC)
        out.write(np.array([query_tokens, page_tokens, dim, pages], dtype="<i4").tobytes())
        out.write(unit((query_tokens, dim)).astype("<f4").tobytes())
        for start in range(0, pages, 100):  # in chunks: the whole set need not be in memory twice
            out.write(unit((min(100, pages - start), page_tokens, dim)).astype("<f4").tobytes())


def read_data(path):
    with open(path, "rb") as f:
        if f.read(4) != MAGIC:
            sys.exit(f"{path} is not a MaxSim peer data file (no QMS1 header)")
        query_tokens, page_tokens, dim, pages = np.frombuffer(f.read(16), dtype="<i4")
    raw = np.memmap(path, dtype="<f4", mode="r", offset=20)
    query = np.array(raw[: query_tokens * dim]).reshape(query_tokens, dim)
    docs = np.array(raw[query_tokens * dim:]).reshape(pages, page_tokens, dim)
    return query, docs


def run_peer(name, data, seconds, scores_path):
    """Runs in a child process whose RAYON_NUM_THREADS was set before the peer was imported."""
    module = __import__(name)
    query, docs = read_data(data)
    best = float("inf")
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        t = time.perf_counter()
        scores = module.maxsim_scores(query, docs)
        elapsed = time.perf_counter() - t
        if time.perf_counter() - start > seconds / 3:
            best = min(best, elapsed)
    np.asarray(scores, dtype="<f4").tofile(scores_path)
    print(json.dumps({"engine": name, "pages_per_second": len(docs) / best}))


def child(args, threads, scores_path):
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    command = [sys.executable, __file__, "--run-peer", args.peer_name, "--data", str(args.data),
               "--seconds", str(args.seconds), "--scores", str(scores_path)]
    return command, env


def quire_command(args, threads, scores_path):
    jar = ROOT / "bench" / "target" / "benchmarks.jar"
    flags_file = ROOT / "bench" / "target" / "classes" / "quire-jvm.flags"
    if not jar.exists() or not flags_file.exists():
        sys.exit(f"{jar} is missing: build it with `mvn -q -pl retrieval,bench package -DskipTests`")
    java = Path(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")) / "bin" / "java"
    return [str(java), *flags_file.read_text().split(), "-cp", str(jar), "dev.quire.bench.PeerComparison",
            "--data", str(args.data), "--threads", str(threads), "--seconds", str(args.seconds),
            "--scores", str(scores_path)]


def measure(command, env=None):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command[:3])} ... failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])["pages_per_second"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--query-tokens", type=int, default=32)
    parser.add_argument("--page-tokens", type=int, default=1030)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--pages", type=int, default=1000,
                        help="1,000 pages are 527 MB of float32, well past the L3 cache")
    parser.add_argument("--seconds", type=float, default=12, help="budget per engine and thread count")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--data", type=Path, help="data file to reuse or create (default: a temporary file)")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--run-peer", dest="peer_name", help=argparse.SUPPRESS)
    parser.add_argument("--scores", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer_name:
        run_peer(args.peer_name, args.data, args.seconds, args.scores)
        return

    with tempfile.TemporaryDirectory(prefix="maxsim-peers-") as tmp:
        tmp = Path(tmp)
        if args.data is None:
            args.data = tmp / "data.qms"
        if not args.data.exists():
            write_data(args.data, args.query_tokens, args.page_tokens, args.dim, args.pages, args.seed)
        query, docs = read_data(args.data)
        print(f"{docs.shape[0]} pages of {docs.shape[1]} tokens, {query.shape[0]} query tokens, dim {docs.shape[2]}; "
              f"best pass of a {args.seconds:g} s budget per engine")
        rows = []
        for threads in [int(t) for t in args.threads.split(",")]:
            rates = {}
            peer_scores = {}
            for name in PEERS:
                args.peer_name = name
                scores_path = tmp / f"{name}-{threads}.f32"
                rates[name] = measure(*child(args, threads, scores_path))
                peer_scores[name] = np.fromfile(scores_path, dtype="<f4")
            args.peer_name = None
            quire_scores_path = tmp / f"quire-{threads}.f32"
            rates["quire"] = measure(quire_command(args, threads, quire_scores_path))
            quire_scores = np.fromfile(quire_scores_path, dtype="<f4")
            best_peer = max(PEERS, key=rates.get)
            difference = max(float(np.max(np.abs(quire_scores - s))) for s in peer_scores.values())
            rows.append((threads, rates, best_peer, difference))

        print(f"{'threads':>7} {'maxsim_cpu':>12} {'fast_maxsim':>12} {'quire':>12}  quire / best peer  max |score diff|")
        for threads, rates, best_peer, difference in rows:
            ratio = rates["quire"] / rates[best_peer]
            print(f"{threads:>7} {rates['maxsim_cpu']:>12,.0f} {rates['fast_maxsim']:>12,.0f} {rates['quire']:>12,.0f}"
                  f"  {ratio:>6.2f}x ({best_peer})  {difference:.4f}")
        print("pages/s; quire scores binary16 copies of the pages, the peers float32.")


if __name__ == "__main__":
    main()
