package dev.quire.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.datasets.DocumentReader;
import dev.quire.datasets.DocumentRejectedException;
import dev.quire.datasets.LoadedDocument;
import dev.quire.datasets.ReaderConfig;
import dev.quire.generation.Decoding;
import dev.quire.generation.DecodingSettings;
import dev.quire.generation.TokenLogprob;
import dev.quire.generation.guided.JsonSchemaCompiler;
import dev.quire.generation.guided.SchemaNode;
import dev.quire.generation.GenerationResult;
import dev.quire.generation.LocalGenerator;
import dev.quire.generation.Prompt;
import dev.quire.generation.TokenSink;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Generates an answer with a Qwen3-VL instruct checkpoint, in process: the prompt (and pages)
 * through the checkpoint's chat template, then token by token, streamed to the terminal. Ctrl+C
 * stops it after the current token and keeps what was generated.
 */
@Command(
    name = "generate",
    description = {
      "Generate an answer with a Qwen3-VL instruct model, streamed as it is written.",
      "Images (or the pages of a PDF) given with --image are shown to the model before the prompt.",
      "Decoding follows the checkpoint's generation_config.json unless an option says otherwise."
    })
final class GenerateCommand implements Callable<Integer> {

  @Mixin GenerationModelOptions model;

  @Option(names = "--system", paramLabel = "TEXT", description = "A system message.")
  String system;

  @Option(names = "--image", paramLabel = "FILE",
      description = "An image, or a PDF whose pages are all shown (repeatable, in order).")
  List<Path> images = new ArrayList<>();

  @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "512",
      description = "At most this many new tokens (default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(names = "--greedy", description = "Take the most likely token at each step (as --temperature 0).")
  boolean greedy;

  @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature; 0 is greedy.")
  Double temperature;

  @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling: the smallest set of tokens with this probability.")
  Double topP;

  @Option(names = "--top-k", paramLabel = "K", description = "Sample among the K most likely tokens.")
  Integer topK;

  @Option(names = "--min-p", paramLabel = "P", description = "Drop tokens less likely than P times the most likely one.")
  Double minP;

  @Option(names = "--repetition-penalty", paramLabel = "X", description = "Penalise every token already in the sequence (1 = off).")
  Double repetitionPenalty;

  @Option(names = "--presence-penalty", paramLabel = "X", description = "Subtract X from generated tokens' scores (-2..2).")
  Double presencePenalty;

  @Option(names = "--frequency-penalty", paramLabel = "X", description = "Subtract X per earlier use of a generated token (-2..2).")
  Double frequencyPenalty;

  @Option(names = "--seed", paramLabel = "N", description = "Makes sampling reproducible.")
  Long seed;

  @Option(names = "--stop", paramLabel = "TEXT", description = "End the answer where this text appears, without it (repeatable).")
  List<String> stop = new ArrayList<>();

  @Option(names = "--logprobs", paramLabel = "N", defaultValue = "0",
      description = "With --json: the N most likely alternatives of each token (0-20).")
  int logprobs;

  @Option(names = "--schema", paramLabel = "FILE",
      description = "Answer with JSON valid against this JSON Schema (guided decoding).")
  Path schema;

  @Option(names = "--json-object", description = "Answer with a JSON object (guided decoding).")
  boolean jsonObject;

  @Option(names = "--json", description = "Print one JSON object (ids, text, log-probabilities,"
      + " finish reason, timings) instead of streaming text.")
  boolean json;

