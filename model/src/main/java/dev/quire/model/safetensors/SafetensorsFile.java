package dev.quire.model.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A safetensors file mapped read-only: 8-byte little-endian header length, a JSON header, then
 * the raw tensor bytes. Tensors are slices of the mapping, so opening a multi-gigabyte file
 * copies nothing; the slices are valid until {@link #close()}.
 */
public final class SafetensorsFile implements AutoCloseable {

  /** The reference implementation refuses larger headers; so do we (a corrupt length). */
  private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path path;
  private final Arena arena;
  private final Map<String, SafetensorsTensor> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(
      Path path, Arena arena, Map<String, SafetensorsTensor> tensors, Map<String, String> metadata) {
    this.path = path;
    this.arena = arena;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /** Maps {@code path}; errors quote the file and what is wrong with it. */
  public static SafetensorsFile open(Path path) throws IOException {
    Arena arena = Arena.ofShared();
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < 8) {
        throw new IOException(path + ": not a safetensors file (" + size + " bytes, no header)");
      }
      MemorySegment mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
      long headerBytes =
          mapping.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
      if (headerBytes <= 0 || headerBytes > MAX_HEADER_BYTES || headerBytes > size - 8) {
        throw new IOException(
            path + ": header length " + headerBytes + " is impossible for a file of " + size
                + " bytes");
      }
      byte[] header = mapping.asSlice(8, headerBytes).toArray(ValueLayout.JAVA_BYTE);
      MemorySegment data = mapping.asSlice(8 + headerBytes);
      JsonNode root;
      try {
        root = JSON.readTree(new String(header, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IOException(path + ": header is not JSON: " + e.getMessage(), e);
      }
      if (root == null || !root.isObject()) {
        throw new IOException(path + ": header is not a JSON object");
      }
      Map<String, SafetensorsTensor> tensors = new LinkedHashMap<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        if (entry.getKey().equals("__metadata__")) {
          entry.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
          continue;
        }
        tensors.put(entry.getKey(), parseEntry(path, entry.getKey(), entry.getValue(), data));
      }
      return new SafetensorsFile(
          path, arena, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    } catch (IOException | RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  private static SafetensorsTensor parseEntry(
      Path path, String name, JsonNode node, MemorySegment data) throws IOException {
    String where = path + ": tensor \"" + name + "\"";
    JsonNode dtype = node.get("dtype");
    JsonNode shapeNode = node.get("shape");
    JsonNode offsets = node.get("data_offsets");
    if (dtype == null || shapeNode == null || !shapeNode.isArray() || offsets == null
        || !offsets.isArray() || offsets.size() != 2) {
      throw new IOException(where + " needs dtype, shape and two data_offsets: " + node);
    }
    SafetensorsDType type;
    try {
      type = SafetensorsDType.parse(dtype.asText(), where);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asLong(-1);
      if (shape[i] < 0) {
        throw new IOException(where + " has a negative or non-numeric dimension: " + shapeNode);
      }
    }
    long begin = offsets.get(0).asLong(-1);
    long end = offsets.get(1).asLong(-1);
    long expected;
    try {
      expected = Math.multiplyExact(SafetensorsTensor.elementCount(shape), type.bytes());
    } catch (ArithmeticException e) {
      throw new IOException(where + " has an impossible shape " + shapeNode, e);
    }
    if (begin < 0 || end < begin || end > data.byteSize() || end - begin != expected) {
      throw new IOException(
          where + " has data_offsets [" + begin + ", " + end + "] but its " + type + " shape "
              + shapeNode + " needs " + expected + " bytes inside a data area of "
              + data.byteSize());
    }
    return new SafetensorsTensor(name, type, shape, data.asSlice(begin, expected));
  }

  public Path path() {
    return path;
  }

  /** Tensors by name, in header order. */
  public Map<String, SafetensorsTensor> tensors() {
    return tensors;
  }

  /** The tensor called {@code name}, or an error naming the file. */
  public SafetensorsTensor tensor(String name) {
    SafetensorsTensor tensor = tensors.get(name);
    if (tensor == null) {
      throw new IllegalArgumentException(path + " has no tensor \"" + name + "\"");
    }
    return tensor;
  }

  /** The header's {@code __metadata__} strings. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Unmaps the file: every tensor slice becomes invalid. */
  @Override
  public void close() {
    arena.close();
  }
}
