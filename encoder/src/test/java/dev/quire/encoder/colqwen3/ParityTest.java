package dev.quire.encoder.colqwen3;

import dev.quire.model.qwen3vl.Fixtures;
import dev.quire.model.qwen3vl.Qwen3VLConfig;
import dev.quire.model.qwen3vl.ForwardTrace;
import dev.quire.model.qwen3vl.Positions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden tensor of the reference fixtures, from the Java forward: ids, positions, every
 * traced intermediate and the final multi-vectors, for the 128-d F32 checkpoint, the same with
 * its LoRA adapter (merged and unmerged), the 320-d BF16 sharded checkpoint and its copy under
 * TomoroAI's key names; and the MaxSim scores.
 */
class ParityTest {

  /** The float32 bound of the task; the reference's own float64 gap is about 1e-6. */
  static final double TOLERANCE = 1e-4;

  private static final Map<String, ReferenceModel> MODELS = new LinkedHashMap<>();
  private static final Map<String, Double> EMBEDDING_GAPS = new TreeMap<>();

  static ReferenceModel model(String checkpoint, String adapter, boolean merge) {
    return MODELS.computeIfAbsent(checkpoint + "|" + adapter + "|" + merge,
        k -> new ReferenceModel(checkpoint, adapter, merge));
  }

  @AfterAll
  static void closeAndReport() throws IOException {
    MODELS.values().forEach(ReferenceModel::close);
    MODELS.clear();
    StringBuilder report = new StringBuilder("max |java - reference| of the final multi-vectors\n");
    EMBEDDING_GAPS.forEach((k, v) -> report.append(String.format("%-40s %.3g%n", k, v)));
    Path file = Path.of("target", "parity-report.txt");
    Files.createDirectories(file.getParent());
    Files.writeString(file, report);
    System.out.print(report);
  }