  @Parameters(paramLabel = "PROMPT", arity = "1", description = "The user message.")
  String prompt;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (model.model == null) {
      throw new ParameterException(spec.commandLine(),
          "quire generate needs --model DIR (or $QUIRE_GENERATION_MODEL)");
    }
    if (maxNewTokens < 1) {
      throw new ParameterException(spec.commandLine(), "--max-new-tokens must be at least 1");
    }
    SchemaNode shape = null;
    if (schema != null && jsonObject) {
      throw new ParameterException(spec.commandLine(), "give --schema or --json-object, not both");
    }
    if (schema != null) {
      try {
        shape = JsonSchemaCompiler.compile(new ObjectMapper().readTree(schema.toFile()));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException(schema + " is not valid JSON: " + e.getOriginalMessage());
      }
    } else if (jsonObject) {
      shape = JsonSchemaCompiler.anyObject();
    }
    List<BufferedImage> pages = readImages(images);
    PrintWriter out = spec.commandLine().getOut();
    try (LocalGenerator generator = LocalGenerator.open(model.model,
        LocalGenerator.Options.on(model.device, model.threads))) {
      List<Map<String, Object>> messages = new ArrayList<>();
      if (system != null) {
        messages.add(Map.of("role", "system", "content", system));
      }
      List<Map<String, Object>> content = new ArrayList<>();
      for (int i = 0; i < pages.size(); i++) {
        content.add(Map.of("type", "image"));
      }
      content.add(Map.of("type", "text", "text", prompt));
      messages.add(Map.of("role", "user", "content", content));
      Prompt built = generator.prompts().build(messages, pages, Map.of());
      AtomicBoolean cancelled = new AtomicBoolean();
      Interrupts.onInterrupt(cancelled);
      Decoding decoding = Decoding.of(settings(), generator.generationConfig());
      if (shape != null) {
        decoding = decoding.withProcessorsFirst(List.of(generator.guidedJson(shape)));
      }
      GenerationResult result = generator.generate(built, decoding,
          new TokenSink() {
            @Override
            public void accept(int sequence, int token, String text) {
              if (!json) {
                out.print(text);
                out.flush();
              }
            }

            @Override
            public void end(int sequence, String rest) {
              if (!json) {
                out.print(rest);
              }
            }
          },
          cancelled::get);
      if (json) {
        out.println(toJson(result));
      } else {
        out.println();
        if (cancelled.get()) {
          spec.commandLine().getErr().println("quire: stopped after " + result.tokenIds().length
              + " tokens (Ctrl+C)");
        }
      }
      out.flush();
      return cancelled.get() ? 130 : 0;
    }
  }

  private DecodingSettings settings() {
    return new DecodingSettings(maxNewTokens, greedy ? Boolean.FALSE : null,
        greedy ? null : temperature, topP, topK, minP, repetitionPenalty, presencePenalty,
        frequencyPenalty, seed, stop, List.of(), false, logprobs);
  }

  /** Each file's pages, read as the indexer reads them (type by magic bytes, EXIF upright). */
  static List<BufferedImage> readImages(List<Path> files) throws IOException {
    List<BufferedImage> pages = new ArrayList<>();
    try (DocumentReader reader = new DocumentReader(ReaderConfig.defaults().withOcr(false))) {
      for (Path file : files) {
        if (!Files.isRegularFile(file)) {
          throw new IOException("cannot read image " + file + ": no such file");
        }
        try (LoadedDocument document = reader.open(file)) {
          for (int page = 1; page <= document.pageCount(); page++) {
            pages.add(document.page(page).image());
          }
        } catch (DocumentRejectedException e) {
          throw new IOException("cannot read image " + file + ": " + e.getMessage(), e);
        }
      }
    }
    return pages;
  }

  static String toJson(GenerationResult result) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    ArrayNode promptIds = root.putArray("prompt_token_ids");
    for (int id : result.promptTokenIds()) {
      promptIds.add(id);
    }
    ArrayNode ids = root.putArray("token_ids");
    for (int id : result.tokenIds()) {
      ids.add(id);
    }
    root.put("text", result.text());
    ArrayNode logprobs = root.putArray("logprobs");
    for (double lp : result.logprobs()) {
      logprobs.add(lp);
    }
    if (!result.topLogprobs().isEmpty()) {
      ArrayNode steps = root.putArray("top_logprobs");
      for (List<TokenLogprob> step : result.topLogprobs()) {
        ArrayNode alternatives = steps.addArray();
        for (TokenLogprob alternative : step) {
          alternatives.addObject().put("token_id", alternative.tokenId()).put("logprob", alternative.logprob());
        }
      }
    }
    root.put("finish_reason", result.finishReason().apiName());
    GenerationResult.Timings t = result.timings();
    Map<String, Object> timings = new LinkedHashMap<>();
    timings.put("prefill_ms", round(t.prefillMillis()));
    timings.put("decode_ms", round(t.decodeMillis()));
    timings.put("prompt_tokens", t.promptTokens());
    timings.put("generated_tokens", t.generatedTokens());
    timings.put("prefill_tokens_per_s", round(t.prefillTokensPerSecond()));
    timings.put("decode_tokens_per_s", round(t.decodeTokensPerSecond()));
    root.set("timings", json.valueToTree(timings));
    return root.toString();
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
