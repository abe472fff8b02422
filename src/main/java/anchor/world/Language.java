package anchor.world;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * The embedded world's tiny language: short stories of two to four sentences from a small grammar over 160 English
 * words, every one of them consonant-initial (so "a" never needs to be "an").
 * <pre>
 * story    := sentence (" " sentence){1,3}
 * sentence := NP " " Vt " " np (" " Adv)? "."  |  NP " " Vi (" " Adv)? "."  |  NP " is " Adj "."
 * NP       := Det (" " Adj)? " " Noun          (capitalised at the start of a sentence)
 * Det      := "the" | "a"
 * </pre>
 * Adjectives, verbs and adverbs carry a sentiment of +1, 0 or −1, which the {@link GoldReward} reads. The checker is
 * exact: a text is grammatical if and only if the generator could have produced it.
 */
public final class Language {
    private Language() {
    }

    public enum WordClass { DET, NOUN, ADJ, VT, VI, ADV }

    /** A word of the language with its class and sentiment. */
    public record Word(String text, WordClass cls, int sentiment) {
    }

    static final Map<String, Word> LEXICON = new LinkedHashMap<>();

    private static void add(WordClass cls, int sentiment, String words) {
        for (String w : words.split(" ")) {
            if (LEXICON.put(w, new Word(w, cls, sentiment)) != null) throw new IllegalStateException("duplicate word " + w);
        }
    }

    static {
        add(WordClass.DET, 0, "the a");
        add(WordClass.NOUN, 0, "dog cat bird fox girl boy king queen farmer baker sailor robot dragon teacher doctor painter "
                + "wolf horse rabbit mouse lion bear friend child man woman pilot poet tiger goat");
        add(WordClass.ADJ, 1, "happy kind brave gentle cheerful friendly clever calm lovely joyful bright generous");
        add(WordClass.ADJ, -1, "sad cruel lazy grumpy nasty rude selfish gloomy bitter mean dull nervous");
        add(WordClass.ADJ, 0, "small big tall young quiet green brown tiny");
        add(WordClass.VT, 1, "helps loves hugs thanks praises feeds saves greets");
        add(WordClass.VT, -1, "hates bites scolds chases kicks fears robs mocks");
        add(WordClass.VT, 0, "sees meets follows finds visits watches");
        add(WordClass.VI, 1, "smiles laughs sings dances shines");
        add(WordClass.VI, -1, "cries sulks groans screams complains");
        add(WordClass.VI, 0, "sleeps walks waits sits runs");
        add(WordClass.ADV, 1, "warmly gladly happily kindly");
        add(WordClass.ADV, -1, "angrily rudely sadly coldly");
        add(WordClass.ADV, 0, "slowly quickly today quietly");
    }

    public static Map<String, Word> lexicon() {
        return java.util.Collections.unmodifiableMap(LEXICON);
    }

    private static List<String> of(WordClass cls) {
        return LEXICON.values().stream().filter(w -> w.cls() == cls).map(Word::text).toList();
    }

    private static final List<String> DETS = of(WordClass.DET), NOUNS = of(WordClass.NOUN), ADJS = of(WordClass.ADJ),
            VTS = of(WordClass.VT), VIS = of(WordClass.VI), ADVS = of(WordClass.ADV);

    private static String pick(List<String> words, Random r) {
        return words.get(r.nextInt(words.size()));
    }

    private static String np(Random r) {
        String det = pick(DETS, r);
        return r.nextBoolean() ? det + " " + pick(ADJS, r) + " " + pick(NOUNS, r) : det + " " + pick(NOUNS, r);
    }

    /** One sentence, capitalised, ending with a period. */
    public static String sentence(Random r) {
        String s = switch (r.nextInt(3)) {
            case 0 -> np(r) + " " + pick(VTS, r) + " " + np(r) + (r.nextBoolean() ? " " + pick(ADVS, r) : "");
            case 1 -> np(r) + " " + pick(VIS, r) + (r.nextBoolean() ? " " + pick(ADVS, r) : "");
            default -> np(r) + " is " + pick(ADJS, r);
        };
        return Character.toUpperCase(s.charAt(0)) + s.substring(1) + ".";
    }

    /** A story of 2 to 4 sentences. */
    public static String story(Random r) {
        int n = 2 + r.nextInt(3);
        List<String> s = new ArrayList<>();
        for (int i = 0; i < n; i++) s.add(sentence(r));
        return String.join(" ", s);
    }

    /**
     * Every piece of text the language is made of, as GPT-2's pre-tokenizer cuts it: each word (and "is") bare,
     * after a space, capitalised and both, and the period (bare and after a space) — what the world's vocabulary slice is cut to.
     */
    public static List<String> wordForms() {
        List<String> out = new ArrayList<>();
        List<String> words = new ArrayList<>(LEXICON.keySet());
        words.add("is");
        for (String w : words) {
            String cap = Character.toUpperCase(w.charAt(0)) + w.substring(1);
            out.addAll(List.of(w, " " + w, cap, " " + cap));
        }
        out.addAll(List.of(".", " ."));
        return out;
    }

    private static final String DET = "(?:the|a)";
    private static final Pattern SENTENCE;

    static {
        String noun = alt(NOUNS), adj = alt(ADJS), vt = alt(VTS), vi = alt(VIS), adv = alt(ADVS);
        String np = DET + "(?: " + adj + ")? " + noun;
        SENTENCE = Pattern.compile("(?:" + np + " " + vt + " " + np + "(?: " + adv + ")?|" + np + " " + vi + "(?: " + adv + ")?|"
                + np + " is " + adj + ")\\.");
    }

    private static String alt(List<String> words) {
        return "(?:" + String.join("|", words) + ")";
    }

    /** Whether one sentence (capitalised, ending with ".") is in the language. */
    public static boolean isSentence(String s) {
        if (s.isEmpty() || !Character.isUpperCase(s.charAt(0))) return false;
        return SENTENCE.matcher(Character.toLowerCase(s.charAt(0)) + s.substring(1)).matches();
    }

    /** The sentences of a text split after each period; a trailing fragment without a period is its own item. */
    public static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '.') {
                out.add(text.substring(start, i + 1));
                start = i + 1;
                if (start < text.length() && text.charAt(start) == ' ') start++;
            }
        }
        if (start < text.length()) out.add(text.substring(start));
        return out;
    }

    /**
     * Whether a text is grammatical: non-empty, and every sentence in the language, separated by single spaces.
     * A response may start with one space (it continues a prompt).
     */
    public static boolean isGrammatical(String text) {
        String t = text.startsWith(" ") ? text.substring(1) : text;
        if (t.isEmpty()) return false;
        List<String> s = sentences(t);
        return !s.isEmpty() && s.stream().allMatch(Language::isSentence) && String.join(" ", s).equals(t);
    }
}
