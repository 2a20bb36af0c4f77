package dev.quire.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

  @TempDir Path dir;

  @Test
  void readsEveryDtypeOfTheReferenceFixtures() throws IOException {
    Path fixtures = Path.of("src/test/resources/reference");
    try (SafetensorsFile golden = SafetensorsFile.open(fixtures.resolve("goldens/128-docs-1.safetensors"));
        SafetensorsFile processor = SafetensorsFile.open(fixtures.resolve("processor.safetensors"));
        SafetensorsFile bf16 = SafetensorsFile.open(
            fixtures.resolve("colqwen3-tiny-320/model-00002-of-00002.safetensors"))) {
      assertThat(golden.metadata()).containsEntry("format", "pt");
      SafetensorsTensor ids = golden.tensor("input_ids");
      assertThat(ids.dtype()).isEqualTo(SafetensorsDType.I64);
      assertThat(ids.shape()).containsExactly(1, 36);
      assertThat(ids.toLongArray()[0]).isEqualTo(1001); // <|im_start|>
      SafetensorsTensor resized = processor.tensor("tall_page.resized");
      assertThat(resized.dtype()).isEqualTo(SafetensorsDType.U8);
      assertThat(resized.shape()).containsExactly(192, 128, 3);
      SafetensorsTensor weight = bf16.tensor("model.visual.blocks.1.attn.qkv.weight");
      assertThat(weight.dtype()).isEqualTo(SafetensorsDType.BF16);
      float[] values = weight.toFloatArray();
      assertThat(values).hasSize(96 * 32);
      for (float v : values) {
        assertThat(Float.floatToRawIntBits(v) & 0xFFFF).isZero(); // widened, not rounded
      }
    }
  }

  @Test
  void copyFloatsOfARangeMatchesTheWholeTensorConverted() {
    float[] values = new float[12];
    for (int i = 0; i < values.length; i++) {
      values[i] = (i - 5) * 0.375f; // exact in every float type
    }
    ByteBuffer f32 = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer f16 = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer bf16 = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      f32.putFloat(v);
      f16.putShort(Float.floatToFloat16(v));
      bf16.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
    }
    for (SafetensorsTensor tensor : new SafetensorsTensor[] {
        tensor(SafetensorsDType.F32, f32), tensor(SafetensorsDType.F16, f16),
        tensor(SafetensorsDType.BF16, bf16)}) {
      assertThat(tensor.toFloatArray()).as("%s", tensor).containsExactly(values);
      float[] out = new float[8];
      tensor.copyFloats(5, 4, out, 3);
      assertThat(out).as("%s", tensor).containsExactly(0, 0, 0, values[5], values[6], values[7],
          values[8], 0);
    }
  }

  @Test
  void rowsAreASliceOfTheSameValues() {
    float[] values = new float[12];
    ByteBuffer bf16 = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < values.length; i++) {
      values[i] = (i - 5) * 0.375f;
      bf16.putShort((short) (Float.floatToRawIntBits(values[i]) >>> 16));
    }
    SafetensorsTensor matrix = new SafetensorsTensor("m", SafetensorsDType.BF16, new long[] {4, 3},
        MemorySegment.ofArray(bf16.array()));
    SafetensorsTensor middle = matrix.rows(1, 2);
    assertThat(middle.shape()).containsExactly(2, 3);
    assertThat(middle.name()).isEqualTo("m[1:3]");
    assertThat(middle.toFloatArray()).containsExactly(java.util.Arrays.copyOfRange(values, 3, 9));
    assertThat(matrix.rows(3, 1).toFloatArray()).containsExactly(values[9], values[10], values[11]);
    assertThatThrownBy(() -> matrix.rows(3, 2)).hasMessageContaining("rows 3..5 are outside m BF16[4, 3]");
  }

  private static SafetensorsTensor tensor(SafetensorsDType dtype, ByteBuffer bytes) {
    return new SafetensorsTensor("t", dtype, new long[] {12}, MemorySegment.ofArray(bytes.array()));
  }

  @Property(tries = 50)
  void writerAndReaderRoundTrip(@ForAll @Size(max = 40) float[] floats,
      @ForAll @Size(max = 40) long[] longs, @ForAll @Size(max = 40) int[] ints,
      @ForAll @Size(max = 40) byte[] bytes) throws IOException {
    Path file = Files.createTempFile("roundtrip", ".safetensors"); // jqwik has no @TempDir
    try {
      roundTrip(file, floats, longs, ints, bytes);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static void roundTrip(Path file, float[] floats, long[] longs, int[] ints, byte[] bytes)
      throws IOException {
    new SafetensorsWriter()
        .metadata("kind", "test")
        .putF32("f", new long[] {floats.length}, floats)
        .putI64("l", new long[] {longs.length}, longs)
        .putI32("i", new long[] {1, ints.length}, ints)
        .putU8("b", new long[] {bytes.length}, bytes)
        .write(file);
    try (SafetensorsFile read = SafetensorsFile.open(file)) {
      assertThat(read.metadata()).containsEntry("kind", "test");
      assertThat(read.tensor("f").toFloatArray()).containsExactly(floats);
      assertThat(read.tensor("l").toLongArray()).containsExactly(longs);
      assertThat(read.tensor("i").shape()).containsExactly(1, ints.length);
      long[] widened = read.tensor("i").toLongArray();
      for (int k = 0; k < ints.length; k++) {
        assertThat(widened[k]).isEqualTo(ints[k]);
      }
      assertThat(read.tensor("b").toByteArray()).containsExactly(bytes);
    }
    assertThat(headerLength(file) % 8).as("data area 8-byte aligned").isZero();
  }

  private static long headerLength(Path file) throws IOException {
    return ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private Path raw(String header, int dataBytes) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putLong(json.length).put(json);
    Path file = Files.createTempFile(dir, "raw", ".safetensors");
    Files.write(file, buffer.array());
    return file;
  }

  @Test
  void badFilesAreRefusedWithTheFileAndTheReason() throws IOException {
    Path tiny = Files.write(dir.resolve("tiny.safetensors"), new byte[3]);
    assertThatThrownBy(() -> SafetensorsFile.open(tiny))
        .isInstanceOf(IOException.class).hasMessageContaining("tiny.safetensors").hasMessageContaining("no header");

    Path huge = raw("{}", 0);
    ByteBuffer lie = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1 << 20);
    byte[] content = Files.readAllBytes(huge);
    System.arraycopy(lie.array(), 0, content, 0, 8);
    Files.write(huge, content);
    assertThatThrownBy(() -> SafetensorsFile.open(huge))
        .isInstanceOf(IOException.class).hasMessageContaining("header length 1048576 is impossible");

    Path notJson = raw("{not json", 0);
    assertThatThrownBy(() -> SafetensorsFile.open(notJson))
        .isInstanceOf(IOException.class).hasMessageContaining("header is not JSON");

    Path badType = raw("{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8);
    assertThatThrownBy(() -> SafetensorsFile.open(badType))
        .isInstanceOf(IOException.class).hasMessageContaining("\"w\"").hasMessageContaining("F64");

    Path shortData = raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
    assertThatThrownBy(() -> SafetensorsFile.open(shortData))
        .isInstanceOf(IOException.class).hasMessageContaining("needs 16 bytes inside a data area of 8");

    Path wrongSize = raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}", 16);
    assertThatThrownBy(() -> SafetensorsFile.open(wrongSize))
        .isInstanceOf(IOException.class).hasMessageContaining("needs 12 bytes");
  }

  @Test
  void missingTensorsAreNamed() throws IOException {
    Path file = raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
    try (SafetensorsFile read = SafetensorsFile.open(file)) {
      assertThatThrownBy(() -> read.tensor("v"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no tensor \"v\"");
    }
  }

  @Test
  void writerRefusesShapeMismatchesAndDuplicateNames() throws IOException {
    assertThatThrownBy(() -> new SafetensorsWriter().putF32("x", new long[] {2, 2}, new float[3]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds 4 elements, got 3");
    assertThatThrownBy(() -> new SafetensorsWriter().putF32("x", new long[] {1}, new float[1])
        .putF32("x", new long[] {1}, new float[1]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("taken");
  }
}
