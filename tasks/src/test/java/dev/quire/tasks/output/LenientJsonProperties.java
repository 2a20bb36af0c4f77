package dev.quire.tasks.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.tasks.ClassifyTask;
import dev.quire.tasks.TaskOutput;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Mangled model output: what a value survives (fences, prose, trailing commas, Python literals)
 * reads back to the value; cut anywhere, it reads or fails as unparseable; and no text at all,
 * however odd, fails in any other way (no answer ever makes a request a server error).
 */
class LenientJsonProperties {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode randomObject(Random random, int depth) {
    return randomObject(random, depth, " True,}] {");
  }

  /** A random object whose strings may hold {@code tricky} (JSON's own punctuation). */
  private static ObjectNode randomObject(Random random, int depth, String tricky) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode object = f.objectNode();
    int fields = 1 + random.nextInt(4);
    for (int i = 0; i < fields; i++) {
      String key = "k" + i + (random.nextBoolean() ? " x" : "");
      switch (random.nextInt(depth > 1 ? 5 : 7)) {
        case 0 -> object.put(key, random.nextInt(1000) - 500);
        case 1 -> object.put(key, "v" + random.nextInt(100) + (random.nextBoolean() ? tricky : "é"));
        case 2 -> object.put(key, random.nextBoolean());
        case 3 -> object.putNull(key);
        case 4 -> object.put(key, random.nextInt(10_000) / 100.0);
        case 5 -> object.set(key, randomObject(random, depth + 1, tricky));
        default -> {
          var array = object.putArray(key);
          for (int j = random.nextInt(3); j > 0; j--) {
            array.add(random.nextBoolean() ? JsonNodeFactory.instance.numberNode(j) : randomObject(random, depth + 1, tricky));
          }
        }
      }
    }
    return object;
  }

  @Property(tries = 500)
  void wrappedAndLooseJsonReadsBackToTheValue(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    boolean mangleStructure = random.nextBoolean();
    // the text-level mangling below would also change strings that hold JSON punctuation
    JsonNode value = randomObject(random, 0, mangleStructure ? " True ok" : " True,}] {");
    String text = random.nextBoolean() ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value)
        : value.toString();
    if (mangleStructure) {
      text = text.replace("}", ",}").replace("],", ",],").replace("]}", ",]}") // trailing commas
          .replace("{ ,}", "{ }").replace("{,}", "{}").replace("[ ,]", "[ ]").replace("[,]", "[]");
    }
    if (mangleStructure) {
      text = text.replace(": true", ": True").replace(":true", ":True").replace(": null", ": None")
          .replace(":null", ":None");
    }
    text = switch (random.nextInt(4)) {
      case 0 -> "```json\n" + text + "\n```";
      case 1 -> "Here is the answer: " + text + " Let me know.";
      case 2 -> "```\n" + text + "\n```\nDone.";
      default -> text;
    };
    LenientJson.Parsed parsed = LenientJson.parse(text);
    assertThat(parsed.value()).as(text).isEqualTo(value);
  }

  @Property(tries = 500)
  void aValueCutAnywhereReadsOrIsUnparseable(@ForAll long seed, @ForAll @IntRange(max = 1000) int cutAt) {
    Random random = new Random(seed);
    String text = randomObject(random, 0).toString();
    String cut = text.substring(0, Math.min(cutAt, text.length()));
    Throwable thrown = catchThrowable(() -> LenientJson.parse(cut));
    if (thrown != null) {
      assertThat(thrown).as(cut).isInstanceOf(UnparseableOutputException.class);
    }
  }

  @Property(tries = 1000)
  void noAnswerFailsOtherThanAsUnparseable(@ForAll String answer) {
    ClassifyTask task = new ClassifyTask(ClassifyTask.DEFAULT_LABELS);
    Throwable thrown = catchThrowable(() -> {
      TaskOutput output = task.read(null, answer);
      task.result(new ClassifyTask.Input(java.util.List.of(new java.awt.image.BufferedImage(1, 1, 1)), null),
          output, new dev.quire.generation.backend.ChatCompletion(answer, java.util.List.of(),
              dev.quire.generation.FinishReason.STOP, new dev.quire.generation.backend.ChatCompletion.Usage(0, 0), 0));
    });
    if (thrown != null) {
      assertThat(thrown).as(answer).isInstanceOf(UnparseableOutputException.class);
    }
  }

  @Property(tries = 500)
  void jsonLikeNoiseFailsOnlyAsUnparseable(@ForAll("noise") String answer) {
    Throwable thrown = catchThrowable(() -> new ClassifyTask(ClassifyTask.DEFAULT_LABELS).read(null, answer));
    if (thrown != null) {
      assertThat(thrown).as(answer).isInstanceOf(UnparseableOutputException.class);
    }
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> noise() {
    return net.jqwik.api.Arbitraries.strings().withChars("{}[]\"',:tfn0123456789.-eE TrueFalsNo`\\\n")
        .ofMaxLength(60);
  }
}
