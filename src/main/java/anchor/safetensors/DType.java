package anchor.safetensors;

import anchor.AnchorException;

/** The safetensors element types Anchor reads and writes, with their byte widths. */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2);

    public final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public static DType parse(String name, String where) {
        for (DType d : values()) if (d.name().equals(name)) return d;
        throw new AnchorException(where + ": dtype '" + name + "' is not supported (F32, F16, BF16 or F64)");
    }
}
