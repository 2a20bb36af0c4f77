package dev.quire.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.Quire;
import dev.quire.encoder.colqwen3.ColQwen3Encoder;
import dev.quire.generation.backend.BackendSpec;
import dev.quire.generation.backend.Generators;
import dev.quire.tasks.ask.Answer;
import dev.quire.tasks.ask.AnswerJson;
import dev.quire.tasks.ask.AskTask;
import dev.quire.tasks.ask.Citation;
import dev.quire.tasks.ask.RetrievedPages;
import dev.quire.tasks.ask.SourcePage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A question answered over the index: the top pages search finds (BM25, rescored by the
 * retrieval model when one is given) are shown to the generation model as images and text; the
 * answer streams, then its checked citations and the pages shown are listed.
 */
@Command(
    name = "ask",
    description = {
      "Answer a question over the indexed pages, citing them: the answer streams as it is",
      "written; citations are checked to point at pages the model was shown."
    })
final class AskCommand implements Callable<Integer> {

  @Mixin IndexLocation location;

  @Mixin GenerationModelOptions model;

  @Option(names = "--retrieval-model", paramLabel = "DIR", defaultValue = "${env:QUIRE_MODEL}",
      description = "ColQwen3 checkpoint to rescore the search with (default: $QUIRE_MODEL;"
          + " without one the pages come from BM25).")
  Path retrievalModel;

  @Option(names = {"-k", "--pages"}, paramLabel = "K", defaultValue = "4",
      description = "Pages shown to the model (default: ${DEFAULT-VALUE}, at most 20).")
  int k;

  @Option(names = "--no-images", description = "Show the model the pages' text only (faster).")
  boolean noImages;

  @Option(names = "--prompt", paramLabel = "TEXT", description = "Added to the instructions.")
  String prompt;

  @Option(names = "--json", description = "Print the answer as one JSON object at the end, not streamed text.")
  boolean json;

  @Parameters(arity = "1..*", paramLabel = "QUESTION", description = "The question (words are joined).")
  List<String> words;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (model.model == null) {
      throw new ParameterException(spec.commandLine(),
          "quire ask needs --model DIR, a Qwen3-VL instruct checkpoint (or $QUIRE_GENERATION_MODEL)");
    }
    if (k < 1 || k > 20) {
      throw new ParameterException(spec.commandLine(), "--pages lies in 1..20, not " + k);
    }
    Reports.requireExistingIndex(location.directory);
    String question = String.join(" ", words);
    PrintWriter out = spec.commandLine().getOut();
    try (ColQwen3Encoder encoder = ModelOptions.open(retrievalModel, null, model.device, model.threads);
        Quire quire = Quire.open(location.config(), encoder);
        Generators generators = Generators.open(List.of(
            new BackendSpec.Local("local", model.model, null, model.device, model.threads, 0)))) {
      List<SourcePage> pages = RetrievedPages.search(quire, question, k, !noImages);
      AskTask.Input input = new AskTask.Input(question, pages, prompt);
      StringBuilder streamed = new StringBuilder();
      Answer answer = new AskTask().ask(generators.forModel(null), input, delta -> {
        streamed.append(delta);
        if (!json) {
          out.print(delta);
          out.flush();
        }
      }, () -> Thread.currentThread().isInterrupted());
      if (json) {
        out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(AnswerJson.of(answer)));
        out.flush();
        return 0;
      }
      out.println();
      out.println();
      if (!answer.text().equals(streamed.toString().strip())) {
        // the streamed text is the model's; the checked one (citations verified) is what counts
        out.println("Checked answer: " + answer.text());
      }
      out.println(answer.found() ? "Cited:" : "Not found in the " + pages.size() + " pages shown:");
      List<Integer> cited = answer.citations().stream().map(Citation::number).toList();
      for (SourcePage page : pages) {
        out.printf("  [%d]%s %s, page %d%n", page.number(), cited.contains(page.number()) ? "*" : " ",
            page.source().isEmpty() ? page.documentId() : page.source(), page.pageNumber());
      }
      for (String warning : answer.warnings()) {
        out.println("warning: " + warning);
      }
      out.flush();
      return 0;
    }
  }
}
