package dev.quire.model.safetensors;

/** The element types Quire reads and writes in safetensors files, by their header names. */
public enum SafetensorsDType {
  F32(4),
  F16(2),
  BF16(2),
  I64(8),
  I32(4),
  U8(1);

  private final int bytes;

  SafetensorsDType(int bytes) {
    this.bytes = bytes;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  /** The type named {@code name} in a header, or an error quoting it and {@code where}. */
  static SafetensorsDType parse(String name, String where) {
    for (SafetensorsDType type : values()) {
      if (type.name().equals(name)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        where + ": unsupported dtype \"" + name + "\" (supported: F32, F16, BF16, I64, I32, U8)");
  }
}
