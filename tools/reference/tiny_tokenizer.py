"""A small byte-level BPE tokenizer built like Qwen's, trained here on a fixed text.

The pipeline (NFC normaliser, Qwen's split regex, byte-level pre-tokenizer and decoder, BPE with no
unknown token) is the one `Qwen2Tokenizer` builds; only the vocabulary is ours, so every token id,
special ones included, differs from the real Qwen ids and the Java side has to read them from the files.
"""

from __future__ import annotations

import json
from pathlib import Path

from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors, trainers
from tokenizers.models import BPE

# Qwen's pre-tokenisation regex, as in transformers' tokenization_qwen2.PRETOKENIZE_REGEX.
PRETOKENIZE_REGEX = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
)

# The added tokens of Qwen3's tokenizer_config.json, in their order there (ids 151643..151668 in the real file).
SPECIAL_TOKENS = [
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|object_ref_start|>",
    "<|object_ref_end|>",
    "<|box_start|>",
    "<|box_end|>",
    "<|quad_start|>",
    "<|quad_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|vision_pad|>",
    "<|image_pad|>",
    "<|video_pad|>",
]
NON_SPECIAL_ADDED_TOKENS = [
    "<tool_call>",
    "</tool_call>",
    "<|fim_prefix|>",
    "<|fim_middle|>",
    "<|fim_suffix|>",
    "<|fim_pad|>",
    "<|repo_name|>",
    "<|file_sep|>",
    "<tool_response>",
    "</tool_response>",
    "<think>",
    "</think>",
]

# Regular (non-added) vocabulary size: 256 byte symbols plus learned merges.
VOCAB_SIZE = 1000

# Fixed training text: page-like prose, numbers, code and a few scripts so that merges exist for them.
CORPUS = """\
Quarterly report for the fiscal year 2024. Revenue grew by 12.5% to $4,210 million, driven by services.
The board approved a dividend of 0.42 per share, payable on 15 March 2025 to shareholders of record.
Table 3: Operating expenses by region (in thousands). North America 1,204; Europe 987; Asia-Pacific 1,532.
Figure 2 shows the distribution of response times for the document retrieval system under load.
Late interaction models compare every query token with every page token and keep the best match.
The page image is split into patches of sixteen by sixteen pixels, and four patches merge into one token.
Describe the image. What is the total revenue? Which region had the highest operating expenses?
Safety instructions: do not open the cover while the device is connected to the mains supply.
Installation guide, chapter 4: mounting the bracket, connecting the cables, first start-up.
Invoice number INV-2024-00817, due date 30/06/2024, amount due EUR 1,299.00 including VAT.
The committee met on Tuesday to discuss the results of the survey and the plan for next year.
Slides: Introduction; Method; Results; Discussion; Questions. Thank you for your attention!
def maxsim(query, page):
    return sum(max(q @ p for p in page) for q in query)
for (int i = 0; i < n; i++) { score += Math.max(0.0f, dot(q[i], d)); }
SELECT title, year FROM documents WHERE score > 0.75 ORDER BY year DESC LIMIT 10;
Le rapport annuel présente les résultats financiers et les perspectives pour l'année prochaine.
Die Ergebnisse der Umfrage zeigen eine deutliche Verbesserung der Kundenzufriedenheit.
El documento describe el proceso de instalación y las instrucciones de seguridad.
年度报告显示收入增长了百分之十二。文档检索系统比较查询和页面。
会議の議事録と来年度の計画について説明します。
التقرير السنوي يعرض النتائج المالية للشركة.
वार्षिक रिपोर्ट में कंपनी के वित्तीय परिणाम दिखाए गए हैं।
Ответ на вопрос содержится в таблице на второй странице документа.
    Indented lines, tabs\tand\ttabs, trailing spaces   
Numbers 0 1 2 3 4 5 6 7 8 9 10 100 1000 3.14159 2.71828 -42 +7 1e-6 0x1F.
"""


def _train_base_tokenizer() -> Tokenizer:
    tokenizer = Tokenizer(
        BPE(
            unk_token=None,
            continuing_subword_prefix="",
            end_of_word_suffix="",
            fuse_unk=False,
            byte_fallback=False,
        )
    )
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(PRETOKENIZE_REGEX), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
        ]
    )
    tokenizer.post_processor = processors.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    tokenizer.decoder = decoders.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        min_frequency=1,
        show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=[],
    )
    # Several passes over the text so that frequent pairs dominate the merge order deterministically.
    lines = CORPUS.splitlines(keepends=True)
    tokenizer.train_from_iterator(lines * 3, trainer=trainer)
    tokenizer.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in SPECIAL_TOKENS])
    tokenizer.add_tokens([AddedToken(t, special=False, normalized=False) for t in NON_SPECIAL_ADDED_TOKENS])
    return tokenizer


def _tokenizer_config(tokenizer: Tokenizer, chat_template: str) -> dict:
    added = {}
    for token in SPECIAL_TOKENS + NON_SPECIAL_ADDED_TOKENS:
        added[str(tokenizer.token_to_id(token))] = {
            "content": token,
            "lstrip": False,
            "normalized": False,
            "rstrip": False,
            "single_word": False,
            "special": token in SPECIAL_TOKENS,
        }
    # Mirrors the fields of Qwen3's tokenizer_config.json.
    return {
        "add_bos_token": False,
        "add_prefix_space": False,
        "added_tokens_decoder": added,
        "additional_special_tokens": [t for t in SPECIAL_TOKENS if t != "<|endoftext|>"],
        "bos_token": None,
        "chat_template": chat_template,
        "clean_up_tokenization_spaces": False,
        "eos_token": "<|im_end|>",
        "errors": "replace",
        "model_max_length": 262144,
        "pad_token": "<|endoftext|>",
        "split_special_tokens": False,
        "tokenizer_class": "Qwen2Tokenizer",
        "unk_token": None,
    }


def write_staging_tokenizer(directory: Path, chat_template: str) -> Tokenizer:
    """Trains the tokenizer and writes tokenizer.json + tokenizer_config.json for AutoTokenizer to load."""
    directory.mkdir(parents=True, exist_ok=True)
    first = _train_base_tokenizer()
    second = _train_base_tokenizer()
    if first.to_str() != second.to_str():
        raise RuntimeError("BPE training is not deterministic: two runs on the same text differ")
    serialized = json.loads(first.to_str())
    # The trainer leaves these null; Qwen's tokenizer.json spells them as empty strings.
    serialized["model"]["continuing_subword_prefix"] = ""
    serialized["model"]["end_of_word_suffix"] = ""
    (directory / "tokenizer.json").write_text(json.dumps(serialized, indent=2, ensure_ascii=False) + "\n")
    config = _tokenizer_config(first, chat_template)
    (directory / "tokenizer_config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    return first
