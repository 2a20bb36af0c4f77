"""Tiny BGE-M3 checkpoints in the real on-disk layout, and FlagEmbedding's outputs on them (issue 28, milestone 5).

BGE-M3 is XLM-RoBERTa large plus two heads saved with torch.save: `colbert_linear.pt` (Linear(hidden, hidden))
and `sparse_linear.pt` (Linear(hidden, 1)). The real checkpoint is 2.3 GB and its tokenizer.json 17 MB, so this
script builds two tiny random ones with the same files, deterministically:

- `tiny-a`: hidden 32, 4 heads, 2 layers, intermediate 64, max_position_embeddings 130 (128 tokens), a
  300-piece vocabulary, heads saved in float32;
- `tiny-b`: hidden 48, 6 heads, 3 layers, intermediate 96, max_position_embeddings 66 (64 tokens), a
  150-piece vocabulary, heads saved in float16 (as the real BGE-M3's are).

Each folder holds config.json (XLMRobertaModel), model.safetensors, tokenizer.json (Unigram + Metaspace, the
`<s> $A </s>` template, ids <s>=0 <pad>=1 </s>=2 <unk>=3 as XLM-R's; counted here on a fixed text),
tokenizer_config.json, special_tokens_map.json, colbert_linear.pt and sparse_linear.pt. Then FlagEmbedding 1.4.2's
own `M3Embedder` (BGEM3FlagModel) encodes 12 strings in one padded batch, on the CPU in float32, with
max_length = max_position_embeddings - 2 (what the position table allows; 512 for the real model), and the
script writes `goldens.json` beside the checkpoint: token ids (from the same tokenizer, no padding), the dense
vectors, the lexical weights (token id -> weight) and the ColBERT vectors, floats as base64 little-endian float32.

transformers 5's `XLMRobertaTokenizer` rebuilds the tokenizer pipeline from the vocabulary and drops the
normaliser of tokenizer.json (trailing and repeated spaces then give other ids); the script hands FlagEmbedding a
`PreTrainedTokenizerFast` over tokenizer.json as written, which is what transformers 4, the tokenizers library and
DJL run, and checks its ids against the tokenizers library's.

FlagEmbedding imports `datasets` at module level for its fine-tuning classes; it is not installed here (it
would bring pandas and pyarrow), so a stub module stands in for it: inference never touches it.

    /work/venvs/reference/bin/pip install --no-deps FlagEmbedding==1.4.2
    /work/venvs/reference/bin/python tools/reference/bge_m3_goldens.py

Output: text-embedding/src/test/resources/dev/quire/textembedding/bge-m3/{tiny-a,tiny-b}/.
"""
from __future__ import annotations

import base64
import importlib.machinery
import json
import math
import os
import shutil
import sys
import types
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import Unigram
from transformers import PreTrainedTokenizerFast, XLMRobertaConfig, XLMRobertaModel

_stub = types.ModuleType("datasets")
_stub.__spec__ = importlib.machinery.ModuleSpec("datasets", None)
_stub.Dataset = object
_stub.load_dataset = None
sys.modules.setdefault("datasets", _stub)
from FlagEmbedding.inference.embedder.encoder_only.m3 import M3Embedder  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "text-embedding/src/test/resources/dev/quire/textembedding/bge-m3"

CORPUS = """\
Quarterly report for the fiscal year 2024. Revenue grew by 12.5% to $4,210 million, driven by services.
The board approved a dividend of 0.42 per share, payable on 15 March 2025 to shareholders of record.
Invoice INV-0042: total due $1,234.50 by April 2, 2024. Payment terms: net 30 days. Balance due on receipt.
What is the vacation policy? The vacation policy grants twenty five days of leave each year.
Liability is capped at twelve months of fees. Termination requires 30 days written notice.
The patient's blood pressure was 120/80 mmHg. Governing law: the State of Delaware.
Café naïve résumé, déjà vu. Grüße aus München. Привет, мир. 東京の天気は晴れです。
money owed, bank statement for January, credit card statement, minimum payment due, receipt from the pharmacy.
"""

STRINGS = [
    "",
    "a",
    "money owed",
    "balance due on the invoice",
    "Invoice INV-0042: total due $1,234.50 by April 2, 2024.",
    "punctuation!!! ??? ... ;;; ---",
    "Café naïve résumé — déjà vu, Grüße",
    "東京の天気は晴れです",
    "Привет, мир",
    "  leading and   repeated   spaces  ",
    "<mask> is a special token inside a text",
    " ".join(["The quarterly report lists revenue, gross margin, customers and employees for each region."] * 6),
]

SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]


def tokenizer(vocab_size: int) -> Tokenizer:
    """XLM-R's pipeline (tokenizer.json of xlm-roberta / bge-m3) with our vocabulary: NFKC for its precompiled map.

    The Unigram vocabulary is counted here rather than trained (the tokenizers library's trainer varies between
    runs): every character of the corpus plus its most frequent word pieces of 2-5 characters, each scored by the
    log of its relative count, ties in piece order; ids 0-3 are XLM-R's specials, `<mask>` the last id.
    """
    text = unicodedata.normalize("NFKC", CORPUS)
    counts: Counter[str] = Counter()
    for word in text.split():
        word = "\u2581" + word
        for i in range(len(word)):
            for length in range(1, 6):
                if i + length <= len(word):
                    counts[word[i:i + length]] += 1
    chars = sorted(p for p in counts if len(p) == 1)
    longer = sorted((p for p in counts if len(p) > 1 and counts[p] >= 2), key=lambda p: (-counts[p] * len(p), p))
    pieces = chars + longer[:vocab_size - len(SPECIALS) - len(chars)]
    total = sum(counts[p] for p in pieces)
    scored = sorted(((p, round(math.log(counts[p] / total), 6)) for p in pieces), key=lambda ps: (-ps[1], ps[0]))
    tok = Tokenizer(Unigram([(t, 0.0) for t in SPECIALS] + scored, unk_id=3, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.add_special_tokens(SPECIALS)
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, special=True)])
    ids = {t: tok.token_to_id(t) for t in SPECIALS}
    assert ids == {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}, ids
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    return tok


def build(name: str, hidden: int, heads: int, layers: int, intermediate: int, positions: int, vocab: int,
          head_dtype: torch.dtype, seed: int) -> None:
    folder = OUT / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    tok = tokenizer(vocab)
    tok.save(str(folder / "tokenizer.json"))
    vocab_size = tok.get_vocab_size(with_added_tokens=True)
    special = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
               "pad_token": "<pad>", "cls_token": "<s>",
               "mask_token": {"content": "<mask>", "lstrip": True, "normalized": False, "rstrip": False,
                              "single_word": False}}
    (folder / "special_tokens_map.json").write_text(json.dumps(special, indent=2) + "\n")
    (folder / "tokenizer_config.json").write_text(json.dumps(
        {**{k: v for k, v in special.items() if k != "mask_token"}, "mask_token": "<mask>",
         "model_max_length": positions - 2, "tokenizer_class": "XLMRobertaTokenizer"}, indent=2) + "\n")

    torch.manual_seed(seed)
    config = XLMRobertaConfig(
        vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads,
        intermediate_size=intermediate, max_position_embeddings=positions, type_vocab_size=1,
        layer_norm_eps=1e-5, pad_token_id=1, bos_token_id=0, eos_token_id=2, hidden_act="gelu",
        hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1, initializer_range=0.02)
    config.architectures = ["XLMRobertaModel"]
    model = XLMRobertaModel(config).eval()
    with torch.no_grad():  # random weights large enough that every layer matters, layer norms not the identity
        for pname, p in model.named_parameters():
            if pname.endswith("LayerNorm.weight"):
                p.copy_(1 + 0.2 * torch.randn_like(p))
            elif pname.endswith("bias"):
                p.copy_(0.1 * torch.randn_like(p))
            else:
                p.copy_(0.15 * torch.randn_like(p))
    model.save_pretrained(folder, safe_serialization=True)
    colbert = torch.nn.Linear(hidden, hidden)
    sparse = torch.nn.Linear(hidden, 1)
    with torch.no_grad():
        colbert.weight.normal_(0, 0.2)
        colbert.bias.normal_(0, 0.1)
        sparse.weight.normal_(0, 0.3)
        sparse.bias.fill_(0.05)
    for module, file in ((colbert, "colbert_linear.pt"), (sparse, "sparse_linear.pt")):
        if head_dtype == torch.float32:  # the module's own state_dict: an OrderedDict with _metadata (BUILD)
            torch.save(module.state_dict(), folder / file)
        else:  # a plain dict of float16 tensors
            torch.save({k: v.to(head_dtype) for k, v in module.state_dict().items()}, folder / file)

    max_length = positions - 2
    embedder = M3Embedder(str(folder), use_fp16=False, devices="cpu", batch_size=256,
                          passage_max_length=max_length, query_max_length=max_length)
    # transformers 5's XLMRobertaTokenizer rebuilds its pipeline from the vocabulary (WhitespaceSplit + Metaspace,
    # no normaliser unless a sentencepiece charsmap is given) instead of reading tokenizer.json's; trailing and
    # repeated spaces then tokenise differently. tokenizer.json as written is what the tokenizers library, DJL and
    # transformers 4 (FlagEmbedding's own stack when BGE-M3 was released) run, so FlagEmbedding gets that one.
    fast = PreTrainedTokenizerFast(tokenizer_file=str(folder / "tokenizer.json"),
                                   **{k: v if isinstance(v, str) else v["content"] for k, v in special.items()})
    embedder.tokenizer = fast
    embedder.model.tokenizer = fast
    out = embedder.encode(STRINGS, return_dense=True, return_sparse=True, return_colbert_vecs=True,
                          max_length=max_length)
    tok.no_padding()
    tok.enable_truncation(max_length=max_length)
    ids = [tok.encode(s).ids for s in STRINGS]
    hf_ids = [embedder.tokenizer(s, truncation=True, max_length=max_length)["input_ids"] for s in STRINGS]
    assert ids == hf_ids, "the tokenizers library and transformers' tokenizer disagree"

    def f32(array) -> str:
        return base64.b64encode(np.ascontiguousarray(array, dtype="<f4").tobytes()).decode("ascii")

    goldens = {
        "max_length": max_length,
        "hidden": hidden,
        "strings": STRINGS,
        "ids": ids,
        "dense_f32_base64": [f32(v) for v in out["dense_vecs"]],
        "sparse": [{k: float(v) for k, v in sorted(w.items(), key=lambda kv: int(kv[0]))} for w in out["lexical_weights"]],
        "colbert_f32_base64": [f32(v) for v in out["colbert_vecs"]],
        "colbert_rows": [int(v.shape[0]) for v in out["colbert_vecs"]],
    }
    for i, v in enumerate(out["colbert_vecs"]):
        assert v.shape == (len(ids[i]) - 1, hidden), (v.shape, len(ids[i]))
    (folder / "goldens.json").write_text(json.dumps(goldens, indent=1, ensure_ascii=False) + "\n")
    size = sum(p.stat().st_size for p in folder.iterdir())
    print(f"{name}: vocab {vocab_size}, ids {[len(i) for i in ids]}, {size / 1024:.0f} KB")


