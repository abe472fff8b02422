package anchor.tokenizer;

import java.util.List;

/** A varied corpus for tokenizer cross-checks: accents, CJK, emoji with joiners, whitespace runs, code, contractions. */
public final class Gpt2TokenizerTestCorpus {
    private Gpt2TokenizerTestCorpus() {
    }

    public static final List<String> CORPUS = List.of(
            "Hello, how are you doing today?", "", " ", "   leading and trailing   ", "tabs\tand\nnewlines\n\n\nand\r\nCRLF",
            "I'm sure you'll see they've done what we'd said; it's John's.", "DON'T SHOUT'S", "1234567890 3.14159 1e-9 0x1F",
            "naïve café, Grüße aus Köln — ça va? 日本語のテキスト 한국어 текст на русском", "emoji 😀👍🏽 👨‍👩‍👧 🇩🇪",
            "def f(x):\n    return x ** 2  # square\n\tif a!=b: print(\"{}\".format(a))", "<html><body class=\"x\">&amp;</body></html>",
            "multiple     spaces    between", "punctuation!!! ??? ... ---", "\u00a0non-breaking\u2003em space", "a\u0300 combining",
            "zero\u200bwidth", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math", "ﬁ ligature", "trailing newline\n");
}
