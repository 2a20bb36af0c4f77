package dev.quire.evaluation.tasks;

import dev.quire.Quire;
import dev.quire.datasets.DocumentReader;
import dev.quire.datasets.ReaderConfig;
import dev.quire.generation.backend.Generator;
import dev.quire.generation.backend.RemoteBackendException;
import dev.quire.samples.GroundTruth;
import dev.quire.samples.GroundTruthPage;
import dev.quire.samples.QuestionAnswer;
import dev.quire.tasks.ClassifyTask;
import dev.quire.tasks.DocumentPages;
import dev.quire.tasks.TaskRunner;
import dev.quire.tasks.ask.Answer;
import dev.quire.tasks.ask.AskTask;
import dev.quire.tasks.ask.Citation;
import dev.quire.tasks.ask.RetrievedPages;
import dev.quire.tasks.ask.SourcePage;
import dev.quire.tasks.extract.ExtractTask;
import dev.quire.tasks.extract.Extraction;
import dev.quire.tasks.extract.ExtractionSchema;
import dev.quire.tasks.output.UnparseableOutputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The document tasks scored against the synthetic corpus's ground truth with any generator:
 * classification accuracy and its confusion matrix, field-level precision and recall of
 * extraction (each document under its true type's schema, so a misclassification does not hide
 * an extraction's quality), and for questions that one page answers, whether search showed that
 * page, whether the answer cites it and whether it holds the printed answer.
 */
public final class TaskBenchmark {

  /** Progress: a task starts with its item count, then each item is done. */
  public interface Listener {
    void started(String task, int items);

    void done(String item);

    Listener NONE = new Listener() {
      @Override
      public void started(String task, int items) {}

      @Override
      public void done(String item) {}
    };
  }

  private record Doc(String file, String type, List<GroundTruthPage> pages) {}

  private TaskBenchmark() {}

  /**
   * Runs the evaluation over the corpus in {@code corpus} (a synthetic corpus folder) with
   * {@code generator}; {@code work} holds the index the questions search.
   */
  public static TaskEvalReport run(Path corpus, Path work, Generator generator,
      TaskEvalSettings settings, Listener listener) throws IOException {
    Map<String, Doc> documents = new LinkedHashMap<>();
    for (GroundTruthPage page : GroundTruth.read(corpus)) {
      documents.computeIfAbsent(page.document(), d -> new Doc(d, page.type(), new ArrayList<>()))
          .pages().add(page);
    }
    List<String> notes = new ArrayList<>();
    TaskEvalReport.Classification classification = null;
    TaskEvalReport.Extraction extraction = null;
    TaskEvalReport.Ask ask = null;
    try (DocumentReader reader = new DocumentReader(ReaderConfig.defaults().withOcr(false))) {
      if (settings.tasks().contains("classify")) {
        classification = classify(corpus, documents.values(), reader, generator, listener, notes);
      }
      if (settings.tasks().contains("extract")) {
        extraction = extract(corpus, documents.values(), reader, generator, listener, notes);
      }
    }
    if (settings.tasks().contains("ask")) {
      ask = ask(corpus, work, documents.values(), generator, settings, listener, notes);
    }
    return new TaskEvalReport(settings, classification, extraction, ask, notes);
  }

  private static DocumentPages pages(Path corpus, Doc doc, DocumentReader reader) throws IOException {
    try {
      return DocumentPages.read(reader, corpus.resolve(doc.file()), Integer.MAX_VALUE);
    } catch (dev.quire.datasets.DocumentRejectedException e) {
      throw new IOException(doc.file() + ": " + e.getMessage(), e);
    }
  }

  /** The label the classify task should give a corpus type (slide decks have none: other). */
  static String expectedLabel(String type) {
    return ClassifyTask.DEFAULT_LABELS.contains(type) ? type : "other";
  }

  private static TaskEvalReport.Classification classify(Path corpus, java.util.Collection<Doc> docs,
      DocumentReader reader, Generator generator, Listener listener, List<String> notes) throws IOException {
    ClassifyTask task = new ClassifyTask(ClassifyTask.DEFAULT_LABELS);
    listener.started("classify", docs.size());
    Map<String, Map<String, Integer>> confusion = new TreeMap<>();
    TreeSet<String> labels = new TreeSet<>();
    int correct = 0;
    for (Doc doc : docs) {
      String expected = expectedLabel(doc.type());
      String predicted;
      try {
        predicted = TaskRunner.run(task, generator, new ClassifyTask.Input(pages(corpus, doc, reader).images(), null)).type();
      } catch (UnparseableOutputException | RemoteBackendException | IllegalArgumentException e) {
        predicted = "(unreadable)";
        notes.add("classify " + doc.file() + ": " + e.getMessage());
      }
      correct += predicted.equals(expected) ? 1 : 0;
      confusion.computeIfAbsent(expected, k -> new TreeMap<>()).merge(predicted, 1, Integer::sum);
      labels.add(expected);
      labels.add(predicted);
      listener.done(doc.file());
    }
    if (docs.stream().anyMatch(d -> !ClassifyTask.DEFAULT_LABELS.contains(d.type()))) {
      notes.add("slide decks have no classify label: their expected label is other");
    }
    return new TaskEvalReport.Classification(docs.size(), correct,
        docs.isEmpty() ? 0 : (double) correct / docs.size(), confusion, List.copyOf(labels));
  }

  private static TaskEvalReport.Extraction extract(Path corpus, java.util.Collection<Doc> docs,
      DocumentReader reader, Generator generator, Listener listener, List<String> notes) throws IOException {
    List<Doc> extractable = docs.stream()
        .filter(d -> ExtractionSchema.canonicalType(d.type()).isPresent()).toList();
    listener.started("extract", extractable.size());
    ExtractTask task = new ExtractTask();
    TaskEvalReport.FieldCounts overall = new TaskEvalReport.FieldCounts(0, 0, 0);
    Map<String, TaskEvalReport.FieldCounts> byType = new TreeMap<>();
    int failed = 0;
    for (Doc doc : extractable) {
      ExtractionSchema schema = ExtractionSchema.builtIn(doc.type());
      Map<String, String> printed = new LinkedHashMap<>();
      for (GroundTruthPage page : doc.pages()) {
        page.fields().forEach(printed::putIfAbsent);
      }
      Map<String, String> truth = FieldScoring.truthFields(printed);
      TaskEvalReport.FieldCounts counts;
      try {
        DocumentPages pages = pages(corpus, doc, reader);
        Extraction result = task.extract(generator, new ExtractTask.Input(pages.images(), pages.texts(),
            schema, null, false));
        counts = FieldScoring.score(schema, truth, result.data());
      } catch (UnparseableOutputException | RemoteBackendException | IllegalArgumentException e) {
        failed++;
        notes.add("extract " + doc.file() + ": " + e.getMessage());
        counts = FieldScoring.score(schema, truth, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
      }
      overall = overall.plus(counts);
      byType.merge(doc.type(), counts, TaskEvalReport.FieldCounts::plus);
      listener.done(doc.file());
    }
    return new TaskEvalReport.Extraction(extractable.size(), failed, overall, byType);
  }

  private static TaskEvalReport.Ask ask(Path corpus, Path work, java.util.Collection<Doc> docs,
      Generator generator, TaskEvalSettings settings, Listener listener, List<String> notes) throws IOException {
    record Question(String question, String answer, String document, int page) {}
    List<Question> questions = new ArrayList<>();
    for (Doc doc : docs) {
      for (GroundTruthPage page : doc.pages()) {
        for (QuestionAnswer qa : page.questions()) {
          questions.add(new Question(qa.question(), qa.answer(), page.document(), page.page()));
        }
      }
    }
    if (settings.questionsLimit() > 0 && questions.size() > settings.questionsLimit()) {
      // spread over the corpus rather than the first documents' questions only
      List<Question> spread = new ArrayList<>();
      double step = (double) questions.size() / settings.questionsLimit();
      for (int i = 0; i < settings.questionsLimit(); i++) {
        spread.add(questions.get((int) (i * step)));
      }
      questions = spread;
    }
    listener.started("ask", questions.size());
    AskTask task = new AskTask();
    int shown = 0;
    int cited = 0;
    int contained = 0;
    int notFound = 0;
    int failed = 0;
    try (Quire quire = Quire.open(work.resolve("index"))) {
      quire.index(List.of(corpus));
      for (Question q : questions) {
        List<SourcePage> pages = RetrievedPages.search(quire, q.question(), settings.k(), settings.images());
        if (pages.stream().anyMatch(p -> isPage(p.source(), p.pageNumber(), q.document(), q.page()))) {
          shown++;
        }
        try {
          Answer answer = task.ask(generator, new AskTask.Input(q.question(), pages, null), d -> {}, () -> false);
          for (Citation c : answer.citations()) {
            if (isPage(c.source(), c.pageNumber(), q.document(), q.page())) {
              cited++;
              break;
            }
          }
          contained += containsAnswer(answer.text(), q.answer()) ? 1 : 0;
          notFound += answer.found() ? 0 : 1;
        } catch (RemoteBackendException | IllegalArgumentException e) {
          failed++;
          notes.add("ask '" + q.question() + "': " + e.getMessage());
        }
        listener.done(q.question());
      }
    }
    return new TaskEvalReport.Ask(questions.size(), shown, cited, contained, notFound, failed);
  }

  private static boolean isPage(String source, int page, String document, int truthPage) {
    return page == truthPage && Path.of(source).getFileName().toString().equals(Path.of(document).getFileName().toString());
  }

  /** The printed answer appears in the answer (case, spacing, currency signs and commas aside). */
  static boolean containsAnswer(String answer, String truth) {
    String a = loose(answer);
    String t = loose(truth);
    return !t.isEmpty() && a.contains(t);
  }

  private static String loose(String text) {
    return text.toLowerCase(java.util.Locale.ROOT).replaceAll("[$€£,]", "").replaceAll("\\s+", " ").strip();
  }
}
