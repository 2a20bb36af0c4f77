package dev.quire.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.generation.backend.BackendSpec;
import dev.quire.generation.backend.ChatCompletion;
import dev.quire.generation.backend.ChatLogprob;
import dev.quire.generation.backend.Generators;
import dev.quire.generation.backend.ChatRequest;
import dev.quire.generation.backend.ResponseFormat;
import dev.quire.tasks.output.UnparseableOutputException;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The classify definition with recorded answers, clean and mangled. */
class ClassifyTaskTest {

  private static final List<BufferedImage> PAGES = List.of(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB),
      new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB));

  private static ClassifyTask.Classification run(ClassifyTask task, ReplayingGenerator generator) {
    ClassifyTask.Input input = new ClassifyTask.Input(PAGES, null);
    ChatRequest request = task.request(input);
    ChatCompletion answer = generator.complete(request);
    return task.result(input, task.read(input, answer.text()), answer);
  }

  @Test
  void asksWithThePagesAndTheLabelSchemaAndReadsRecordedAnswers() {
    ClassifyTask task = (ClassifyTask) TaskRegistry.builtIn().get("classify");
    ReplayingGenerator generator = new ReplayingGenerator("replay", List.of(
        "{\"reasoning\": \"Box 1 wages\", \"type\": \"W2\"}",
        "Sure!\n```json\n{'reasoning': 'a bill with line items', 'type': 'invoice', 'confidence': 0.9,}\n```",
        "{\"reasoning\": \"looks like a pay stub\", \"type\": \"pay_stub\"}",
        "{\"reasoning\": \"cut off mid-wa"));
    ClassifyTask.Classification clean = run(task, generator);
    assertThat(clean.type()).isEqualTo("W2");
    assertThat(clean.warnings()).isEmpty();
    assertThat(clean.pageCount()).isEqualTo(2);

    ClassifyTask.Classification mangled = run(task, generator);
    assertThat(mangled.type()).isEqualTo("invoice");
    assertThat(mangled.warnings()).anyMatch(w -> w.contains("code fence"))
        .anyMatch(w -> w.contains("dropped $.confidence"));

    ClassifyTask.Classification unknown = run(task, generator);
    assertThat(unknown.type()).isEqualTo("other");
    assertThat(unknown.warnings()).anyMatch(w -> w.contains("'pay_stub' is not one of the labels"));

    ClassifyTask.Classification cut = run(task, generator);
    assertThat(cut.type()).isEqualTo("other");
    assertThat(cut.reasoning()).isEqualTo("cut off mid-wa");
    assertThat(cut.warnings()).anyMatch(w -> w.contains("cut off"));

    ChatRequest sent = generator.requests().getFirst();
    assertThat(sent.images()).hasSize(2);
    assertThat(sent.responseFormat().type()).isEqualTo(ResponseFormat.Type.JSON_SCHEMA);
    assertThat(sent.responseFormat().schema().path("properties").path("type").path("enum"))
        .hasSize(ClassifyTask.DEFAULT_LABELS.size());
  }

  @Test
  void confidenceIsTheProbabilityOfTheLabelsTokens() {
    List<ChatLogprob> tokens = List.of(
        token("{\"reasoning\":\"x\",\"type\":\"", 0),
        token("10", Math.log(0.5)),
        token("99-INT", Math.log(0.8)),
        token("\"}", 0));
    assertThat(ClassifyTask.labelProbability(tokens, "1099-INT")).isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(ClassifyTask.labelProbability(tokens, "W2")).isNull();
    assertThat(ClassifyTask.labelProbability(List.of(), "W2")).isNull();
    // a token that carries the opening quote and the label's first bytes counts
    List<ChatLogprob> joined = List.of(token("{\"type\":", 0), token("\"W", Math.log(0.9)),
        token("2\"}", Math.log(0.5)));
    assertThat(ClassifyTask.labelProbability(joined, "W2")).isCloseTo(0.45, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void aRemoteBackendsFirstLabelTokenCountsAsItsShareAmongLabelStarts() {
    // drawn == raw: the server did not mask; its alternatives for the first label token are known
    List<ChatLogprob> top = List.of(raw("\"inv", Math.log(0.5)), raw("\"rec", Math.log(0.2)),
        raw("\"hello", Math.log(0.2)));
    ChatLogprob first = new ChatLogprob("\"inv", "\"inv".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        Math.log(0.5), Math.log(0.5), top);
    List<ChatLogprob> tokens = List.of(raw("{\"reasoning\":\"x\",\"type\":", 0), first, raw("oice\"}", Math.log(0.9)));
    assertThat(ClassifyTask.labelProbability(tokens, "invoice", ClassifyTask.DEFAULT_LABELS))
        .isCloseTo(0.5 / 0.7 * 0.9, org.assertj.core.data.Offset.offset(1e-12));
    // without alternatives the raw probabilities stand
    List<ChatLogprob> bare = List.of(raw("{\"type\":", 0), raw("\"inv", Math.log(0.5)), raw("oice\"}", Math.log(0.9)));
    assertThat(ClassifyTask.labelProbability(bare, "invoice", ClassifyTask.DEFAULT_LABELS))
        .isCloseTo(0.45, org.assertj.core.data.Offset.offset(1e-12));
  }

  private static ChatLogprob raw(String text, double logprob) {
    return new ChatLogprob(text, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), logprob, logprob, List.of());
  }

  private static ChatLogprob token(String text, double drawn) {
    return new ChatLogprob(text, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), drawn - 1, drawn, List.of());
  }

  @Test
  void theInProcessModelClassifiesUnderTheLabelSchemaWithAConfidence() throws Exception {
    java.nio.file.Path instruct = dev.quire.model.ReferenceFolders.of("reference-instruct");
    try (Generators generators = Generators.open(List.of(new BackendSpec.Local("t",
        instruct.resolve("instruct-tied"), null, dev.quire.model.ComputeDevice.CPU, 0, 0)))) {
      BufferedImage page = javax.imageio.ImageIO.read(instruct.resolve("images/photo.png").toFile());
      ClassifyTask task = new ClassifyTask(ClassifyTask.DEFAULT_LABELS);
      ClassifyTask.Classification result = TaskRunner.run(task, generators.forModel(null),
          new ClassifyTask.Input(List.of(page), "Look at the header."));
      assertThat(ClassifyTask.DEFAULT_LABELS).contains(result.type());
      assertThat(result.confidence()).isNotNull().isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
      assertThat(result.pageCount()).isEqualTo(1);
      assertThat(result.warnings()).as("guided output needs no repair").isEmpty();
    }
  }

  @Test
  void anAnswerWithoutJsonIsUnparseableAndLabelsAreChecked() {
    ClassifyTask task = new ClassifyTask(List.of("memo", "other"));
    assertThatThrownBy(() -> task.read(null, "I think this is a memo.")).isInstanceOf(UnparseableOutputException.class);
    assertThatThrownBy(() -> new ClassifyTask(List.of("memo"))).hasMessageContaining("'other'");
    assertThatThrownBy(() -> new ClassifyTask.Input(List.of(), null)).hasMessageContaining("at least one page");
    assertThatThrownBy(() -> TaskRegistry.builtIn().get("summarise")).hasMessageContaining("tasks: [classify, extract]");
  }
}
