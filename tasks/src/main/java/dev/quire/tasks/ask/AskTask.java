package dev.quire.tasks.ask;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.quire.generation.DecodingSettings;
import dev.quire.generation.FinishReason;
import dev.quire.generation.backend.ChatCompletion;
import dev.quire.generation.backend.ChatListener;
import dev.quire.generation.backend.ChatRequest;
import dev.quire.generation.backend.Generator;
import dev.quire.tasks.TaskDefinition;
import dev.quire.tasks.TaskOutput;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A question answered over numbered pages (their images and text), the answer citing them as
 * {@code [n]}. The answer is plain text, so it streams as it is written and any backend can give
 * it; afterwards every citation is checked against the pages shown — a number that points at no
 * shown page is removed and reported — and an answer that opens with "NOT FOUND" is the
 * first-class "not in these pages".
 */
public final class AskTask implements TaskDefinition<AskTask.Input, Answer> {

  /** What the model says when the pages do not hold the answer. */
  public static final String NOT_FOUND = "NOT FOUND";
  static final int MAX_NEW_TOKENS = 512;
  private static final int MAX_PAGE_TEXT = 2000;
  private static final Pattern MARKER = Pattern.compile(
      "\\[\\s*(?:(?:pages?|p\\.?|source)\\s*)?(\\d{1,6}(?:\\s*(?:,|;|-|–|and)\\s*\\d{1,6})*)\\s*\\]",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern THINKING = Pattern.compile("(?s)^\\s*<think>.*?</think>\\s*");
  private static final Pattern NOT_FOUND_OPENING =
      Pattern.compile("(?i)^\\W*not\\s+found\\b[\\s.:;,—–-]*");

  /** The question, the pages to answer from (numbered 1..n in order), and added instructions. */
  public record Input(String question, List<SourcePage> pages, String prompt) {
    public Input {
      if (question == null || question.isBlank()) {
        throw new IllegalArgumentException("the question is empty");
      }
      pages = List.copyOf(pages);
      for (int i = 0; i < pages.size(); i++) {
        if (pages.get(i).number() != i + 1) {
          throw new IllegalArgumentException("pages are numbered 1.." + pages.size() + " in order");
        }
      }
    }
  }

  @Override
  public String name() {
    return "ask";
  }

  @Override
  public JsonNode outputSchema(Input input) {
    return JsonNodeFactory.instance.objectNode().put("type", "string");
  }

  @Override
  public ChatRequest request(Input input) {
    String system = "You answer questions about documents using only the numbered pages you are"
        + " given. Cite the page each statement comes from by its number in square brackets, like"
        + " [2] or [1, 3]; cite only the numbers given. Quote figures, names and dates exactly as"
        + " printed. If the pages do not contain the answer, reply with " + NOT_FOUND + " followed"
        + " by one sentence on what the pages do cover. Be concise.";
    List<Map<String, Object>> parts = new ArrayList<>();
    List<BufferedImage> images = new ArrayList<>();
    if (input.pages().isEmpty()) {
      parts.add(text("(No pages were found for this question.)\n"));
    }
    for (SourcePage page : input.pages()) {
      parts.add(text("[" + page.number() + "] " + describe(page) + ":\n"));
      if (page.image() != null) {
        parts.add(Map.of("type", "image"));
        images.add(page.image());
      }
      if (!page.text().isBlank()) {
        String body = page.text().length() > MAX_PAGE_TEXT
            ? page.text().substring(0, MAX_PAGE_TEXT) + " …" : page.text();
        parts.add(text("Text of page [" + page.number() + "]:\n" + body.strip() + "\n"));
      }
    }
    String question = "Question: " + input.question().strip()
        + (input.prompt() == null || input.prompt().isBlank() ? "" : "\n" + input.prompt());
    parts.add(text(question));
    List<Map<String, Object>> messages = List.of(
        Map.of("role", "system", "content", system),
        Map.of("role", "user", "content", parts));
    return new ChatRequest(messages, images,
        new DecodingSettings(MAX_NEW_TOKENS, false, null, null, null, null, null, null, null, null,
            List.of(), List.of(), false, 0),
        Map.of());
  }

  private static Map<String, Object> text(String text) {
    return Map.of("type", "text", "text", text);
  }

  private static String describe(SourcePage page) {
    String name = page.source().isBlank() ? "document " + page.documentId()
        : java.nio.file.Path.of(page.source()).getFileName().toString();
    return name + ", page " + page.pageNumber();
  }

  @Override
  public TaskOutput read(Input input, String answer) {
    return new TaskOutput(JsonNodeFactory.instance.textNode(answer), answer, List.of(), List.of(), List.of());
  }

  @Override
  public Answer result(Input input, TaskOutput output, ChatCompletion completion) {
    List<String> warnings = new ArrayList<>();
    String text = THINKING.matcher(output.raw()).replaceFirst("").strip();
    if (completion.finishReason() == FinishReason.LENGTH) {
      warnings.add("the answer was cut at " + MAX_NEW_TOKENS + " tokens");
    }
    Matcher notFound = NOT_FOUND_OPENING.matcher(text);
    boolean found = !text.isEmpty() && !notFound.find();
    if (text.isEmpty()) {
      warnings.add("the model gave no answer");
    }
    Map<Integer, Citation> cited = new LinkedHashMap<>();
    Set<Integer> refused = new TreeSet<>();
    StringBuilder checked = new StringBuilder();
    Matcher marker = MARKER.matcher(text);
    while (marker.find()) {
      List<Integer> valid = new ArrayList<>();
      for (int n : numbers(marker.group(1))) {
        if (n >= 1 && n <= input.pages().size()) {
          if (!valid.contains(n)) {
            valid.add(n);
          }
          cited.putIfAbsent(n, Citation.of(input.pages().get(n - 1)));
        } else {
          refused.add(n);
        }
      }
      String replacement = valid.isEmpty() ? ""
          : "[" + String.join(", ", valid.stream().map(String::valueOf).toList()) + "]";
      marker.appendReplacement(checked, Matcher.quoteReplacement(replacement));
    }
    marker.appendTail(checked);
    String answer = checked.toString().replaceAll(" +([.,;:])", "$1").replaceAll("  +", " ").strip();
    if (!refused.isEmpty()) {
      warnings.add("the answer cited " + refused + ", which " + (refused.size() == 1 ? "is" : "are")
          + " not among the " + input.pages().size() + " pages shown: removed");
    }
    if (found && cited.isEmpty()) {
      warnings.add("the answer cites no page: it may not come from them");
    }
    if (!found) {
      String reason = NOT_FOUND_OPENING.matcher(answer).replaceFirst("").strip();
      answer = "Not found in these pages." + (reason.isEmpty() ? "" : " " + reason);
    }
    return new Answer(input.question(), answer, found, List.copyOf(cited.values()), input.pages(),
        warnings, completion.latencyNanos() / 1_000_000);
  }

  /** {@code 1, 3-5 and 7} as 1, 3, 4, 5, 7 (a range of at most 20). */
  private static List<Integer> numbers(String group) {
    List<Integer> out = new ArrayList<>();
    Matcher range = Pattern.compile("(\\d{1,6})\\s*[-–]\\s*(\\d{1,6})|(\\d{1,6})").matcher(group);
    while (range.find()) {
      if (range.group(3) != null) {
        out.add(Integer.parseInt(range.group(3)));
      } else {
        int from = Integer.parseInt(range.group(1));
        int to = Integer.parseInt(range.group(2));
        for (int n = from; n <= to && n - from < 20; n++) {
          out.add(n);
        }
      }
    }
    return out;
  }

  /** Asks, streaming the answer's text to {@code listener} as it is written. */
  public Answer ask(Generator generator, Input input, ChatListener listener, BooleanSupplier cancelled) {
    ChatCompletion completion = generator.complete(request(input), listener, cancelled);
    return result(input, read(input, completion.text()), completion);
  }
}