PT_CASES = Path(__file__).resolve().parents[2] / "model/src/test/resources/dev/quire/model/pt"


def pt_cases() -> None:
    """torch.save files for TorchStateDict's tests: value i of every tensor is (i % 251) * 0.25 - 7 (exact in all three
    types), except the view, which starts at element 5 of its 40-element storage."""
    PT_CASES.mkdir(parents=True, exist_ok=True)

    def values(*shape, dtype=torch.float32):
        n = int(np.prod(shape)) if shape else 1
        return ((torch.arange(n) % 251) * 0.25 - 7).reshape(shape).to(dtype)

    base = values(40)
    cases = {
        "scalar": values(),
        "vector": values(7),
        "matrix": values(3, 5),
        "cube": values(2, 3, 4),
        "empty": values(0, 4),
        "half": values(6, 2, dtype=torch.float16),
        "bfloat": values(3, 3, dtype=torch.bfloat16),
        "view": base[5:17].reshape(3, 4),
        "large": values(300, 300),
    }
    torch.save(cases, PT_CASES / "cases.pt")
    torch.save({"t": values(4, 3).t()}, PT_CASES / "transposed.pt")
    torch.save({"ids": torch.arange(4)}, PT_CASES / "int64.pt")
    torch.save({"w": values(3)}, PT_CASES / "legacy.pt", _use_new_zipfile_serialization=False)
    torch.save([values(3)], PT_CASES / "list.pt")


if __name__ == "__main__":
    pt_cases()
    build("tiny-a", hidden=32, heads=4, layers=2, intermediate=64, positions=130, vocab=300,
          head_dtype=torch.float32, seed=28)
    build("tiny-b", hidden=48, heads=6, layers=3, intermediate=96, positions=66, vocab=150,
          head_dtype=torch.float16, seed=5)
