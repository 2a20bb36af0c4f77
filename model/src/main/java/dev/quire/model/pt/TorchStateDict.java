package dev.quire.model.pt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a {@code torch.save(state_dict)} file: the zip archive PyTorch writes since 1.6
 * ({@code <name>/data.pkl}, {@code <name>/data/<key>} raw storages, {@code <name>/byteorder}),
 * whose pickle maps names to tensors. DJL cannot load a pickled state_dict, and BGE-M3 keeps its
 * ColBERT and sparse heads that way ({@code colbert_linear.pt}, {@code sparse_linear.pt}).
 *
 * <p>Strict on purpose: it runs only the pickle opcodes {@code torch.save} emits for a dict or
 * OrderedDict of tensors (protocol 2, and the framing opcodes of 4), resolves only the globals
 * {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2} and the float storage
 * types (float32, float16, bfloat16, widened to float32), and accepts only little-endian,
 * contiguous tensors. Anything else — another global, an unknown opcode, a legacy (pre-zip) file —
 * is refused with an {@link IOException} naming it, so no pickle can make it call arbitrary code.
 */
public final class TorchStateDict {

  /** A tensor of the file as float32 values on the heap, row-major. */
  public record Tensor(String name, long[] shape, float[] data) {

    public Tensor {
      shape = shape.clone();
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }

    @Override
    public String toString() {
      return name + Arrays.toString(shape);
    }
  }

  private static final long MAX_PICKLE = 16L << 20;

  private TorchStateDict() {}

