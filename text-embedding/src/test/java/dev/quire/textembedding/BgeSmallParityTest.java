package dev.quire.textembedding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped model against the reference stack: the same ONNX file run by Python's onnxruntime
 * and tokenizers (tools/reference/text_embedding_goldens.py) on 50 strings — empty, one letter,
 * Unicode, code, and one past the 512-token limit — to 1e-4, alone and in padded batches.
 */
class BgeSmallParityTest {

  static OnnxTextEmbedder embedder;
  static JsonNode golden;

  @BeforeAll
  static void load() throws Exception {
    embedder = OnnxTextEmbedder.bgeSmall(new OnnxTextEmbedder.Options(3));
    try (InputStream in = BgeSmallParityTest.class.getResourceAsStream("bge-small-goldens.json")) {
      golden = new ObjectMapper().readTree(in);
    }
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  private static float[] expected(int i) {
    ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(golden.get("embeddings_f32_base64").get(i).asText()))
        .order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[bytes.remaining() / 4];
    bytes.asFloatBuffer().get(v);
    return v;
  }

  @Test
  void theModelIsTheOneTheGoldensWereMadeWith() {
    TextModelInfo info = embedder.info();
    assertThat(info.name()).isEqualTo("bge-small-en-v1.5-int8");
    assertThat(info.dimension()).isEqualTo(384).isEqualTo(golden.get("dimension").asInt());
    assertThat(info.maxTokens()).isEqualTo(512);
    assertThat(info.sha256()).isEqualTo(golden.get("model_sha256").asText());
  }

  @Test
  void fiftyStringsEqualTheReferenceAloneAndInBatches() {
    List<String> strings = new ArrayList<>();
    golden.get("strings").forEach(s -> strings.add(s.asText()));
    assertThat(strings).hasSize(50);
    float[][] batched = embedder.embed(strings); // three at a time: neighbours must not change a vector
    double worst = 0;
    double worstAlone = 0;
    for (int i = 0; i < strings.size(); i++) {
      assertThat(embedder.tokenCount(strings.get(i))).as(strings.get(i)).isEqualTo(golden.get("token_counts").get(i).asInt());
      float[] want = expected(i);
      float[] alone = embedder.embed(strings.get(i));
      for (int d = 0; d < want.length; d++) {
        worstAlone = Math.max(worstAlone, Math.abs(alone[d] - want[d]));
        worst = Math.max(worst, Math.abs(batched[i][d] - want[d]));
      }
    }
    System.out.printf("bge-small parity: worst |java - reference| alone %.2e, together %.2e%n", worstAlone, worst);
    assertThat(worstAlone).as("largest difference from the reference, alone").isLessThan(1e-4);
    assertThat(worst).as("largest difference from the reference, in batches").isLessThan(1e-4);
  }

  @Test
  void relatedTextsAreCloserThanUnrelatedOnes() {
    float[] owed = embedder.embed("money owed");
    float[] due = embedder.embed("balance due on the invoice");
    float[] weather = embedder.embed("sunny weather in Tokyo");
    assertThat(dot(owed, due)).isGreaterThan(dot(owed, weather));
    assertThat(dot(owed, owed)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