  /** (label, golden stem, checkpoint, adapter, merge). */
  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (JsonNode g : Fixtures.json("index.json").get("goldens")) {
      String caseName = g.get("case").asText();
      if (caseName.equals("scores")) {
        continue;
      }
      String stem = g.get("file").asText().replace("goldens/", "").replace(".safetensors", "");
      String checkpoint = g.get("checkpoint").asText();
      String adapter = g.get("adapter").isNull() ? null : g.get("adapter").asText();
      cases.add(Arguments.of(stem, stem, checkpoint, adapter, true));
      if (adapter != null) {
        cases.add(Arguments.of(stem + " unmerged", stem, checkpoint, adapter, false));
      }
      if (checkpoint.equals("colqwen3-tiny-320")) {
        cases.add(Arguments.of(stem + " tomoro", stem, "colqwen3-tiny-320-tomoro", null, true));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesEveryGoldenTensor(String label, String stem, String checkpoint, String adapter,
      boolean merge) {
    Goldens golden = new Goldens(stem);
    ReferenceModel reference = model(checkpoint, adapter, merge);
    List<ColQwen3Model.Sequence> inputs = reference.inputs(golden);
    int[] lengths = new int[inputs.size()];
    for (int b = 0; b < inputs.size(); b++) {
      assertThat(inputs.get(b).ids()).as("input ids of row %d", b).containsExactly(golden.ids(b));
      lengths[b] = inputs.get(b).ids().length;
    }
    checkPositions(golden, inputs, reference.config);

    Goldens.Recorder recorder = new Goldens.Recorder();
    List<float[]> embeddings = reference.model.forward(inputs, recorder);
    List<String> compared = new ArrayList<>();
    for (var entry : recorder.tensors.entrySet()) {
      String name = entry.getKey();
      if (!golden.floats.containsKey(name)) {
        continue;
      }
      double gap = name.startsWith("vision.")
          ? Goldens.maxGap(entry.getValue().values(), golden.floats.get(name))
          : golden.packedVsPadded(name, entry.getValue().values(), lengths);
      assertThat(gap).as("%s: max |java - reference| of %s", label, name).isLessThan(TOLERANCE);
      compared.add(name);
    }
    List<String> expected = golden.floats.keySet().stream().toList();
    assertThat(compared).as("golden tensors compared").containsExactlyInAnyOrderElementsOf(expected);

    float[] packed = new float[embeddings.stream().mapToInt(e -> e.length).sum()];
    int at = 0;
    for (float[] e : embeddings) {
      System.arraycopy(e, 0, packed, at, e.length);
      at += e.length;
    }
    double gap = golden.packedVsPadded("embeddings", packed, lengths);
    assertThat(gap).isLessThan(TOLERANCE);
    synchronized (EMBEDDING_GAPS) {
      EMBEDDING_GAPS.merge(label.replaceAll("-(docs-1|docs-3|queries|queries-prefixed)", ""), gap,
          Math::max);
    }
  }

  /** get_rope_index's positions and deltas; for text-only batches arange(seq) shifted by padding. */
  private static void checkPositions(Goldens golden, List<ColQwen3Model.Sequence> inputs,
      Qwen3VLConfig config) {
    long[] positions = golden.longs.get("position_ids");
    long[] deltas = golden.longs.get("rope_deltas");
    int l = golden.length();
    int batch = golden.batch();
    boolean images = golden.longs.containsKey("image_grid_thw");
    for (int b = 0; b < batch; b++) {
      ColQwen3Model.Sequence s = inputs.get(b);
      int[][] grids = s.image() == null ? new int[0][]
          : new int[][] {{s.image().gridT(), s.image().gridH(), s.image().gridW()}};
      int[][] ours = Positions.text(s.ids(), config.imageTokenId(), grids, config.vision().mergeSize()).axes();
      int n = s.ids().length;
      int pad = l - n;
      int max = 0;
      for (int axis = 0; axis < 3; axis++) {
        for (int i = 0; i < n; i++) {
          long reference = positions[(axis * batch + b) * l + pad + i];
          // text-only batches: the reference counts the padding too, a uniform shift RoPE ignores
          long shift = images ? 0 : pad;
          assertThat(ours[axis][i] + shift).as("position axis %d row %d token %d", axis, b, i)
              .isEqualTo(reference);
          max = Math.max(max, ours[axis][i]);
        }
      }
      if (images) {
        assertThat((long) max + 1 - n).as("rope delta of row %d", b).isEqualTo(deltas[b]);
      }
    }
    if (golden.longs.containsKey("vision.rotary_position_ids")) {
      long[] rotary = golden.longs.get("vision.rotary_position_ids");
      int row = 0;
      for (ColQwen3Model.Sequence s : inputs) {
        for (int[] rc : Positions.patches(s.image().gridT(), s.image().gridH(), s.image().gridW(), 2)) {
          assertThat(new long[] {rc[0], rc[1]})
              .as("vision rotary (row, column) of patch %d", row)
              .containsExactly(rotary[2 * row], rotary[2 * row + 1]);
          row++;
        }
      }
      assertThat(2 * row).isEqualTo(rotary.length);
    }
  }

  static Stream<Arguments> scoreCases() {
    return Stream.of(
        Arguments.of("128", "colqwen3-tiny-128", null),
        Arguments.of("128-lora", "colqwen3-tiny-128", "colqwen3-tiny-128-lora"),
        Arguments.of("320", "colqwen3-tiny-320", null));
  }

  @ParameterizedTest(name = "{0}-scores")
  @MethodSource("scoreCases")
  void maxSimScoresMatch(String stem, String checkpoint, String adapter) {
    Goldens golden = new Goldens(stem + "-scores");
    JsonNode inputs = golden.description.get("inputs");
    ReferenceModel reference = model(checkpoint, adapter, true);
    List<ColQwen3Model.Sequence> pages = new ArrayList<>();
    inputs.get("pages").forEach(p -> pages.add(reference.page(p.asText())));
    List<ColQwen3Model.Sequence> queries = new ArrayList<>();
    inputs.get("queries").forEach(q -> queries.add(reference.query(q.asText(), "")));
    List<float[]> pageVectors = reference.model.forward(pages, ForwardTrace.NONE);
    List<float[]> queryVectors = reference.model.forward(queries, ForwardTrace.NONE);
    int d = reference.model.dimension();
    float[] expected = golden.floats.get("scores");
    for (int q = 0; q < queries.size(); q++) {
      for (int p = 0; p < pages.size(); p++) {
        double score = maxSim(queryVectors.get(q), pageVectors.get(p), d);
        assertThat(score).as("score of query %d on page %d", q, p)
            .isCloseTo(expected[q * pages.size() + p], offset(TOLERANCE));
      }
    }
  }

  static double maxSim(float[] query, float[] page, int d) {
    double total = 0;
    for (int i = 0; i < query.length / d; i++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < page.length / d; j++) {
        double dot = 0;
        for (int k = 0; k < d; k++) {
          dot += query[i * d + k] * page[j * d + k];
        }
        best = Math.max(best, dot);
      }
      total += best;
    }
    return total;
  }
}
