"""Draws the copied-sentence queries of a known-item set from the page text Quire stored.

Input: pages.jsonl ({"file", "page", "text"} per page, the text as the index holds it). Output on
stdout: queries.jsonl lines {"id", "kind": "copied", "query", "file", "page"}: one sentence of 8-30
words from each of N pages drawn at random (seeded), kept only when no other page contains it, so
every query has exactly one right page. Paraphrased queries are written by hand from these.
"""
import argparse
import json
import random
import re

SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z])")
WORD = re.compile(r"[A-Za-z]+")


def normalise(text):
    return " ".join(text.split())


def sentences(text):
    # PDF text breaks lines inside sentences: join them, then split at sentence ends
    for candidate in SENTENCE_END.split(normalise(text)):
        words = candidate.split()
        if not 8 <= len(words) <= 30:
            continue
        alphabetic = sum(1 for w in words if WORD.fullmatch(w.strip(".,;:()'\"?!")))
        if alphabetic < 0.7 * len(words) or "..." in candidate or ". ." in candidate:
            continue
        if not candidate[0].isupper() or candidate[-1] not in ".?!":
            continue
        yield candidate


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("pages")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    pages = [json.loads(line) for line in open(args.pages, encoding="utf-8")]
    flat = [normalise(p["text"]) for p in pages]
    rng = random.Random(args.seed)
    order = list(range(len(pages)))
    rng.shuffle(order)
    chosen = []
    for i in order:
        options = list(sentences(pages[i]["text"]))
        if not options:
            continue
        sentence = rng.choice(options)
        if sum(1 for text in flat if sentence in text) != 1:
            continue
        chosen.append((pages[i], sentence))
        if len(chosen) == args.count:
            break
    for n, (page, sentence) in enumerate(chosen, 1):
        print(json.dumps({"id": f"copied-{n:03d}", "kind": "copied", "query": sentence,
                          "file": page["file"], "page": page["page"]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
