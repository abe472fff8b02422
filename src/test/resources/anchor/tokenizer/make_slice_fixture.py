"""The world's vocabulary slice, tokenized by a second implementation: GPT-2's byte-level BPE in Python (the algorithm
of openai/gpt-2's encoder.py, written again here: bytes -> unicode alphabet, the pre-tokenizer regex, lowest-rank
merge first), reading only the directory's vocab.json and merges.txt. With Hugging Face's transformers installed it
also loads the directory with GPT2TokenizerFast and asserts the same ids. Writes slice-fixture.json beside itself.

    python3 make_slice_fixture.py DIR     (DIR: vocab.json + merges.txt, e.g. written by World.vocabulary().write)
"""
import json
import os
import sys

import regex

TEXTS = [
    "<|endoftext|>The dog sleeps.",
    "<|endoftext|>A happy cat sees the brave king quietly. The queen is kind.",
    " The farmer helps a tiny rabbit warmly. A grumpy goat sulks.",
    "The robot chases the nervous mouse angrily. A clever poet laughs today.",
    " A gentle teacher praises the young painter gladly.<|endoftext|>",
    "The doctor is selfish. The sailor mocks a dull baker coldly. A lion groans.",
    "Kind gloomy Runs Scolds painter Young grumpy tiger Mean.",
    " The dragon .",
    "Zebras don't speak the world's language: 42!",
    "Hello, world",
    "naïve café – ünïcode ✓",
    "  two  spaces\tand a tab\n",
]


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


PAT = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")


def bpe(piece, ranks):
    word = list(piece)
    while len(word) > 1:
        pairs = [(ranks.get((word[i], word[i + 1]), float("inf")), i) for i in range(len(word) - 1)]
        best = min(pairs)[0]
        if best == float("inf"):
            break
        first, second = next((word[i], word[i + 1]) for r, i in pairs if r == best)
        out, i = [], 0
        while i < len(word):
            if i + 1 < len(word) and word[i] == first and word[i + 1] == second:
                out.append(first + second)
                i += 2
            else:
                out.append(word[i])
                i += 1
        word = out
    return word


def encode(text, vocab, ranks, b2u):
    ids = []
    for k, part in enumerate(text.split("<|endoftext|>")):
        if k > 0:
            ids.append(vocab["<|endoftext|>"])
        for piece in PAT.findall(part):
            ids.extend(vocab[t] for t in bpe("".join(b2u[b] for b in piece.encode("utf-8")), ranks))
    return ids


def main(d):
    vocab = json.load(open(os.path.join(d, "vocab.json"), encoding="utf-8"))
    lines = [l for l in open(os.path.join(d, "merges.txt"), encoding="utf-8").read().split("\n") if l and not l.startswith("#version")]
    ranks = {tuple(l.split(" ")): i for i, l in enumerate(lines)}
    b2u = bytes_to_unicode()
    cases = [{"text": t, "ids": encode(t, vocab, ranks, b2u)} for t in TEXTS]
    checked = "python-bpe"
    try:
        from transformers import GPT2TokenizerFast
        hf = GPT2TokenizerFast.from_pretrained(d)
        for c in cases:
            assert hf(c["text"])["input_ids"] == c["ids"], c["text"]
        checked += "+transformers-" + __import__("transformers").__version__
    except ImportError:
        pass
    out = {"vocab_size": len(vocab), "checked_by": checked, "cases": cases}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "slice-fixture.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
    print(checked, len(vocab), "tokens,", len(cases), "cases")


if __name__ == "__main__":
    main(sys.argv[1])
