package anchor.safetensors;

import anchor.AnchorException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader for the safetensors format, written out because the format is part of what the course teaches.
 *
 * <pre>
 * [u64 little-endian N] [N bytes of JSON header] [data section]
 * header: { "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ..., "__metadata__": {...} }
 * </pre>
 * Offsets are relative to the data section. Every check the reference implementation makes is made here,
 * before any tensor is read: the header fits in the file, every dtype is known, every byte range matches its
 * shape, the ranges do not overlap, leave no hole and end exactly at the end of the file. Nothing is executed:
 * safetensors has no code in it, which is why Anchor reads it and refuses pickle.
 */
public final class SafetensorsFile {

    /** One tensor's entry in the header. Offsets are absolute positions in the file. */
    public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
        public long numel() {
            long n = 1;
            for (long d : shape) n = Math.multiplyExact(n, d);
            return n;
        }

        public String shapeString() {
            return java.util.Arrays.toString(shape);
        }
    }

    /** The largest header the reference implementation accepts (100 MB). */
    static final long MAX_HEADER = 100L * 1024 * 1024;
    /** Duplicate keys are refused (the format's names are unique; Jackson would otherwise keep the last silently). */
    private static final ObjectMapper JSON = new ObjectMapper().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path path;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.path = path;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return parse(path, ch);
        } catch (NoSuchFileException e) {
            throw new AnchorException("missing safetensors file " + path);
        } catch (IOException e) {
            throw new AnchorException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static SafetensorsFile parse(Path path, FileChannel ch) throws IOException {
        String where = path.toString();
        long size = ch.size();
        if (size < 8) {
            throw new AnchorException(where + ": truncated safetensors file: " + size + " bytes, less than the 8-byte header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long n = lenBuf.flip().getLong();
        if (n < 0 || n > size - 8) {
            throw new AnchorException(where + ": safetensors header length " + Long.toUnsignedString(n)
                    + " is longer than the file (" + size + " bytes): the file is truncated or not safetensors");
        }
        if (n > MAX_HEADER) throw new AnchorException(where + ": safetensors header of " + n + " bytes exceeds the 100 MB limit");
        ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
        readFully(ch, headerBuf, 8);
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage();
            if (why != null && why.startsWith("Duplicate field")) {
                throw new AnchorException(where + ": safetensors header names an entry twice (" + why + "); names must be unique");
            }
            throw new AnchorException(where + ": safetensors header is not valid JSON: " + why);
        }
        if (header == null || !header.isObject()) throw new AnchorException(where + ": safetensors header must be a JSON object");

        long dataStart = 8 + n;
        long dataSize = size - dataStart;
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                if (!e.getValue().isObject()) throw new AnchorException(where + ": __metadata__ must be an object of strings");
                e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            tensors.put(e.getKey(), entry(where, e.getKey(), e.getValue(), dataStart, dataSize));
        }
        checkLayout(where, tensors.values(), dataStart, size);
        return new SafetensorsFile(path, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static TensorInfo entry(String where, String name, JsonNode node, long dataStart, long dataSize) {
        String at = where + ": tensor '" + name + "'";
        if (!node.isObject()) throw new AnchorException(at + ": entry must be an object");
        JsonNode dtypeNode = node.get("dtype"), shapeNode = node.get("shape"), offNode = node.get("data_offsets");
        if (dtypeNode == null || !dtypeNode.isTextual()) throw new AnchorException(at + ": missing dtype");
        if (shapeNode == null || !shapeNode.isArray()) throw new AnchorException(at + ": missing shape");
        if (offNode == null || !offNode.isArray() || offNode.size() != 2) throw new AnchorException(at + ": data_offsets must be [begin, end]");
        DType dtype = DType.parse(dtypeNode.asText(), at);
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
                throw new AnchorException(at + ": shape " + shapeNode + " must hold non-negative integers");
            }
            shape[i] = d.longValue();
        }
        long[] off = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode d = offNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
                throw new AnchorException(at + ": data_offsets " + offNode + " must be non-negative integers");
            }
            off[i] = d.longValue();
        }
        if (off[0] > off[1]) throw new AnchorException(at + ": data_offsets " + offNode + " end before they begin");
        if (off[1] > dataSize) {
            throw new AnchorException(at + ": data_offsets " + offNode + " point past the end of the data section ("
                    + dataSize + " bytes): the file is truncated or its header lies");
        }
        TensorInfo info = new TensorInfo(name, dtype, shape, dataStart + off[0], dataStart + off[1]);
        long expected;
        try {
            expected = Math.multiplyExact(info.numel(), dtype.bytes);
        } catch (ArithmeticException ex) {
            throw new AnchorException(at + ": shape " + shapeNode + " is too large");
        }
        if (off[1] - off[0] != expected) {
            throw new AnchorException(at + ": shape " + shapeNode + " of " + dtype + " needs " + expected
                    + " bytes but data_offsets " + offNode + " span " + (off[1] - off[0]));
        }
        return info;
    }

    private static void checkLayout(String where, Iterable<TensorInfo> infos, long dataStart, long fileSize) {
        List<TensorInfo> sorted = new ArrayList<>();
        infos.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long cursor = dataStart;
        String previous = null;
        for (TensorInfo t : sorted) {
            if (t.begin() < cursor) {
                throw new AnchorException(where + ": tensors '" + previous + "' and '" + t.name() + "' overlap in the data section");
            }
            if (t.begin() > cursor) {
                throw new AnchorException(where + ": " + (t.begin() - cursor) + " unclaimed bytes before tensor '" + t.name() + "' in the data section");
            }
            cursor = t.end();
            previous = t.name();
        }
        if (cursor != fileSize) {
            throw new AnchorException(where + ": the header describes " + (cursor - dataStart) + " data bytes but the file holds "
                    + (fileSize - dataStart) + " after the header");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, position + buf.position());
            if (r < 0) throw new IOException("unexpected end of file");
        }
    }

    public Path path() {
        return path;
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) throw new AnchorException(path + ": no tensor named '" + name + "'");
        return t;
    }

    /** The tensor's values widened to float (F16 and BF16 exactly, F64 rounded to nearest). */
    public float[] readFloats(String name) {
        TensorInfo t = info(name);
        if (!t.dtype().floating) throw new AnchorException(path + ": tensor '" + name + "' is " + t.dtype() + ", not a float tensor");
        if (t.numel() > Integer.MAX_VALUE - 8) throw new AnchorException(path + ": tensor '" + name + "' has too many elements for one array");
        int n = (int) t.numel();
        float[] out = new float[n];
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            final int chunkElems = 1 << 20;
            ByteBuffer buf = ByteBuffer.allocate(chunkElems * t.dtype().bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int done = 0; done < n; ) {
                int count = Math.min(chunkElems, n - done);
                buf.clear().limit(count * t.dtype().bytes);
                readFully(ch, buf, t.begin() + (long) done * t.dtype().bytes);
                buf.flip();
                for (int i = 0; i < count; i++) {
                    out[done + i] = switch (t.dtype()) {
                        case F32 -> buf.getFloat();
                        case F64 -> (float) buf.getDouble();
                        case F16 -> HalfFloats.halfToFloat(buf.getShort());
                        case BF16 -> HalfFloats.bf16ToFloat(buf.getShort());
                        default -> throw new IllegalStateException("unreachable: " + t.dtype());
                    };
                }
                done += count;
            }
        } catch (IOException e) {
            throw new AnchorException("cannot read tensor '" + name + "' from " + path + ": " + e.getMessage(), e);
        }
        return out;
    }
}
