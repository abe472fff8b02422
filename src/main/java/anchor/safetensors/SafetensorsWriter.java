package anchor.safetensors;

import anchor.AnchorException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Writes a safetensors file: tensors in the order given, the header padded with spaces to a multiple of 8 bytes
 * (as the reference implementation does), written to a temporary file and moved into place so that a crash never
 * leaves a half-written checkpoint behind.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {
    }

    /** What the writer needs of a tensor: its shape for the header, then its row-major values, asked for once, when written. */
    public interface Source {
        long[] shape();

        float[] data();
    }

    /**
     * A tensor whose values are made only when the writer reaches it, so that a file of many large tensors (an
     * optimizer's state) never has them all on the heap at once.
     */
    public record Lazy(long[] shape, java.util.function.Supplier<float[]> values) implements Source {
        @Override
        public float[] data() {
            return values.get();
        }
    }

    /** A tensor to write: row-major float values and their shape. */
    public record Tensor(float[] data, long[] shape) implements Source {
        public Tensor {
            long n = 1;
            for (long d : shape) n *= d;
            if (n != data.length) throw new IllegalArgumentException("shape does not match " + data.length + " values");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void write(Path file, Map<String, ? extends Source> tensors, DType dtype, Map<String, String> metadata) {
        if (!dtype.floating) throw new IllegalArgumentException("Anchor writes float tensors only, not " + dtype);
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (var e : tensors.entrySet()) {
            long bytes = count(e.getValue().shape()) * dtype.bytes;
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtype.name());
            var shape = t.putArray("shape");
            for (long d : e.getValue().shape()) shape.add(d);
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(json);
            for (int i = json.length; i < padded; i++) out.write(' ');
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (var e : tensors.entrySet()) {
                float[] data = e.getValue().data();
                if (data.length != count(e.getValue().shape())) {
                    throw new IllegalArgumentException(e.getKey() + ": " + data.length + " values for shape " + java.util.Arrays.toString(e.getValue().shape()));
                }
                for (float v : data) {
                    if (buf.remaining() < 8) {
                        out.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    switch (dtype) {
                        case F32 -> buf.putFloat(v);
                        case F64 -> buf.putDouble(v);
                        case F16 -> buf.putShort(HalfFloats.floatToHalf(v));
                        case BF16 -> buf.putShort(HalfFloats.floatToBf16(v));
                        default -> throw new IllegalStateException("unreachable: " + dtype);
                    }
                }
            }
            out.write(buf.array(), 0, buf.position());
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);                                                     // no half-written file left behind
            } catch (IOException ignored) {
                // the write's own error is the one to report
            }
            if (e instanceof RuntimeException r) throw r;
            throw new AnchorException("cannot write " + file + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new AnchorException("cannot move " + tmp + " to " + file + ": " + e.getMessage(), e);
        }
    }

    private static long count(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }
}
