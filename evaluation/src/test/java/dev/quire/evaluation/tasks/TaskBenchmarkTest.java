package dev.quire.evaluation.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.generation.FinishReason;
import dev.quire.generation.backend.ChatCompletion;
import dev.quire.generation.backend.ChatListener;
import dev.quire.generation.backend.ChatRequest;
import dev.quire.generation.backend.Generator;
import dev.quire.samples.GroundTruth;
import dev.quire.samples.GroundTruthPage;
import dev.quire.samples.QuestionAnswer;
import dev.quire.samples.SyntheticCorpus;
import dev.quire.tasks.RecordedAnswers;
import dev.quire.tasks.extract.ExtractionSchema;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tasks evaluation's scoring: an oracle that answers from the ground truth scores perfectly
 * (so the scorer, the reading and the normalisation agree with the corpus), and the committed
 * recording replays to the committed scores.
 */
class TaskBenchmarkTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** Answers as the ground truth would: labels, printed fields per page, the answer citing its page. */
  private static final class Oracle implements Generator {
    private final Deque<String> classify = new ArrayDeque<>();
    private final Deque<String> extract = new ArrayDeque<>();
    private final Map<String, QuestionAnswer> questions = new java.util.HashMap<>();
    private final Map<String, GroundTruthPage> pageOf = new java.util.HashMap<>();

    Oracle(List<GroundTruthPage> truth) {
      String document = null;
      for (GroundTruthPage page : truth) {
        if (!page.document().equals(document)) {
          document = page.document();
          classify.add("{\"reasoning\": \"oracle\", \"type\": \"" + TaskBenchmark.expectedLabel(page.type()) + "\"}");
        }
        for (QuestionAnswer qa : page.questions()) {
          questions.put(qa.question(), qa);
          pageOf.put(qa.question(), page);
        }
      }
      for (GroundTruthPage page : truth) {
        if (ExtractionSchema.canonicalType(page.type()).isEmpty()) {
          continue;
        }
        ExtractionSchema schema = ExtractionSchema.builtIn(page.type());
        ObjectNode answer = JSON.createObjectNode();
        for (Map.Entry<String, String> field : FieldScoring.truthFields(page.fields()).entrySet()) {
          if (schema.schema().path("properties").has(field.getKey())) {
            answer.put(field.getKey(), field.getValue());
          }
        }
        extract.add(answer.toString());
      }
    }

    @Override
    public String name() {
      return "oracle";
    }

    @Override
    public String model() {
      return "oracle";
    }

    @Override
    public ChatCompletion complete(ChatRequest request, ChatListener listener, BooleanSupplier cancelled) {
      String prompt;
      try {
        prompt = JSON.writeValueAsString(request.messages());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      String answer;
      if (prompt.contains("Classify this document")) {
        answer = classify.pop();
      } else if (prompt.contains("Extract these fields")) {
        answer = extract.pop();
      } else {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> parts = (List<Map<String, Object>>) request.messages().getLast().get("content");
        String question = String.valueOf(parts.getLast().get("text")).substring("Question: ".length());
        QuestionAnswer qa = questions.get(question);
        GroundTruthPage page = pageOf.get(qa.question());
        Matcher shown = Pattern.compile("\\[(\\d+)\\] " + Pattern.quote(Path.of(page.document()).getFileName().toString())
            + ", page " + page.page() + ":").matcher(prompt);
        answer = "It is " + qa.answer() + (shown.find() ? " [" + shown.group(1) + "]." : ".");
      }
      listener.onText(answer);
      return new ChatCompletion(answer, List.of(), FinishReason.STOP, new ChatCompletion.Usage(0, 0), 0);
    }

    @Override
    public void close() {}
  }

  @Test
  void anOracleScoresPerfectly() throws Exception {
    Path corpus = dir.resolve("corpus");
    SyntheticCorpus.generate(corpus, 6, 7);
    TaskEvalSettings settings = new TaskEvalSettings(6, 7, TaskEvalSettings.ALL_TASKS, 0, 3, false, "oracle");
    TaskEvalReport report = TaskBenchmark.run(corpus, dir, new Oracle(GroundTruth.read(corpus)), settings,
        TaskBenchmark.Listener.NONE);

    assertThat(report.classification().accuracy()).isEqualTo(1.0);
    TaskEvalReport.FieldCounts fields = report.extraction().overall();
    assertThat(fields.truePositives()).isGreaterThan(20);
    assertThat(fields.precision()).as(report.extraction().byType().toString()).isEqualTo(1.0);
    assertThat(fields.recall()).as(report.extraction().byType().toString()).isEqualTo(1.0);
    TaskEvalReport.Ask ask = report.ask();
    assertThat(ask.questions()).isGreaterThan(5);
    assertThat(ask.answerContained()).isEqualTo(ask.questions() - ask.failed());
    assertThat(ask.pageCited()).isEqualTo(ask.pageShown());

    TaskReportWriter.write(dir.resolve("out"), report, "test");
    assertThat(Files.readString(dir.resolve("out/report.md"))).contains("Accuracy 1.000", "| **all** |");
    assertThat(javax.imageio.ImageIO.read(dir.resolve("out/confusion.png").toFile()).getWidth()).isGreaterThan(200);
    assertThat(JSON.readTree(dir.resolve("out/report.json").toFile()).at("/classification/accuracy").asDouble()).isEqualTo(1.0);
  }

  @Test
  void aWrongAnswerCostsPrecisionAndRecall() {
    ExtractionSchema schema = ExtractionSchema.builtIn("receipt");
    Map<String, String> truth = Map.of("total", "$4.50", "date", "March 3, 2024", "merchant_name", "CAFE");
    ObjectNode data = JSON.createObjectNode().put("total", 4.5).put("date", "2024-03-04").put("tip", 1.0);
    TaskEvalReport.FieldCounts counts = FieldScoring.score(schema, truth, data);
    assertThat(counts).isEqualTo(new TaskEvalReport.FieldCounts(1, 2, 2));
    assertThat(TaskBenchmark.containsAnswer("The total was $1,234.50 [2].", "1,234.50")).isTrue();
    assertThat(TaskBenchmark.containsAnswer("Not found in these pages.", "1,234.50")).isFalse();
  }

  @Test
  void theCommittedRecordingReplaysToTheCommittedScores() throws Exception {
    Path corpus = dir.resolve("corpus");
    SyntheticCorpus.generate(corpus, TaskExpectations.DOCUMENTS, TaskExpectations.SEED);
    Path replay = dir.resolve("replay.jsonl");
    try (InputStream in = TaskExpectations.replay()) {
      Files.copy(in, replay);
    }
    TaskEvalSettings settings = new TaskEvalSettings(TaskExpectations.DOCUMENTS, TaskExpectations.SEED,
        TaskEvalSettings.ALL_TASKS, TaskExpectations.QUESTIONS, 3, true, TaskExpectations.MODEL);
    TaskEvalReport report = TaskBenchmark.run(corpus, dir, RecordedAnswers.replaying(replay, "replay"), settings,
        TaskBenchmark.Listener.NONE);
    List<String> checks = TaskExpectations.check(report);
    assertThat(checks).isNotEmpty().allMatch(c -> c.startsWith("[OK]"), String.join("\n", checks));
  }
}
