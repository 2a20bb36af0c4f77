package dev.quire.model.pt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random shapes written as torch.save writes a state_dict read back exactly; and any corruption of
 * a real file's pickle either still reads or fails with an IOException, never anything else.
 */
class TorchStateDictProperties {

  @Property(tries = 60)
  void randomShapesAndTypesRoundTrip(@ForAll @IntRange(min = 0, max = 4) int dimensions,
      @ForAll @IntRange(min = 0, max = 2) int type, @ForAll @IntRange(min = 0, max = 7) int offset,
      @ForAll long seed) throws IOException {
    Random random = new Random(seed);
    long[] shape = new long[dimensions];
    long count = 1;
    for (int d = 0; d < dimensions; d++) {
      shape[d] = random.nextInt(6);
      count *= shape[d];
    }
    float[] values = new float[(int) count];
    for (int i = 0; i < values.length; i++) {
      values[i] = (random.nextInt(512) - 256) * 0.125f; // exact in every type
    }
    Path file = Files.createTempFile("state", ".pt");
    try {
      write(file, "weight", shape, values, type, offset);
      Map<String, TorchStateDict.Tensor> read = TorchStateDict.read(file);
      assertThat(read.keySet()).containsExactly("weight");
      assertThat(read.get("weight").shape()).containsExactly(shape);
      assertThat(read.get("weight").data()).containsExactly(values);
    } finally {
      Files.delete(file);
    }
  }

  @Property(tries = 200)
  void corruptPicklesFailWithIoExceptionsOnly(@ForAll @IntRange(min = 1, max = 4) int flips,
      @ForAll long seed) throws Exception {
    Path original = TorchStateDictTest.resource("cases.pt");
    Random random = new Random(seed);
    Path file = Files.createTempFile("corrupt", ".pt");
    try (ZipFile zip = new ZipFile(original.toFile());
        OutputStream out = Files.newOutputStream(file);
        ZipOutputStream z = new ZipOutputStream(out)) {
      for (var entries = zip.entries(); entries.hasMoreElements(); ) {
        ZipEntry entry = entries.nextElement();
        byte[] bytes = zip.getInputStream(entry).readAllBytes();
        if (entry.getName().endsWith("data.pkl")) {
          for (int i = 0; i < flips; i++) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
          }
        }
        z.putNextEntry(new ZipEntry(entry.getName()));
        z.write(bytes);
        z.closeEntry();
      }
    }
    try {
      TorchStateDict.read(file);
    } catch (IOException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    } finally {
      Files.delete(file);
    }
  }

  /** What torch.save writes for {name: tensor}: protocol 2, a plain dict, storage data/0. */
  static void write(Path file, String name, long[] shape, float[] values, int type, int offset)
      throws IOException {
    String[] storages = {"FloatStorage", "HalfStorage", "BFloat16Storage"};
    int size = type == 0 ? 4 : 2;
    ByteBuffer data = ByteBuffer.allocate((values.length + offset) * size).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < offset; i++) {
      put(data, type, 99f);
    }
    for (float v : values) {
      put(data, type, v);
    }
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(0x80);
    p.write(2);
    p.write('}');
    p.write('(');
    unicode(p, name);
    p.write(("ctorch._utils\n_rebuild_tensor_v2\n").getBytes(StandardCharsets.US_ASCII));
    p.write('(');
    p.write('(');
    unicode(p, "storage");
    p.write(("ctorch\n" + storages[type] + "\n").getBytes(StandardCharsets.US_ASCII));
    unicode(p, "0");
    unicode(p, "cpu");
    integer(p, values.length + offset);
    p.write('t');
    p.write('Q');
    integer(p, offset);
    p.write('(');
    long stride = 1;
    long[] strides = new long[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      strides[d] = stride;
      stride *= Math.max(shape[d], 1);
    }
    for (long s : shape) {
      integer(p, s);
    }
    p.write('t');
    p.write('(');
    for (long s : strides) {
      integer(p, s);
    }
    p.write('t');
    p.write(0x89);
    p.write("ccollections\nOrderedDict\n".getBytes(StandardCharsets.US_ASCII));
    p.write(')');
    p.write('R');
    p.write('t');
    p.write('R');
    p.write('u');
    p.write('.');
    try (OutputStream out = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(out)) {
      entry(z, "archive/data.pkl", p.toByteArray());
      entry(z, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
      entry(z, "archive/data/0", Arrays.copyOf(data.array(), data.position()));
      entry(z, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static void put(ByteBuffer data, int type, float v) {
    switch (type) {
      case 0 -> data.putFloat(v);
      case 1 -> data.putShort(Float.floatToFloat16(v));
      default -> data.putShort((short) (Float.floatToIntBits(v) >>> 16));
    }
  }

  private static void unicode(ByteArrayOutputStream p, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    p.write('X');
    p.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
    p.write(b);
  }

  private static void integer(ByteArrayOutputStream p, long v) throws IOException {
    p.write('J');
    p.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
  }

  private static void entry(ZipOutputStream z, String name, byte[] bytes) throws IOException {
    z.putNextEntry(new ZipEntry(name));
    z.write(bytes);
    z.closeEntry();
  }
}
