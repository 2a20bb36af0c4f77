package dev.quire.index;

import java.util.Objects;

/**
 * A page's text as dense vectors: one per chunk of its text (a long page is cut into overlapping
 * chunks; the page scores by its best one), from {@code model}. Stored with the page in the same
 * commit; an index holds the vectors of one text model.
 */
public record TextVectors(ModelStamp model, float[][] chunks) {

  public TextVectors {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(chunks, "chunks");
    if (chunks.length == 0 || chunks.length > 4096) {
      throw new IllegalArgumentException("a page has 1..4096 text chunks, not " + chunks.length);
    }
    for (float[] chunk : chunks) {
      if (chunk == null || chunk.length != model.dimension()) {
        throw new IllegalArgumentException("a text vector of " + model + " has " + model.dimension()
            + " dimensions, not " + (chunk == null ? "none" : chunk.length));
      }
      for (float v : chunk) {
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("a text vector holds " + v);
        }
      }
    }
  }

  /** {@code [chunks][dimension]} as little-endian floats, after a count and the dimension. */
  byte[] encode() {
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(8 + chunks.length * model.dimension() * 4)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    out.putInt(chunks.length).putInt(model.dimension());
    for (float[] chunk : chunks) {
      for (float v : chunk) {
        out.putFloat(v);
      }
    }
    return out.array();
  }

  static float[][] decode(byte[] bytes) {
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int count = in.getInt();
    int dimension = in.getInt();
    float[][] chunks = new float[count][dimension];
    for (float[] chunk : chunks) {
      in.asFloatBuffer().get(chunk);
      in.position(in.position() + dimension * 4);
    }
    return chunks;
  }
}
