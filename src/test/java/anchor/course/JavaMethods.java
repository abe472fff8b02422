package anchor.course;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Just enough of Java's syntax to find the methods of a top-level class and swap their bodies: comments, strings,
 * character literals and text blocks are skipped; a method is a {@code { … }} directly inside the class body that
 * follows a parameter list {@code ( … )} (optionally with a {@code throws} clause). Its key is its name and parameter
 * types, e.g. {@code create(Gpt2Model,Placement)}, which is * unique in every file an exercise touches.
 */
public final class JavaMethods {
    private JavaMethods() {
    }

    /** One method: its name, parameter types (simple names, comma-separated) and the body's span {@code [open, close]}. */
    public record Method(String name, String parameterTypes, int open, int close) {
        public String key() {
            return name + "(" + parameterTypes + ")";
        }

        public String body(String src) {
            return src.substring(open, close + 1);
        }
    }

    /** Offsets of {@code src} that are code (not inside a comment, string, char literal or text block). */
    static boolean[] codeMask(String src) {
        boolean[] code = new boolean[src.length()];
        int i = 0, n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (src.startsWith("//", i)) {
                while (i < n && src.charAt(i) != '\n') i++;
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && src.charAt(j) != c) j += src.charAt(j) == '\\' ? 2 : 1;
                i = Math.min(n, j + 1);
            } else {
                code[i++] = true;
            }
        }
        return code;
    }

    /** The methods declared directly in the first top-level type of {@code src}, in order. */
    public static List<Method> of(String src) {
        boolean[] code = codeMask(src);
        List<Method> out = new ArrayList<>();
        int depth = 0;
        for (int i = 0; i < src.length(); i++) {
            if (!code[i]) continue;
            char c = src.charAt(i);
            if (c == '{') {
                if (depth == 1) {
                    int close = matching(src, code, i);
                    Method m = header(src, code, i, close);
                    if (m != null) {
                        out.add(m);
                        i = close;
                        continue;
                    }
                }
                depth++;
            } else if (c == '}') {
                depth--;
            }
        }
        return out;
    }

    private static int matching(String src, boolean[] code, int open) {
        int d = 0;
        for (int i = open; i < src.length(); i++) {
            if (!code[i]) continue;
            if (src.charAt(i) == '{') d++;
            else if (src.charAt(i) == '}' && --d == 0) return i;
        }
        throw new IllegalArgumentException("unbalanced braces from offset " + open);
    }

    /** The method whose body opens at {@code open}, or null when that brace opens something else (a nested type, an initialiser). */
    private static Method header(String src, boolean[] code, int open, int close) {
        int j = previousCode(src, code, open - 1);
        int throwsAt = lastCodeWord(src, code, j, "throws");
        if (throwsAt >= 0) j = previousCode(src, code, throwsAt - 1);
        if (j < 0 || src.charAt(j) != ')') return null;
        int d = 0, k = j;
        boolean empty = true;
        for (; k >= 0; k--) {
            if (!code[k]) continue;
            char c = src.charAt(k);
            if (c == ')') d++;
            else if (c == '(' && --d == 0) break;
            if (d >= 1 && k != j && !Character.isWhitespace(c)) empty = false;
        }
        int e = previousCode(src, code, k - 1), s = e;
        while (s >= 0 && Character.isJavaIdentifierPart(src.charAt(s))) s--;
        if (e < 0 || s == e) return null;
        String name = src.substring(s + 1, e + 1);
        if (Set.of("if", "for", "while", "switch", "catch", "synchronized", "new").contains(name)) return null;
        int w = previousCode(src, code, s), v = w;
        while (v >= 0 && Character.isJavaIdentifierPart(src.charAt(v))) v--;
        if (w >= 0 && src.substring(v + 1, w + 1).equals("record")) return null;          // a record's header, not a method
        return new Method(name, empty ? "" : parameterTypes(src.substring(k + 1, j)), open, close);
    }

    /** "final anchor.gpt2.Gpt2Model policy, Placement p" → "Gpt2Model,Placement" (annotations and qualifiers dropped). */
    static String parameterTypes(String params) {
        List<String> types = new ArrayList<>();
        int depth = 0, start = 0;
        for (int i = 0; i <= params.length(); i++) {
            char c = i < params.length() ? params.charAt(i) : ',';
            if (c == '<') depth++;
            else if (c == '>') depth--;
            else if (c == ',' && depth == 0) {
                String p = params.substring(start, i).replaceAll("@\\w+(\\([^)]*\\))?", " ").replaceAll("\\bfinal\\b", " ").strip();
                int cut = p.length();
                while (cut > 0 && Character.isJavaIdentifierPart(p.charAt(cut - 1))) cut--;
                types.add(p.substring(0, cut).replaceAll("\\s+", "").replaceAll("\\b[a-z_][\\w]*\\.", ""));
                start = i + 1;
            }
        }
        return String.join(",", types);
    }

    private static int previousCode(String src, boolean[] code, int i) {
        while (i >= 0 && (!code[i] || Character.isWhitespace(src.charAt(i)))) i--;
        return i;
    }

    /** Offset of {@code word} if it appears in the code between the last ')' before {@code end} and {@code end}, else −1. */
    private static int lastCodeWord(String src, boolean[] code, int end, String word) {
        for (int i = end; i >= 0 && src.charAt(i) != ')'; i--) {
            if (code[i] && src.startsWith(word, i) && (i == 0 || !Character.isJavaIdentifierPart(src.charAt(i - 1)))) return i;
        }
        return -1;
    }

    /**
     * {@code target} with the body of every method that {@code which} selects replaced by the body of the method with the
     * same key in {@code source}. The new body is written on as many lines as the old one (comments dropped, lines
     * joined, then padded), so every other line of {@code target} keeps its number — a compiler's or a stack trace's
     * line still points into the student's own text.
     */
    public static String fill(String target, String source, Predicate<Method> which) {
        Map<String, Method> from = new HashMap<>();
        for (Method m : of(source)) from.put(m.key(), m);
        StringBuilder out = new StringBuilder(target);
        List<Method> methods = of(target);
        for (int i = methods.size() - 1; i >= 0; i--) {
            Method m = methods.get(i);
            if (!which.test(m)) continue;
            Method s = from.get(m.key());
            if (s == null) throw new IllegalArgumentException("no method " + m.key() + " in the solution to take the body from");
            String body = oneLine(s.body(source));
            long lines = m.body(target).chars().filter(ch -> ch == '\n').count();
            out.replace(m.open(), m.close() + 1, body + "\n".repeat((int) lines));
        }
        return out.toString();
    }

    /** A body with its comments removed and its lines joined. */
    static String oneLine(String body) {
        boolean[] code = codeMask(body);
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            if (!code[i] && (body.startsWith("//", i) || body.startsWith("/*", i))) {
                while (i < body.length() && !code[i]) i++;
                sb.append(' ');
                continue;
            }
            char c = body.charAt(i++);
            sb.append(c == '\n' || c == '\r' ? ' ' : c);
        }
        return sb.toString();
    }

    /**
     * A body compared up to layout and naming: comments and whitespace dropped, every variable renamed by its order of
     * first appearance (so {@code int s = a + b} and {@code int t = x + y} compare equal); literals, keywords and the
     * names of methods and fields ({@code f(…)}, {@code .x}) kept, so two one-line delegations to different methods differ.
     */
    public static String normalized(String body) {
        String text = oneLine(body);
        Map<String, String> names = new HashMap<>();
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isJavaIdentifierStart(c)) {
                int j = i;
                while (j < text.length() && Character.isJavaIdentifierPart(text.charAt(j))) j++;
                String w = text.substring(i, j);
                int after = j;
                while (after < text.length() && Character.isWhitespace(text.charAt(after))) after++;
                boolean member = sb.length() > 0 && sb.charAt(sb.length() - 1) == '.' || after < text.length() && text.charAt(after) == '(';
                sb.append(KEYWORDS.contains(w) || member ? w : names.computeIfAbsent(w, k -> "$" + names.size())).append(' ');
                i = j;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    private static final Set<String> KEYWORDS = Set.of("abstract", "boolean", "break", "byte", "case", "catch", "char",
            "class", "continue", "default", "do", "double", "else", "final", "float", "for", "if", "instanceof", "int",
            "long", "new", "null", "return", "short", "static", "switch", "this", "throw", "true", "false", "try", "var",
            "void", "while", "yield");
}
