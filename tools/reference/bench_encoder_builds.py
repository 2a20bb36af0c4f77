"""Page- and query-encoding speed of two builds of Quire's encoder, in one run: the previous build against this one.

Runs `dev.quire.encoder.bench.EncoderBenchmark` (the Java half of bench_encoder.py) of two source trees (e.g. a
`git worktree` of the previous commit and this one) on the same checkpoint, pages and queries with the same threads,
each run in its own process, the builds alternating (old, new, old, new, ...) so that load from other processes on
the machine hits both alike, and prints pages/s and queries/s of each (best of the rounds) and new / old.

    git worktree add /work/benchprev 1cc0413
    cd tools/reference && /work/venvs/reference/bin/python bench_encoder_builds.py --old /work/benchprev --new ../.. \
        [--threads 2] [--rounds 3] [--work /work/benchdata]

Each tree is built on its own (mvn -o -pl encoder -am test-compile, with its dependency class path written by the
same reactor run), so the two builds never share installed 0.1.0-SNAPSHOT jars: their class paths hold only their own
target/ directories and third-party jars. The inputs are bench_encoder.py's: the mid-size random ColQwen3 (~0.5B
parameters, BF16, generated into --work on first use; needs colpali-engine), eight 850 x 1100 pages and 16 queries,
256 visual tokens per page, page batch 4, query batch 16.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import bench_encoder


def java_command(tree: Path, java_home: Path) -> list[str]:
    """java + the tree's JVM flags + its encoder test class path, built in its own reactor."""
    pom = (tree / "pom.xml").read_text()
    flags = re.search(r"<quire.jvm.flags>(.*?)</quire.jvm.flags>", pom).group(1)
    cache = re.search(r"<quire.djl.cache>(.*?)</quire.djl.cache>", pom).group(1).replace("${user.home}", str(Path.home()))
    flags = flags.replace("${quire.djl.cache}", cache).split()
    env = dict(os.environ, JAVA_HOME=str(java_home), PATH=f"{java_home}/bin:{os.environ['PATH']}")
    subprocess.run(
        ["mvn", "-q", "-B", "-o", "-pl", "encoder", "-am", "test-compile", "dependency:build-classpath",
         "-Dmdep.includeScope=test", "-Dmdep.outputFile=target/bench.classpath"],
        cwd=tree, env=env, check=True,
    )
    dependencies = (tree / "encoder/target/bench.classpath").read_text().strip()
    installed = [p for p in dependencies.split(":") if "/dev/quire/" in p]
    if installed:
        raise SystemExit(f"{tree}: the class path holds installed Quire jars: {installed}")
    classpath = ":".join([str(tree / "encoder/target/test-classes"), str(tree / "encoder/target/classes"), dependencies])
    return [str(java_home / "bin" / "java"), *flags, "-Xmx2g", "-cp", classpath, "dev.quire.encoder.bench.EncoderBenchmark"]


def launcher_environment(tree: Path) -> dict:
    launcher = (tree / "quire").read_text()
    tunables = re.search(r'GLIBC_TUNABLES="\$\{GLIBC_TUNABLES:-(.*?)\}"', launcher).group(1)
    return dict(os.environ, GLIBC_TUNABLES=tunables)


def git_head(tree: Path) -> str:
    return subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", type=Path, required=True, help="source tree of the previous build")
    parser.add_argument("--new", type=Path, default=bench_encoder.REPO, help="source tree of this build")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="processes per build, alternating (best kept)")
    parser.add_argument("--repeats", type=int, default=2, help="timed passes per process (best kept)")
    parser.add_argument("--work", type=Path, default=Path("/work/benchdata"))
    parser.add_argument("--java-home", type=Path, default=Path(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")))
    parser.add_argument("--report", type=Path)
    args = parser.parse_args()

    args.work.mkdir(parents=True, exist_ok=True)
    queries = args.work / "queries.txt"
    queries.write_text("\n".join(bench_encoder.QUERIES) + "\n")
    pages = args.work / "pages"
    bench_encoder.make_pages(pages, 8)
    model = args.work / "colqwen3-mid"
    if not (model / "config.json").exists():
        # colpali-engine is imported for this only, in a process of its own
        subprocess.run([sys.executable, "-c", f"import bench_encoder; from pathlib import Path; "
                        f"bench_encoder.make_mid_checkpoint(Path({str(model)!r}))"],
                       cwd=Path(__file__).resolve().parent, check=True)
    builds = {"old": args.old.resolve(), "new": args.new.resolve()}
    commands = {name: java_command(tree, args.java_home) for name, tree in builds.items()}
    common = ["--model", str(model), "--pages", str(pages), "--queries", str(queries), "--threads", str(args.threads),
              "--max-visual-tokens", "256", "--page-batch", "4", "--query-batch", "16", "--repeats", str(args.repeats)]
    report = {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "threads": args.threads, "rounds": args.rounds,
              "builds": {name: {"tree": str(tree), "commit": git_head(tree)} for name, tree in builds.items()},
              "runs": [], "best": {}}
    print(f"threads {args.threads}; old {report['builds']['old']['commit']} ({builds['old']}), new "
          f"{report['builds']['new']['commit']} ({builds['new']}); 8 pages, 16 queries, mid checkpoint", flush=True)
    runs = {"old": [], "new": []}
    for r in range(args.rounds):
        for name in ("old", "new"):
            result = bench_encoder.run_json([*commands[name], *common], launcher_environment(builds[name]))
            result["build"] = name
            runs[name].append(result)
            report["runs"].append(result)
            print(f"  round {r + 1} {name}: {result['pages_per_second']:.3f} pages/s, {result['queries_per_second']:.2f} queries/s,"
                  f" peak RSS {result['peak_rss_mb']:.0f} MB, load {result['load_seconds']:.2f} s", flush=True)
    best = {name: bench_encoder.best_of(results) for name, results in runs.items()}
    report["best"] = best
    print(f"\nbest of {args.rounds} processes per build")
    print(f"{'':22}{'old':>10}{'new':>10}{'new/old':>10}")
    ratios = {}
    for key in ("pages_per_second", "queries_per_second", "load_seconds", "peak_rss_mb"):
        ratios[key] = best["new"][key] / best["old"][key]
        print(f"{key:22}{best['old'][key]:10.3f}{best['new'][key]:10.3f}{ratios[key]:10.3f}")
    report["ratios_new_over_old"] = ratios
    path = args.report or args.work / "bench_encoder_builds-report.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"report: {path}")


if __name__ == "__main__":
    main()
