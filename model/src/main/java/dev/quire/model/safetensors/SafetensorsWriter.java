package dev.quire.model.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.model.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a safetensors file from heap arrays, in insertion order. The file is written to a
 * temporary sibling and moved into place, so a failed write leaves any previous file intact.
 */
public final class SafetensorsWriter {

  private record Entry(String name, SafetensorsDType dtype, long[] shape, byte[] bytes) {}

  private final List<Entry> entries = new ArrayList<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();

  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  public SafetensorsWriter putF32(String name, long[] shape, float[] values) {
    ByteBuffer bytes = buffer(name, shape, values.length, SafetensorsDType.F32);
    bytes.asFloatBuffer().put(values);
    return add(name, SafetensorsDType.F32, shape, bytes);
  }

  public SafetensorsWriter putI64(String name, long[] shape, long[] values) {
    ByteBuffer bytes = buffer(name, shape, values.length, SafetensorsDType.I64);
    bytes.asLongBuffer().put(values);
    return add(name, SafetensorsDType.I64, shape, bytes);
  }

  public SafetensorsWriter putI32(String name, long[] shape, int[] values) {
    ByteBuffer bytes = buffer(name, shape, values.length, SafetensorsDType.I32);
    bytes.asIntBuffer().put(values);
    return add(name, SafetensorsDType.I32, shape, bytes);
  }

  public SafetensorsWriter putU8(String name, long[] shape, byte[] values) {
    ByteBuffer bytes = buffer(name, shape, values.length, SafetensorsDType.U8);
    bytes.put(values);
    return add(name, SafetensorsDType.U8, shape, bytes);
  }

  private ByteBuffer buffer(String name, long[] shape, int length, SafetensorsDType dtype) {
    if (SafetensorsTensor.elementCount(shape) != length) {
      throw new IllegalArgumentException(
          "tensor \"" + name + "\": shape " + Arrays.toString(shape) + " holds "
              + SafetensorsTensor.elementCount(shape) + " elements, got " + length);
    }
    if (entries.stream().anyMatch(e -> e.name.equals(name)) || name.equals("__metadata__")) {
      throw new IllegalArgumentException("tensor name \"" + name + "\" is taken");
    }
    return ByteBuffer.allocate(Math.multiplyExact(length, dtype.bytes())).order(ByteOrder.LITTLE_ENDIAN);
  }

  private SafetensorsWriter add(String name, SafetensorsDType dtype, long[] shape, ByteBuffer bytes) {
    entries.add(new Entry(name, dtype, shape.clone(), bytes.array()));
    return this;
  }

  /** Writes the file (replacing {@code path} only once everything is on disk). */
  public void write(Path path) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode header = json.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Entry e : entries) {
      ObjectNode node = header.putObject(e.name);
      node.put("dtype", e.dtype.name());
      ArrayNode shape = node.putArray("shape");
      for (long d : e.shape) {
        shape.add(d);
      }
      ArrayNode offsets = node.putArray("data_offsets");
      offsets.add(offset);
      offset += e.bytes.length;
      offsets.add(offset);
    }
    byte[] text = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    int padded = (text.length + 7) / 8 * 8; // the data area starts 8-byte aligned
    byte[] headerBytes = new byte[padded];
    Arrays.fill(headerBytes, (byte) ' ');
    System.arraycopy(text, 0, headerBytes, 0, text.length);

    AtomicFiles.write(path, out -> {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
      out.write(headerBytes);
      for (Entry e : entries) {
        out.write(e.bytes);
      }
    });
  }
}
