#!/usr/bin/env python3
"""Tiny ViDoRe datasets in the exact on-disk layout of `huggingface-cli download --repo-type dataset`.

Writes, with the `datasets` library (the one that wrote the real ones), under
evaluation/src/test/resources/vidore/:

  v1/docvqa_mini/data/test-0000{0,1}-of-00002.parquet   QA table like vidore/docvqa_test_subsampled
  v2/esg_mini/{corpus,queries,qrels,docs}/test-00000-of-00001.parquet   like vidore/esg_reports_v2
  v3/hr_mini/{corpus,queries,qrels,documents_metadata}/test-*.parquet   like vidore/vidore_v3_hr

Column names and types follow the public dataset cards and loaders (vidore-benchmark's evaluators,
MTEB's Vidore2/Vidore3 tasks). Each page image is a tiny solid-colour PNG (one JPEG in v2) whose
colour the Java tests check, so the right bytes must reach the right page id. Row groups are small
(2 or 3 rows) and v1 and v3 are sharded, so the readers' row-group and file iteration is exercised.

The v1 rows hold the cases the QA evaluator decides: rows with a null query (corpus only), a page
repeated over rows, and a query text repeated with different pages (the evaluator keeps the first
position and the last row's page).

Usage: python tools/reference/vidore_fixtures.py [--out DIR]
"""
import argparse
import io
import json
import shutil
from pathlib import Path

import datasets
from datasets import Dataset, Features, Image, LargeList, Value
from PIL import Image as PilImage

COLOURS = {
    "red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0),
    "magenta": (255, 0, 255), "cyan": (0, 255, 255), "gray": (128, 128, 128), "white": (255, 255, 255),
}


