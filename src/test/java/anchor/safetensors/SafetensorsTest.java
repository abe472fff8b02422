package anchor.safetensors;

import anchor.AnchorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsTest {
    @TempDir
    Path dir;

    /** A file with the given header text and {@code dataBytes} zero bytes after it. */
    Path raw(String header, int dataBytes) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.write(h);
        out.write(new byte[dataBytes]);
        Path p = dir.resolve("t" + System.nanoTime() + ".safetensors");
        Files.write(p, out.toByteArray());
        return p;
    }

    @Test
    void roundTripsEveryDtype() {
        float[] v = {0f, 1f, -2.5f, 65504f, 1e-8f, 3.14159f};
        for (DType d : new DType[]{DType.F32, DType.F64, DType.F16, DType.BF16}) {
            Path p = dir.resolve(d + ".safetensors");
            Map<String, SafetensorsWriter.Tensor> t = new LinkedHashMap<>();
            t.put("a", new SafetensorsWriter.Tensor(v, new long[]{2, 3}));
            t.put("b", new SafetensorsWriter.Tensor(new float[]{7f}, new long[]{}));
            SafetensorsWriter.write(p, t, d, Map.of("format", "pt"));
            SafetensorsFile f = SafetensorsFile.open(p);
            assertThat(f.metadata()).containsEntry("format", "pt");
            assertThat(f.info("a").shape()).containsExactly(2, 3);
            assertThat(f.info("a").dtype()).isEqualTo(d);
            float[] back = f.readFloats("a");
            for (int i = 0; i < v.length; i++) {
                float expected = switch (d) {
                    case F32, F64 -> v[i];
                    case F16 -> HalfFloats.halfToFloat(HalfFloats.floatToHalf(v[i]));
                    case BF16 -> HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(v[i]));
                    default -> throw new AssertionError(d);
                };
                assertThat(back[i]).isEqualTo(expected);
            }
            assertThat(f.readFloats("b")).containsExactly(7f);
        }
    }

    @Test
    void lazyTensorsAreMadeOneAtATimeInFileOrderAndChecked() {
        Path p = dir.resolve("lazy.safetensors");
        java.util.List<String> made = new java.util.ArrayList<>();
        Map<String, SafetensorsWriter.Lazy> t = new LinkedHashMap<>();
        t.put("first", new SafetensorsWriter.Lazy(new long[]{2}, () -> {
            made.add("first");
            return new float[]{1, 2};
        }));
        t.put("second", new SafetensorsWriter.Lazy(new long[]{1, 3}, () -> {
            made.add("second");
            return new float[]{3, 4, 5};
        }));
        SafetensorsWriter.write(p, t, DType.F32, Map.of());
        assertThat(made).as("each made once, when written, in order").containsExactly("first", "second");
        SafetensorsFile f = SafetensorsFile.open(p);
        assertThat(f.readFloats("second")).containsExactly(3f, 4f, 5f);
        Map<String, SafetensorsWriter.Lazy> lying = Map.of("x", new SafetensorsWriter.Lazy(new long[]{4}, () -> new float[3]));
        assertThatThrownBy(() -> SafetensorsWriter.write(dir.resolve("bad.safetensors"), lying, DType.F32, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x: 3 values for shape [4]");
        assertThat(dir.resolve("bad.safetensors")).doesNotExist();
        assertThat(dir.resolve("bad.safetensors.tmp")).as("the half-written file is removed").doesNotExist();
    }

    @Test
    void headerIsPaddedToEightBytes() throws Exception {
        Path p = dir.resolve("pad.safetensors");
        SafetensorsWriter.write(p, Map.of("x", new SafetensorsWriter.Tensor(new float[]{1}, new long[]{1})), DType.F32, Map.of());
        long n = ByteBuffer.wrap(Files.readAllBytes(p), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(n % 8).isZero();
    }

    @Test
    void halfConversionRoundTripsEveryHalfValue() {
        for (int h = 0; h < 65536; h++) {
            float f = HalfFloats.halfToFloat((short) h);
            if (Float.isNaN(f)) continue;
            assertThat(HalfFloats.floatToHalf(f) & 0xffff).as("half 0x%04x", h).isEqualTo(h);
        }
        assertThat(HalfFloats.halfToFloat((short) 0x3c00)).isEqualTo(1f);
        assertThat(HalfFloats.halfToFloat((short) 0x7bff)).isEqualTo(65504f);
        assertThat(HalfFloats.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(HalfFloats.floatToHalf(1f + 0x1p-11f)).isEqualTo((short) 0x3c00);   // tie → even
        assertThat(HalfFloats.floatToHalf(1f + 0x1p-10f + 0x1p-11f)).isEqualTo((short) 0x3c02);
        assertThat(HalfFloats.floatToHalf(1e6f)).isEqualTo((short) 0x7c00);           // overflow → inf
        assertThat(HalfFloats.floatToBf16(1f + 0x1p-8f)).isEqualTo((short) 0x3f80);
    }

    @Test
    void aTensorNamedTwiceIsRefused() throws Exception {
        String header = "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        byte[] h = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).putFloat(1f).putFloat(2f);
        Path p = dir.resolve("dup.safetensors");
        Files.write(p, b.array());
        assertThatThrownBy(() -> SafetensorsFile.open(p)).isInstanceOf(AnchorException.class).hasMessageContaining("names an entry twice")
                .hasMessageContaining("'x'");
    }

    @Test
    void truncatedFileIsNamed() throws Exception {
        Path p = dir.resolve("short.safetensors");
        Files.write(p, new byte[]{1, 2, 3});
        assertThatThrownBy(() -> SafetensorsFile.open(p)).isInstanceOf(AnchorException.class).hasMessageContaining("truncated");
    }

    @Test
    void headerLongerThanFile() throws Exception {
        Path p = dir.resolve("long.safetensors");
        Files.write(p, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        assertThatThrownBy(() -> SafetensorsFile.open(p)).hasMessageContaining("header length 1000 is longer than the file");
    }

    @Test
    void garbledHeader() throws Exception {
        assertThatThrownBy(() -> SafetensorsFile.open(raw("{not json", 0))).hasMessageContaining("not valid JSON");
    }

    @Test
    void offsetsPastTheEnd() throws Exception {
        Path p = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
        assertThatThrownBy(() -> SafetensorsFile.open(p)).hasMessageContaining("point past the end");
    }

    @Test
    void overlappingTensors() throws Exception {
        Path p = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
        assertThatThrownBy(() -> SafetensorsFile.open(p)).hasMessageContaining("overlap");
    }

    @Test
    void shapeThatLiesAboutItsBytes() throws Exception {
        Path p = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
        assertThatThrownBy(() -> SafetensorsFile.open(p)).hasMessageContaining("needs 12 bytes but data_offsets [0,8] span 8");
    }

    @Test
    void unknownDtype() throws Exception {
        Path p = raw("{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1);
        assertThatThrownBy(() -> SafetensorsFile.open(p)).hasMessageContaining("dtype 'Q4' is not supported");
        Path ints = raw("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1);
        assertThatThrownBy(() -> SafetensorsFile.open(ints).readFloats("a")).hasMessageContaining("not a float tensor");
    }

    @Test
    void holesAndTrailingBytes() throws Exception {
        Path hole = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
        assertThatThrownBy(() -> SafetensorsFile.open(hole)).hasMessageContaining("unclaimed bytes");
        Path trailing = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 9);
        assertThatThrownBy(() -> SafetensorsFile.open(trailing)).hasMessageContaining("describes 4 data bytes but the file holds 9");
    }

    @Test
    void negativeAndNonIntegerFields() throws Exception {
        assertThatThrownBy(() -> SafetensorsFile.open(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4)))
                .hasMessageContaining("non-negative");
        assertThatThrownBy(() -> SafetensorsFile.open(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4)))
                .hasMessageContaining("[begin, end]");
        assertThatThrownBy(() -> SafetensorsFile.open(raw("[1,2]", 0))).hasMessageContaining("must be a JSON object");
    }
}
