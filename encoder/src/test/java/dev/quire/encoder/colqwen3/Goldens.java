package dev.quire.encoder.colqwen3;

import dev.quire.model.qwen3vl.Fixtures;
import dev.quire.model.qwen3vl.ForwardTrace;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.model.safetensors.SafetensorsFile;
import dev.quire.model.safetensors.SafetensorsTensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** One golden case of the reference fixtures, and helpers to compare Java outputs with it. */
final class Goldens {

  /** A traced tensor copied to the heap. */
  record Captured(long[] shape, float[] values) {}

  /** Collects every traced tensor as float32 heap arrays. */
  static final class Recorder implements ForwardTrace {
    final Map<String, Captured> tensors = new LinkedHashMap<>();

    @Override
    public void record(String name, NDArray value) {
      tensors.put(name, new Captured(value.getShape().getShape(),
          value.toType(DataType.FLOAT32, false).toFloatArray()));
    }
  }

  final String stem;
  final JsonNode description;
  final Map<String, float[]> floats = new LinkedHashMap<>();
  final Map<String, long[]> longs = new LinkedHashMap<>();
  final Map<String, long[]> shapes = new LinkedHashMap<>();

  Goldens(String stem) {
    this.stem = stem;
    this.description = Fixtures.json("goldens/" + stem + ".json");
    try (SafetensorsFile file = SafetensorsFile.open(Fixtures.path("goldens/" + stem + ".safetensors"))) {
      for (SafetensorsTensor t : file.tensors().values()) {
        shapes.put(t.name(), t.shape());
        switch (t.dtype()) {
          case F32 -> floats.put(t.name(), t.toFloatArray());
          case I64 -> longs.put(t.name(), t.toLongArray());
          default -> throw new IllegalStateException(t.toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<String> pages() {
    List<String> names = new ArrayList<>();
    description.path("inputs").path("pages").forEach(n -> names.add(n.asText()));
    return names;
  }

  List<String> queries() {
    List<String> texts = new ArrayList<>();
    description.path("inputs").path("queries").forEach(n -> texts.add(n.asText()));
    return texts;
  }

  String queryPrefix() {
    return description.path("inputs").path("query_prefix").asText("");
  }

  int batch() {
    return (int) shapes.get("input_ids")[0];
  }

  int length() {
    return (int) shapes.get("input_ids")[1];
  }

  /** Unpadded ids of row b (left padding removed using the attention mask). */
  int[] ids(int b) {
    long[] ids = longs.get("input_ids");
    long[] mask = longs.get("attention_mask");
    int l = length();
    List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < l; i++) {
      if (mask[b * l + i] == 1) {
        kept.add((int) ids[b * l + i]);
      }
    }
    return kept.stream().mapToInt(Integer::intValue).toArray();
  }

  static BufferedImage image(String name) {
    try {
      return ImageIO.read(Fixtures.path("images/" + name + ".png").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Largest |java - golden| of a packed [tokens, width] Java tensor against a left-padded
   * [batch, length, width] golden, over real tokens only.
   */
  double packedVsPadded(String name, float[] packed, int[] lengths) {
    float[] golden = floats.get(name);
    long[] shape = shapes.get(name);
    int l = (int) shape[1];
    int width = (int) shape[2];
    double worst = 0;
    int row = 0;
    for (int b = 0; b < lengths.length; b++) {
      int pad = l - lengths[b];
      for (int i = 0; i < lengths[b]; i++, row++) {
        for (int d = 0; d < width; d++) {
          double gap = Math.abs(packed[row * width + d] - golden[((b * l) + pad + i) * width + d]);
          worst = Math.max(worst, Double.isNaN(gap) ? Double.POSITIVE_INFINITY : gap);
        }
      }
    }
    return worst;
  }

  /** Largest |java - golden| of two tensors of the same shape. */
  static double maxGap(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("sizes differ: " + a.length + " vs " + b.length);
    }
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      double gap = Math.abs(a[i] - b[i]);
      worst = Math.max(worst, Double.isNaN(gap) ? Double.POSITIVE_INFINITY : gap);
    }
    return worst;
  }
}
