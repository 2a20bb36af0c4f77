"""Golden decodes of the real Qwen3 tokenizer: ids back to text, with and without special tokens.

Reads the committed gzip copy of the tokenizer (model/src/test/resources/reference/qwen3-tokenizer/
tokenizer.json.gz, SHA-256 checked) and the ids of qwen3-ids.json, and writes qwen3-decode.json beside
them: for every golden string its decode with skip_special_tokens False and True, and extra cases the
encoder goldens lack: chat-shaped output with special and added tokens, and random id sequences, whose
bytes are often not valid UTF-8 (the decoder's replacement characters are part of the golden).

Needs only the `tokenizers` package (pip install tokenizers==0.23.3); deterministic.

    /work/venvs/tok/bin/python tools/reference/qwen3_decode_goldens.py
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
from pathlib import Path

from tokenizers import Tokenizer

import qwen3_tokenizer_goldens

REPO = Path(__file__).resolve().parents[2]
FOLDER = REPO / "model" / "src" / "test" / "resources" / "reference" / "qwen3-tokenizer"

CHAT = [
    "<|im_start|>assistant\n<think>\n\n</think>\n\nThe total is $4,210 million.<|im_end|>",
    "<|im_start|>assistant\nSee page 3 <|box_start|>(10,20),(30,40)<|box_end|> 表格第三行。<|im_end|><|endoftext|>",
    "<tool_call>\n{\"name\": \"search\", \"arguments\": {\"q\": \"收入 2024 📈\"}}\n</tool_call>",
    "<|vision_start|><|image_pad|><|image_pad|><|vision_end|>👩‍👩‍👧‍👦 done",
]


def main() -> None:
    raw = gzip.decompress((FOLDER / "tokenizer.json.gz").read_bytes())
    digest = hashlib.sha256(raw).hexdigest()
    if digest != qwen3_tokenizer_goldens.TOKENIZER_SHA256:
        raise SystemExit(f"tokenizer.json.gz holds {digest}, not the goldens' tokenizer")
    tokenizer = Tokenizer.from_str(raw.decode("utf-8"))
    encoded = json.loads((FOLDER / "qwen3-ids.json").read_text())

    def entry(ids: list[int]) -> dict:
        return {
            "decoded": tokenizer.decode(ids, skip_special_tokens=False),
            "decoded_skip_special": tokenizer.decode(ids, skip_special_tokens=True),
        }

    golden = [dict(index=i, **entry(case["ids"])) for i, case in enumerate(encoded["cases"])]
    chat = [dict(ids=tokenizer.encode(text).ids, **entry(tokenizer.encode(text).ids)) for text in CHAT]
    rng = random.Random(20261207)
    vocab = tokenizer.get_vocab_size(with_added_tokens=True)
    randoms = []
    for _ in range(40):
        # half from the byte tokens (ids below 256 are single bytes: many split characters)
        high = 256 if rng.random() < 0.5 else vocab
        ids = [rng.randrange(high) for _ in range(rng.randint(1, 12))]
        randoms.append(dict(ids=ids, **entry(ids)))
    out = {
        "tokenizer_sha256": digest,
        "decode": "tokenizers.Tokenizer.decode(ids, skip_special_tokens=...)",
        "tokenizers_version": __import__("tokenizers").__version__,
        "golden_strings": golden,
        "chat": chat,
        "random": randoms,
    }
    (FOLDER / "qwen3-decode.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
