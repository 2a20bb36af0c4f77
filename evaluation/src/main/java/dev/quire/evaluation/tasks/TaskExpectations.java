package dev.quire.evaluation.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The committed tasks evaluation: a recording of the answers of the tiny random test checkpoint
 * ({@code tasks-synthetic.replay.jsonl}, made with {@code quire eval tasks --model
 * model/src/test/resources/reference-instruct/instruct-tied --record ...}) and the scores it gets
 * ({@code tasks-synthetic.json}). The scores are chance level: no real vision-language model can
 * be had where this was built. What they hold steady is the whole pipeline — prompts, reading,
 * normalising, merging, retrieval, citation checks and scoring — so a change that moves one
 * number must say why in the file's log.
 */
public final class TaskExpectations {

  public static final int DOCUMENTS = 8;
  public static final long SEED = 42;
  public static final int QUESTIONS = 16;
  public static final String MODEL = "instruct-tied (the tiny random test checkpoint, recorded)";
  static final String FOLDER = "/dev/quire/evaluation/regression/";

  private TaskExpectations() {}

  /** The committed recording. */
  public static InputStream replay() {
    InputStream in = TaskExpectations.class.getResourceAsStream(FOLDER + "tasks-synthetic.replay.jsonl");
    if (in == null) {
      throw new IllegalStateException("the committed recording tasks-synthetic.replay.jsonl is missing");
    }
    return in;
  }

  /** One {@code [OK]} or {@code [FAIL]} line per committed number. */
  public static List<String> check(TaskEvalReport report) {
    JsonNode expected;
    try (InputStream in = TaskExpectations.class.getResourceAsStream(FOLDER + "tasks-synthetic.json")) {
      if (in == null) {
        return List.of("[FAIL] tasks-synthetic.json is missing");
      }
      expected = new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> lines = new ArrayList<>();
    if (report.classification() != null) {
      line(lines, "classify correct", expected.at("/classification/correct").asInt(), report.classification().correct());
    }
    if (report.extraction() != null) {
      TaskEvalReport.FieldCounts c = report.extraction().overall();
      line(lines, "extract true positives", expected.at("/extraction/true_positives").asInt(), c.truePositives());
      line(lines, "extract false positives", expected.at("/extraction/false_positives").asInt(), c.falsePositives());
      line(lines, "extract false negatives", expected.at("/extraction/false_negatives").asInt(), c.falseNegatives());
    }
    if (report.ask() != null) {
      TaskEvalReport.Ask a = report.ask();
      line(lines, "ask page shown", expected.at("/ask/page_shown").asInt(), a.pageShown());
      line(lines, "ask page cited", expected.at("/ask/page_cited").asInt(), a.pageCited());
      line(lines, "ask answer contained", expected.at("/ask/answer_contained").asInt(), a.answerContained());
      line(lines, "ask not found", expected.at("/ask/not_found").asInt(), a.notFound());
    }
    return lines;
  }

  private static void line(List<String> lines, String what, int want, int got) {
    lines.add((want == got ? "[OK]   " : "[FAIL] ") + what + ": expected " + want + ", got " + got);
  }
}
