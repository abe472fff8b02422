package anchor.tokenizer;

/**
 * GPT-2's bytes-to-unicode table (Radford et al. 2019, §2.2; {@code bytes_to_unicode} in OpenAI's encoder.py):
 * every byte maps to one printable character, so BPE can work on strings without whitespace or control
 * characters. The 188 printable bytes map to themselves; the other 68 map to U+0100, U+0101, … in byte order
 * (so the space byte 0x20 becomes 'Ġ' U+0120 and the newline 0x0A becomes 'Ċ' U+010A).
 */
public final class ByteLevel {
    private ByteLevel() {
    }

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[0x200];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + next++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    public static char toChar(int b) {
        return BYTE_TO_CHAR[b & 0xff];
    }

    /** Bytes as a byte-level string (one char per byte). */
    public static String encode(byte[] bytes) {
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) out[i] = BYTE_TO_CHAR[bytes[i] & 0xff];
        return new String(out);
    }

    /** The inverse of {@link #encode}; rejects characters outside the table. */
    public static byte[] decode(String s) {
        byte[] out = new byte[s.length()];
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b < 0) throw new IllegalArgumentException("character U+" + Integer.toHexString(c) + " is not in GPT-2's byte-level alphabet");
            out[i] = (byte) b;
        }
        return out;
    }
}
