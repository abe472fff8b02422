package anchor.safetensors;

import anchor.AnchorException;

/**
 * Safetensors element types with their byte widths. Anchor reads and writes the float ones; the integer and bool
 * ones are known so that a file holding them (a mask buffer, say) still parses and is checked.
 */
public enum DType {
    F64(8, true), F32(4, true), F16(2, true), BF16(2, true),
    I64(8, false), I32(4, false), I16(2, false), I8(1, false), U8(1, false), BOOL(1, false);

    public final int bytes;
    public final boolean floating;

    DType(int bytes, boolean floating) {
        this.bytes = bytes;
        this.floating = floating;
    }

    public static DType parse(String name, String where) {
        for (DType d : values()) if (d.name().equals(name)) return d;
        throw new AnchorException(where + ": dtype '" + name + "' is not supported (floats: F32, F16, BF16, F64; also I64, I32, I16, I8, U8, BOOL)");
    }
}