def image(colour, fmt="PNG"):
    buffer = io.BytesIO()
    PilImage.new("RGB", (6, 4), COLOURS[colour]).save(buffer, format=fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return {"bytes": buffer.getvalue(), "path": None}


def write(rows, features, folder, shards=1, row_group=2, split="test"):
    folder.mkdir(parents=True, exist_ok=True)
    ds = Dataset.from_list(rows, features=features)
    for i in range(shards):
        shard = ds.shard(num_shards=shards, index=i, contiguous=True)
        shard.to_parquet(str(folder / f"{split}-{i:05d}-of-{shards:05d}.parquet"), batch_size=row_group)


def card(folder, configs):
    lines = ["---", "configs:"]
    for name in configs:
        lines += [f"- config_name: {name}", "  data_files:", "  - split: test", f"    path: {name}/test-*"]
    lines += ["---", "", "Tiny test fixture written by tools/reference/vidore_fixtures.py.", ""]
    (folder / "README.md").write_text("\n".join(lines), encoding="utf-8")


def v1(root):
    folder = root / "v1" / "docvqa_mini"
    features = Features({
        "questionId": Value("string"), "query": Value("string"), "question_types": Value("string"),
        "image": Image(), "docId": Value("int64"), "image_filename": Value("string"), "page": Value("string"),
        "answer": Value("string"), "model": Value("string"), "prompt": Value("string"), "source": Value("string"),
    })
    table = [  # (query, colour, image_filename)
        ("What is the total?", "red", "doc_a_p1.png"),
        (None, "green", "doc_a_p2.png"),
        ("Who signed?", "blue", "doc_b_p1.png"),
        ("What is the total?", "yellow", "doc_b_p2.png"),
        ("When?", "red", "doc_a_p1.png"),
        (None, "magenta", "doc_c_p1.png"),
        ("How many pages?", "cyan", "doc_c_p2.png"),
        ("Who signed?", "blue", "doc_b_p1.png"),
        (None, "green", "doc_a_p2.png"),
        ("What is the total?", "gray", "doc_d_p1.png"),
    ]
    rows = [{
        "questionId": str(i), "query": q, "question_types": "['abstractive']", "image": image(colour),
        "docId": i, "image_filename": name, "page": name.split("_p")[1].split(".")[0], "answer": "n/a",
        "model": None, "prompt": None, "source": "docvqa",
    } for i, (q, colour, name) in enumerate(table)]
    write(rows, features, folder / "data", shards=2, row_group=2)
    card(folder, ["default"])


def v2(root):
    folder = root / "v2" / "esg_mini"
    corpus = [
        {"corpus-id": 0, "image": image("red"), "doc-id": "report_1"},
        {"corpus-id": 1, "image": image("green"), "doc-id": "report_1"},
        {"corpus-id": 2, "image": image("blue", "JPEG"), "doc-id": "report_2"},
        {"corpus-id": 3, "image": image("yellow"), "doc-id": "report_2"},
        {"corpus-id": 4, "image": image("white"), "doc-id": "report_3"},
    ]
    write(corpus, Features({"corpus-id": Value("int64"), "image": Image(), "doc-id": Value("string")}),
          folder / "corpus", row_group=3)
    queries = [
        {"query-id": 0, "query": "What are the scope 1 emissions?", "language": "english", "answer": "12 kt"},
        {"query-id": 1, "query": "Quelle est la part d'énergie renouvelable ?", "language": "french", "answer": "40 %"},
        {"query-id": 2, "query": "Which board committee oversees ESG?", "language": "english", "answer": "Audit"},
    ]
    write(queries, Features({"query-id": Value("int64"), "query": Value("string"), "language": Value("string"),
                             "answer": Value("string")}), folder / "queries")
    qrels = [  # (1, 2) twice: the loaders keep the last score
        {"query-id": 0, "corpus-id": 1, "score": 1}, {"query-id": 0, "corpus-id": 3, "score": 1},
        {"query-id": 1, "corpus-id": 2, "score": 1}, {"query-id": 2, "corpus-id": 4, "score": 1},
        {"query-id": 2, "corpus-id": 0, "score": 1}, {"query-id": 1, "corpus-id": 2, "score": 2},
    ]
    write(qrels, Features({"query-id": Value("int64"), "corpus-id": Value("int64"), "score": Value("int64")}),
          folder / "qrels")
    write([{"doc-id": "report_1", "summary": "An ESG report."}], Features({"doc-id": Value("string"), "summary": Value("string")}),
          folder / "docs")
    card(folder, ["corpus", "queries", "qrels", "docs"])


def v3(root):
    folder = root / "v3" / "hr_mini"
    corpus = [
        {"corpus_id": i, "image": image(colour), "doc_id": doc, "markdown": md, "page_number_in_doc": page}
        for i, (colour, doc, md, page) in enumerate([
            ("red", "eu_labour_2024", "# Labour market\n\nEmployment rose to 75.3 %.", 0),
            ("green", "eu_labour_2024", "| Country | Rate |\n| --- | --- |\n| DE | 3.1 |", 1),
            ("blue", "eu_labour_2024", "", 2),
            ("yellow", "social_report", "Social protection spending per capita.", 0),
            ("magenta", "social_report", "Chart: pension expenditure 2015-2024.", 1),
            ("cyan", "social_report", "Annex.", 2),
        ])
    ]
    write(corpus, Features({"corpus_id": Value("int64"), "image": Image(), "doc_id": Value("string"),
                            "markdown": Value("string"), "page_number_in_doc": Value("int64")}),
          folder / "corpus", shards=2, row_group=2)
    strings = LargeList(Value("string"))
    query_features = Features({
        "query_id": Value("int64"), "query": Value("string"), "language": Value("string"), "query_types": strings,
        "query_format": Value("string"), "content_type": strings, "raw_answers": strings,
        "query_generator": Value("string"), "query_generation_pipeline": Value("string"),
        "source_type": Value("string"), "query_type_for_generation": Value("string"), "answer": Value("string"),
    })
    texts = [("What was the employment rate in 2024?", "english"),
             ("Quel était le taux d'emploi en 2024 ?", "french"),
             ("How did pension expenditure change?", "english"),
             ("Wie haben sich die Rentenausgaben entwickelt?", "german")]
    queries = [{
        "query_id": i, "query": text, "language": lang, "query_types": ["extractive"], "query_format": "question",
        "content_type": ["Text"], "raw_answers": ["75.3 %"], "query_generator": "human" if i % 2 == 0 else "sdg",
        "query_generation_pipeline": None if i % 2 == 0 else "custom_pipeline", "source_type": "image",
        "query_type_for_generation": "extractive", "answer": "75.3 %",
    } for i, (text, lang) in enumerate(texts)]
    write(queries, query_features, folder / "queries")
    box = {"annotator": 0, "x1": 0, "x2": 3, "y1": 0, "y2": 2}
    qrels = [{"query_id": q, "corpus_id": c, "score": s, "content_type": ["Text"], "bounding_boxes": [box]}
             for q, c, s in [(0, 0, 2), (0, 1, 1), (1, 0, 2), (1, 1, 1), (2, 4, 2), (3, 4, 2), (3, 3, 1)]]
    write(qrels, Features({"query_id": Value("int64"), "corpus_id": Value("int64"), "score": Value("int64"),
                           "content_type": strings,
                           "bounding_boxes": LargeList({k: Value("int64") for k in ["annotator", "x1", "x2", "y1", "y2"]})}),
          folder / "qrels")
    write([{"file_name": "eu_labour_2024.pdf", "doc_id": "eu_labour_2024", "url": "https://example.org/a.pdf",
            "doc_type": "report", "doc_language": "english", "doc_year": 2024, "visual_types": ["text", "chart"],
            "page_number": 3, "license": "cc-by-4.0"}],
          Features({"file_name": Value("string"), "doc_id": Value("string"), "url": Value("string"),
                    "doc_type": Value("string"), "doc_language": Value("string"), "doc_year": Value("int64"),
                    "visual_types": strings, "page_number": Value("int64"), "license": Value("string")}),
          folder / "documents_metadata")
    card(folder, ["corpus", "queries", "qrels", "documents_metadata"])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = Path(__file__).resolve().parents[2]
    parser.add_argument("--out", type=Path, default=root / "evaluation/src/test/resources/vidore")
    args = parser.parse_args()
    datasets.disable_progress_bars()
    for version in ["v1", "v2", "v3"]:
        shutil.rmtree(args.out / version, ignore_errors=True)
    v1(args.out)
    v2(args.out)
    v3(args.out)
    files = sorted(p for p in args.out.rglob("*") if p.is_file())
    print(json.dumps({str(p.relative_to(args.out)): p.stat().st_size for p in files}, indent=1))


if __name__ == "__main__":
    main()