  /** The tensors of {@code file} by name, in the file's order. */
  public static Map<String, Tensor> read(Path file) throws IOException {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      String prefix = null;
      for (var entries = zip.entries(); entries.hasMoreElements(); ) {
        String name = entries.nextElement().getName();
        if (name.endsWith("data.pkl") && (name.equals("data.pkl") || name.endsWith("/data.pkl"))
            && name.indexOf('/') == name.lastIndexOf('/')) {
          if (prefix != null) {
            throw new IOException(file + " holds more than one data.pkl");
          }
          prefix = name.substring(0, name.length() - "data.pkl".length());
        }
      }
      if (prefix == null) {
        throw new IOException(file + " is a zip archive without data.pkl: not a torch.save file");
      }
      ZipEntry order = zip.getEntry(prefix + "byteorder");
      if (order != null) {
        String byteorder = new String(bytes(zip, order, 64), StandardCharsets.US_ASCII).strip();
        if (!byteorder.equals("little")) {
          throw new IOException(file + " was saved " + byteorder + "-endian; only little-endian is read");
        }
      }
      byte[] pickle = bytes(zip, zip.getEntry(prefix + "data.pkl"), MAX_PICKLE);
      Object root = new Unpickler(file, pickle, zip, prefix).run();
      if (!(root instanceof Map<?, ?> map)) {
        throw new IOException(file + " holds a " + describe(root) + ", not a state_dict");
      }
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key) || !(e.getValue() instanceof Tensor t)) {
          throw new IOException(file + ": state_dict entry " + e.getKey() + " -> "
              + describe(e.getValue()) + " is not a name and a tensor");
        }
        tensors.put(key, new Tensor(key, t.shape(), t.data()));
      }
      return Collections.unmodifiableMap(tensors);
    } catch (ZipException e) {
      throw new IOException(file + " is not a readable zip archive (torch.save since PyTorch 1.6"
          + " writes one; an older file must be re-saved): " + e.getMessage(), e);
    }
  }

  private static byte[] bytes(ZipFile zip, ZipEntry entry, long limit) throws IOException {
    if (entry.getSize() > limit) {
      throw new IOException(zip.getName() + ": " + entry.getName() + " is " + entry.getSize()
          + " bytes, over the " + limit + " expected");
    }
    try (InputStream in = zip.getInputStream(entry)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        out.write(buffer, 0, n);
        if (out.size() > limit) {
          throw new IOException(zip.getName() + ": " + entry.getName() + " is over " + limit + " bytes");
        }
      }
      return out.toByteArray();
    }
  }

  static String describe(Object o) {
    return o == null ? "None" : o.getClass().getSimpleName();
  }

  /** The storage classes torch pickles in a persistent id, and their element sizes. */
  enum StorageType {
    FLOAT(4), HALF(2), BFLOAT16(2);

    final int bytes;

    StorageType(int bytes) {
      this.bytes = bytes;
    }
  }

  private enum Global { ORDERED_DICT, REBUILD_TENSOR_V2 }

  private record Storage(StorageType type, String key, long elements, float[] data) {}

  private static final Object MARK = new Object() {
    @Override
    public String toString() {
      return "MARK";
    }
  };

  /** The pickle machine, for the opcodes torch.save uses and nothing more. */
  private static final class Unpickler {

    private final Path file;
    private final ByteBuffer in;
    private final ZipFile zip;
    private final String prefix;
    private final Deque<Object> stack = new ArrayDeque<>();
    private final Map<Integer, Object> memo = new HashMap<>();
    private final Map<String, Storage> storages = new HashMap<>();

    Unpickler(Path file, byte[] pickle, ZipFile zip, String prefix) {
      this.file = file;
      this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
      this.zip = zip;
      this.prefix = prefix;
    }

    Object run() throws IOException {
      try {
        while (true) {
          int at = in.position();
          int op = in.get() & 0xff;
          switch (op) {
            case 0x80 -> { // PROTO
              int protocol = in.get() & 0xff;
              if (protocol < 2 || protocol > 5) {
                throw fail("pickle protocol " + protocol);
              }
            }
            case 0x95 -> in.getLong(); // FRAME: a length hint
            case '.' -> { // STOP
              Object result = pop();
              if (!stack.isEmpty()) {
                throw fail("the stack is not empty at STOP");
              }
              return result;
            }
            case '(' -> stack.push(MARK);
            case '}' -> stack.push(new LinkedHashMap<>());
            case ')' -> stack.push(List.of());
            case ']' -> stack.push(new ArrayList<>());
            case 'N' -> stack.push(NONE);
            case 0x88 -> stack.push(Boolean.TRUE);
            case 0x89 -> stack.push(Boolean.FALSE);
            case 'K' -> stack.push((long) (in.get() & 0xff)); // BININT1
            case 'M' -> stack.push((long) (in.getShort() & 0xffff)); // BININT2
            case 'J' -> stack.push((long) in.getInt()); // BININT
            case 0x8a -> stack.push(long1(in.get() & 0xff)); // LONG1
            case 'X' -> stack.push(string(in.getInt())); // BINUNICODE
            case 0x8c -> stack.push(string(in.get() & 0xff)); // SHORT_BINUNICODE
            case 'q' -> memo.put(in.get() & 0xff, peek()); // BINPUT
            case 'r' -> memo.put(in.getInt(), peek()); // LONG_BINPUT
            case 0x94 -> memo.put(memo.size(), peek()); // MEMOIZE
            case 'h' -> stack.push(memoGet(in.get() & 0xff)); // BINGET
            case 'j' -> stack.push(memoGet(in.getInt())); // LONG_BINGET
            case 't' -> stack.push(List.copyOf(popToMark())); // TUPLE
            case 0x85 -> stack.push(tuple(1)); // TUPLE1
            case 0x86 -> stack.push(tuple(2)); // TUPLE2
            case 0x87 -> stack.push(tuple(3)); // TUPLE3
            case 'a' -> { // APPEND
              Object value = pop();
              list(peek()).add(value);
            }
            case 'e' -> { // APPENDS
              List<Object> values = popToMark();
              list(peek()).addAll(values);
            }
            case 's' -> { // SETITEM
              Object value = pop();
              Object key = pop();
              map(peek()).put(key, value);
            }
            case 'u' -> { // SETITEMS
              List<Object> items = popToMark();
              Map<Object, Object> map = map(peek());
              for (int i = 0; i + 1 < items.size(); i += 2) {
                map.put(items.get(i), items.get(i + 1));
              }
            }
            case 'c' -> stack.push(global(line(), line())); // GLOBAL
            case 0x93 -> { // STACK_GLOBAL
              Object name = pop();
              Object module = pop();
              if (!(module instanceof String m) || !(name instanceof String n)) {
                throw fail("STACK_GLOBAL of non-strings");
              }
              stack.push(global(m, n));
            }
            case 'Q' -> stack.push(persistent(pop())); // BINPERSID
            case 'R' -> { // REDUCE
              Object args = pop();
              Object callable = pop();
              stack.push(reduce(callable, args));
            }
            case 'b' -> { // BUILD
              Object state = pop();
              build(peek(), state);
            }
            default -> throw fail(String.format("pickle opcode 0x%02x at byte %d", op, at));
          }
        }
      } catch (java.nio.BufferUnderflowException e) {
        throw new IOException(file + ": data.pkl ends before its STOP opcode", e);
      }
    }

    private static final Object NONE = new Object() {
      @Override
      public String toString() {
        return "None";
      }
    };

    private IOException fail(String what) {
      return new IOException(file + ": unsupported or malformed state_dict pickle: " + what
          + " (only what torch.save writes for a dict of float tensors is read)");
    }

    private Object pop() throws IOException {
      if (stack.isEmpty()) {
        throw fail("pop from an empty stack");
      }
      Object o = stack.pop();
      if (o == MARK) {
        throw fail("a MARK where a value was expected");
      }
      return o;
    }

    private Object peek() throws IOException {
      if (stack.isEmpty() || stack.peek() == MARK) {
        throw fail("no value on the stack");
      }
      return stack.peek();
    }

    private Object memoGet(int key) throws IOException {
      if (!memo.containsKey(key)) {
        throw fail("memo key " + key + " is unset");
      }
      return memo.get(key);
    }

    private List<Object> popToMark() throws IOException {
      List<Object> items = new ArrayList<>();
      while (true) {
        if (stack.isEmpty()) {
          throw fail("no MARK on the stack");
        }
        Object o = stack.pop();
        if (o == MARK) {
          Collections.reverse(items);
          return items;
        }
        items.add(o);
      }
    }

    private List<Object> tuple(int n) throws IOException {
      Object[] items = new Object[n];
      for (int i = n - 1; i >= 0; i--) {
        items[i] = pop();
      }
      return List.of(items);
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> map(Object o) throws IOException {
      if (o instanceof LinkedHashMap<?, ?> m) {
        return (Map<Object, Object>) m;
      }
      throw fail("SETITEM on a " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) throws IOException {
      if (o instanceof ArrayList<?> l) {
        return (List<Object>) l;
      }
      throw fail("APPEND on a " + describe(o));
    }

    private String string(int length) throws IOException {
      if (length < 0 || length > in.remaining()) {
        throw fail("a string of " + length + " bytes");
      }
      byte[] b = new byte[length];
      in.get(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    private String line() throws IOException {
      StringBuilder s = new StringBuilder();
      for (byte b; (b = in.get()) != '\n'; ) {
        s.append((char) (b & 0xff));
        if (s.length() > 256) {
          throw fail("a GLOBAL name over 256 bytes");
        }
      }
      return s.toString();
    }

    private long long1(int length) throws IOException {
      if (length > 8) {
        throw fail("an integer of " + length + " bytes");
      }
      long value = 0;
      for (int i = 0; i < length; i++) {
        value |= (in.get() & 0xffL) << (8 * i);
      }
      if (length > 0 && length < 8 && (value & (1L << (8 * length - 1))) != 0) {
        value -= 1L << (8 * length);
      }
      return value;
    }

    private Object global(String module, String name) throws IOException {
      return switch (module + "." + name) {
        case "collections.OrderedDict" -> Global.ORDERED_DICT;
        case "torch._utils._rebuild_tensor_v2" -> Global.REBUILD_TENSOR_V2;
        case "torch.FloatStorage" -> StorageType.FLOAT;
        case "torch.HalfStorage" -> StorageType.HALF;
        case "torch.BFloat16Storage" -> StorageType.BFLOAT16;
        default -> {
          if (module.equals("torch") && name.endsWith("Storage")) {
            throw fail("a tensor of torch." + name + " (only float32, float16 and bfloat16 are read)");
          }
          throw fail("the global " + module + "." + name);
        }
      };
    }

    /** BINPERSID: ('storage', type, key, location, numel), the storage read from data/key. */
    private Object persistent(Object pid) throws IOException {
      if (!(pid instanceof List<?> t) || t.size() != 5 || !"storage".equals(t.get(0))
          || !(t.get(1) instanceof StorageType type) || !(t.get(2) instanceof String key)
          || !(t.get(3) instanceof String) || !(t.get(4) instanceof Long elements)) {
        throw fail("a persistent id that is not ('storage', type, key, location, numel): " + pid);
      }
      Storage known = storages.get(key);
      if (known != null) {
        if (known.type() != type) {
          throw fail("storage " + key + " used as two types");
        }
        return known;
      }
      ZipEntry entry = zip.getEntry(prefix + "data/" + key);
      if (entry == null) {
        throw new IOException(file + ": storage data/" + key + " is missing from the archive");
      }
      long expected = elements * type.bytes;
      byte[] raw = bytes(zip, entry, Math.max(expected, 0));
      if (raw.length != expected) {
        throw new IOException(file + ": storage data/" + key + " has " + raw.length
            + " bytes, " + elements + " " + type + " elements need " + expected);
      }
      ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
      float[] values = new float[Math.toIntExact(elements)];
      for (int i = 0; i < values.length; i++) {
        values[i] = switch (type) {
          case FLOAT -> b.getFloat();
          case HALF -> Float.float16ToFloat(b.getShort());
          case BFLOAT16 -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
        };
      }
      Storage storage = new Storage(type, key, elements, values);
      storages.put(key, storage);
      return storage;
    }

    private Object reduce(Object callable, Object args) throws IOException {
      if (!(args instanceof List<?> a)) {
        throw fail("REDUCE with non-tuple arguments");
      }
      if (callable == Global.ORDERED_DICT) {
        if (!a.isEmpty()) {
          throw fail("OrderedDict with arguments");
        }
        return new LinkedHashMap<>();
      }
      if (callable == Global.REBUILD_TENSOR_V2) {
        return rebuild(a);
      }
      throw fail("a call of " + callable);
    }

    /** _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata]). */
    private Tensor rebuild(List<?> a) throws IOException {
      if (a.size() < 6 || a.size() > 7 || !(a.get(0) instanceof Storage storage)
          || !(a.get(1) instanceof Long offset) || !(a.get(2) instanceof List<?> size)
          || !(a.get(3) instanceof List<?> stride) || !(a.get(4) instanceof Boolean)
          || !(a.get(5) instanceof Map<?, ?> hooks) || !hooks.isEmpty()) {
        throw fail("_rebuild_tensor_v2 arguments " + a);
      }
      if (a.size() == 7 && !(a.get(6) instanceof Map<?, ?> m && m.isEmpty()) && a.get(6) != NONE) {
        throw fail("tensor metadata " + a.get(6));
      }
      long[] shape = longs(size);
      long[] strides = longs(stride);
      if (shape.length != strides.length) {
        throw fail("a size of " + shape.length + " dimensions with " + strides.length + " strides");
      }
      long elements = 1;
      for (long s : shape) {
        if (s < 0) {
          throw fail("a negative size " + Arrays.toString(shape));
        }
        elements = Math.multiplyExact(elements, s);
      }
      long count = 1;
      for (int d = shape.length - 1; d >= 0; d--) {
        if (elements > 0 && shape[d] > 1 && strides[d] != count) {
          throw new IOException(file + ": a tensor of size " + Arrays.toString(shape) + " and stride "
              + Arrays.toString(strides) + " is not contiguous; only contiguous tensors are read");
        }
        count = Math.multiplyExact(count, shape[d]);
      }
      if (offset < 0 || offset + count > storage.elements()) {
        throw new IOException(file + ": a tensor of " + count + " elements at offset " + offset
            + " overruns its storage of " + storage.elements());
      }
      float[] data = Arrays.copyOfRange(storage.data(), Math.toIntExact(offset),
          Math.toIntExact(offset + count));
      return new Tensor("", shape, data);
    }

    private long[] longs(List<?> values) throws IOException {
      long[] out = new long[values.size()];
      for (int i = 0; i < out.length; i++) {
        if (!(values.get(i) instanceof Long v)) {
          throw fail("a size or stride that is not an integer: " + values);
        }
        out[i] = v;
      }
      return out;
    }

    /** BUILD on a state_dict: only the {@code _metadata} attribute torch sets is accepted. */
    private void build(Object target, Object state) throws IOException {
      if (target instanceof LinkedHashMap<?, ?> && state instanceof Map<?, ?> s
          && s.keySet().stream().allMatch("_metadata"::equals)) {
        return;
      }
      throw fail("BUILD of a " + describe(target) + " with " + describe(state));
    }
  }
}
