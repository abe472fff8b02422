package anchor.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's pre-tokenization (encoder.py's {@code pat}): text is cut into contractions, letter runs, digit runs,
 * punctuation runs (each optionally led by one space) and whitespace, and BPE never merges across the cuts.
 * {@code \s} is Unicode whitespace, as in Python 3's {@code re} on str.
 */
public final class Pretokenizer {
    private Pretokenizer() {
    }

    static final Pattern GPT2 = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = GPT2.matcher(text);
        while (m.find()) out.add(m.group());
        return out;
    }
}
