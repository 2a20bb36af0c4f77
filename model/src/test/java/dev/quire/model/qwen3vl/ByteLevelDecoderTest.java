package dev.quire.model.qwen3vl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Ids back to text against the real Qwen3 tokenizer's goldens (tokenizers' decode, written by
 * tools/reference/qwen3_decode_goldens.py): every golden string, chat-shaped output with special
 * and added tokens, random ids whose bytes are often not UTF-8; and the incremental decoder, whose
 * pieces join to the same text and never end inside a character.
 */
class ByteLevelDecoderTest {

  private static final JsonNode ENCODED = Fixtures.json("qwen3-tokenizer/qwen3-ids.json");
  private static final JsonNode DECODED = Fixtures.json("qwen3-tokenizer/qwen3-decode.json");
  private static final ByteLevelDecoder QWEN3 = realDecoder();

  private static ByteLevelDecoder realDecoder() {
    try {
      JsonNode json = new ObjectMapper().readTree(TokenizerTest.realQwen3Tokenizer(ENCODED).toFile());
      return ByteLevelDecoder.of(json, "qwen3 tokenizer.json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int[] ids(JsonNode array) {
    int[] ids = new int[array.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = array.get(i).asInt();
    }
    return ids;
  }

  /** The pieces the incremental decoder gives for {@code ids}, the last from finish(). */
  private static List<String> stream(ByteLevelDecoder decoder, int[] ids, boolean skipSpecial) {
    ByteLevelDecoder.Incremental incremental = decoder.incremental(skipSpecial);
    List<String> pieces = new ArrayList<>();
    for (int id : ids) {
      pieces.add(incremental.push(id));
    }
    pieces.add(incremental.finish());
    return pieces;
  }

  private static void assertDecodes(int[] ids, JsonNode golden, String what) {
    for (boolean skip : new boolean[] {false, true}) {
      String expected = golden.get(skip ? "decoded_skip_special" : "decoded").asText();
      assertThat(QWEN3.decode(ids, skip)).as("%s, skip special %s", what, skip).isEqualTo(expected);
      assertThat(String.join("", stream(QWEN3, ids, skip)))
          .as("streamed %s, skip special %s", what, skip).isEqualTo(expected);
    }
  }

  @Test
  void everyGoldenStringDecodesAsTheTokenizersLibraryDoes() {
    JsonNode cases = ENCODED.get("cases");
    assertThat(DECODED.get("golden_strings").size()).isEqualTo(cases.size());
    for (JsonNode golden : DECODED.get("golden_strings")) {
      JsonNode c = cases.get(golden.get("index").asInt());
      assertDecodes(ids(c.get("ids")), golden, c.get("text").toString());
    }
  }

  @Test
  void chatOutputAndRandomIdsDecodeAsTheTokenizersLibraryDoes() {
    for (String group : List.of("chat", "random")) {
      for (JsonNode golden : DECODED.get(group)) {
        assertDecodes(ids(golden.get("ids")), golden, group + " " + golden.get("ids"));
      }
    }
    // the random cases reach invalid UTF-8, so the replacement rule is part of what is checked
    assertThat(DECODED.get("random")).anyMatch(c -> c.get("decoded").asText().contains("\uFFFD"));
  }

  @Test
  void aCharacterSplitOverTokensIsStreamedOnlyWhenComplete() {
    int split = 0;
    for (JsonNode c : ENCODED.get("cases")) {
      String text = c.get("text").asText();
      int[] ids = ids(c.get("ids"));
      List<String> pieces = stream(QWEN3, ids, false);
      for (int i = 0; i < ids.length; i++) {
        String alone = QWEN3.decode(new int[] {ids[i]}, false);
        if (alone.contains("\uFFFD") && !text.contains("\uFFFD")) {
          split++;
        }
        // no piece ends in a replacement or in the first half of a surrogate pair
        if (!text.contains("\uFFFD")) {
          assertThat(pieces.get(i)).as("piece %d of %s", i, text).doesNotContain("\uFFFD");
        }
        assertThat(pieces.get(i).isEmpty() || !Character.isHighSurrogate(
            pieces.get(i).charAt(pieces.get(i).length() - 1))).isTrue();
      }
    }
    assertThat(split).as("tokens holding part of a character (CJK, emoji)").isGreaterThan(10);
  }

  @Test
  void theStreamHoldsPartsOfAnEmojiUntilTheLastOne() {
    int[] ids = ids(DECODED.get("chat").get(2).get("ids")); // ends with "📈" ... "</tool_call>"
    String all = QWEN3.decode(ids, false);
    assertThat(all).contains("📈");
    ByteLevelDecoder.Incremental incremental = QWEN3.incremental(false);
    StringBuilder seen = new StringBuilder();
    for (int id : ids) {
      seen.append(incremental.push(id));
      // what is shown so far is always a prefix of the whole text
      assertThat(all).startsWith(seen.toString());
    }
    assertThat(incremental.finish()).isEmpty();
  }

  @Test
  void anUnfinishedCharacterAtTheEndBecomesOneReplacement() {
    // " 表" is four bytes over two tokens: the first alone leaves the character unfinished
    int[] ids = ids(DECODED.get("chat").get(1).get("ids"));
    int first = -1;
    for (int i = 0; i < ids.length; i++) {
      if (QWEN3.decode(new int[] {ids[i]}, false).contains("\uFFFD")) {
        first = i;
        break;
      }
    }
    assertThat(first).isNotNegative();
    ByteLevelDecoder.Incremental incremental = QWEN3.incremental(false);
    String shown = incremental.push(ids[first]);
    assertThat(shown).doesNotContain("\uFFFD");
    assertThat(incremental.finish()).isEqualTo("\uFFFD");
    assertThat(shown + "\uFFFD").isEqualTo(QWEN3.decode(new int[] {ids[first]}, false));
    // after finish the decoder starts clean
    assertThat(incremental.push(ids[0])).isEqualTo("<|im_start|>");
  }

  @Test
  void specialTokensAreDroppedOnlyWhenAsked() {
    int imEnd = 151645;
    assertThat(QWEN3.isSpecial(imEnd)).isTrue();
    assertThat(QWEN3.isSpecial(151667)).as("<think> is added, not special").isFalse();
    assertThat(QWEN3.decode(new int[] {imEnd}, false)).isEqualTo("<|im_end|>");
    assertThat(QWEN3.decode(new int[] {imEnd}, true)).isEmpty();
    assertThat(QWEN3.decode(new int[] {151667}, true)).isEqualTo("<think>");
    // ids the tokenizer does not know (a model's padded vocabulary) are dropped, as tokenizers does
    assertThat(QWEN3.decode(new int[] {64, 151935, -1, 64}, false)).isEqualTo("aa");
  }

  @Test
  void aTokenizerWithoutAByteLevelDecoderIsRefused() throws IOException {
    JsonNode json = new ObjectMapper().readTree("{\"decoder\": {\"type\": \"WordPiece\"}, \"model\": {\"vocab\": {}}}");
    assertThatThrownBy(() -> ByteLevelDecoder.of(json, "bert/tokenizer.json"))
        .hasMessageContaining("bert/tokenizer.json has a WordPiece decoder, not ByteLevel");
  }

  @Property(tries = 300)
  void streamedPiecesJoinToTheWholeDecode(@ForAll("ids") List<Integer> ids, @ForAll boolean skip) {
    int[] array = ids.stream().mapToInt(Integer::intValue).toArray();
    List<String> pieces = stream(QWEN3, array, skip);
    assertThat(String.join("", pieces)).isEqualTo(QWEN3.decode(array, skip));
    for (int i = 0; i < pieces.size() - 1; i++) {
      String piece = pieces.get(i);
      assertThat(piece.isEmpty() || !Character.isHighSurrogate(piece.charAt(piece.length() - 1)))
          .as("piece %d ends inside a surrogate pair", i).isTrue();
    }
  }

  @Provide
  Arbitrary<List<Integer>> ids() {
    // byte tokens (ids below 256 are single bytes), any token, and the added tokens
    Arbitrary<Integer> id = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0, 255)),
        net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 151642)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(151643, 151668)));
    return id.list().ofMinSize(0).ofMaxSize(24);
  }
}
