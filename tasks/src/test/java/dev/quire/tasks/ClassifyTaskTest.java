package dev.quire.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.generation.backend.ChatCompletion;
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
    return task.result(input, task.read(answer.text()), 3);
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
  void anAnswerWithoutJsonIsUnparseableAndLabelsAreChecked() {
    ClassifyTask task = new ClassifyTask(List.of("memo", "other"));
    assertThatThrownBy(() -> task.read("I think this is a memo.")).isInstanceOf(UnparseableOutputException.class);
    assertThatThrownBy(() -> new ClassifyTask(List.of("memo"))).hasMessageContaining("'other'");
    assertThatThrownBy(() -> new ClassifyTask.Input(List.of(), null)).hasMessageContaining("at least one page");
    assertThatThrownBy(() -> TaskRegistry.builtIn().get("summarise")).hasMessageContaining("tasks: [classify]");
  }
}
