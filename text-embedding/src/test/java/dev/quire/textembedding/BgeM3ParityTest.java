package dev.quire.textembedding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * BGE-M3 against FlagEmbedding 1.4.2 (tools/reference/bge_m3_goldens.py) on two tiny random
 * XLM-RoBERTa checkpoints of different shapes in the real layout (tiny-a: float32 heads saved as
 * state_dicts; tiny-b: float16 heads, as the real model's): token ids exactly, dense, sparse and
 * ColBERT outputs to 1e-4, in one padded batch, one text at a time and in batches of 5.
 */
class BgeM3ParityTest {

  static final double TOLERANCE = 1e-4;

  static Path fixture(String name) throws Exception {
    return Path.of(BgeM3ParityTest.class.getResource("bge-m3/" + name).toURI());
  }

  static float[] floats(JsonNode base64) {
    ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64.asText())).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[bytes.remaining() / 4];
    bytes.asFloatBuffer().get(v);
    return v;
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-a", "tiny-b"})
  void matchesFlagEmbedding(String name) throws Exception {
    Path folder = fixture(name);
    JsonNode golden = new ObjectMapper().readTree(folder.resolve("goldens.json").toFile());
    List<String> strings = new ArrayList<>();
    golden.get("strings").forEach(s -> strings.add(s.asText()));
    int hidden = golden.get("hidden").asInt();
    double[] worst = new double[3];
    List<List<BgeM3Model.Output>> runs = new ArrayList<>();
    for (int batchSize : new int[] {16, 1, 5}) {
      try (BgeM3Model model = BgeM3Model.open(folder, new BgeM3Model.Options(
          dev.quire.model.ComputeDevice.CPU, 0, batchSize))) {
        assertThat(model.maxTokens()).isEqualTo(golden.get("max_length").asInt());
        assertThat(model.dimension()).isEqualTo(hidden);
        List<BgeM3Model.Output> outputs = model.encode(strings);
        runs.add(outputs);
        for (int i = 0; i < strings.size(); i++) {
          BgeM3Model.Output out = outputs.get(i);
          String what = name + " string " + i + " batch " + batchSize;
          long[] ids = new long[golden.get("ids").get(i).size()];
          for (int j = 0; j < ids.length; j++) {
            ids[j] = golden.get("ids").get(i).get(j).asLong();
          }
          assertThat(out.ids()).as(what + " ids").containsExactly(ids);

          float[] dense = floats(golden.get("dense_f32_base64").get(i));
          assertThat(out.dense()).hasSize(hidden);
          worst[0] = Math.max(worst[0], maxDiff(out.dense(), dense));

          JsonNode sparse = golden.get("sparse").get(i);
          Set<Integer> keys = new HashSet<>();
          sparse.fieldNames().forEachRemaining(k -> keys.add(Integer.parseInt(k)));
          assertThat(out.sparse().keySet()).as(what + " sparse ids").isEqualTo(keys);
          for (Map.Entry<Integer, Float> e : out.sparse().entrySet()) {
            worst[1] = Math.max(worst[1], Math.abs(e.getValue() - sparse.get(e.getKey().toString()).asDouble()));
          }

          float[] colbert = floats(golden.get("colbert_f32_base64").get(i));
          int rows = golden.get("colbert_rows").get(i).asInt();
          assertThat(out.colbert()).as(what + " colbert rows").hasNumberOfRows(rows);
          for (int r = 0; r < rows; r++) {
            float[] expected = java.util.Arrays.copyOfRange(colbert, r * hidden, (r + 1) * hidden);
            worst[2] = Math.max(worst[2], maxDiff(out.colbert()[r], expected));
          }
        }
      }
    }
    System.out.printf("BGE-M3 %s: worst |diff| dense %.2e, sparse %.2e, colbert %.2e%n", name,
        worst[0], worst[1], worst[2]);
    for (double d : worst) {
      assertThat(d).isLessThan(TOLERANCE);
    }
    // padding changes nothing: a batch of 16 against one text at a time
    double batchVsAlone = 0;
    for (int i = 0; i < strings.size(); i++) {
      batchVsAlone = Math.max(batchVsAlone, maxDiff(runs.get(0).get(i).dense(), runs.get(1).get(i).dense()));
      for (int r = 0; r < runs.get(0).get(i).colbert().length; r++) {
        batchVsAlone = Math.max(batchVsAlone,
            maxDiff(runs.get(0).get(i).colbert()[r], runs.get(1).get(i).colbert()[r]));
      }
    }
    System.out.printf("BGE-M3 %s: batch of 16 against one at a time %.2e%n", name, batchVsAlone);
    assertThat(batchVsAlone).isLessThan(1e-5);
  }

  static double maxDiff(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
  }
}
