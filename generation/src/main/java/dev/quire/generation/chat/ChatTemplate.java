package dev.quire.generation.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jinjava.javax.el.CompositeELResolver;

/**
 * A checkpoint's chat template rendered as transformers' {@code apply_chat_template} renders it
 * with jinja2: {@code trim_blocks} and {@code lstrip_blocks}, {@code raise_exception},
 * {@code strftime_now}, a {@code tojson} that writes what Python's {@code json.dumps} writes, the
 * special tokens of tokenizer_config.json in the context, {@code reasoning_content} filled from
 * {@code thinking} or {@code reasoning}. Jinjava is the engine; what it lacks of jinja2 and Python
 * is added: the {@code str} methods templates call ({@link PythonStringMethods}) and slices with a
 * step ({@code messages[::-1]}, rewritten to a {@code pyslice} filter before parsing).
 */
public final class ChatTemplate {

  /** A slice with a step, {@code [a:b:c]} with any part empty, inside an expression. */
  private static final Pattern STEP_SLICE =
      Pattern.compile("\\[\\s*([^\\[\\]:]*?)\\s*:\\s*([^\\[\\]:]*?)\\s*:\\s*([^\\[\\]:]*?)\\s*\\]");
  /** Jinja tags and expressions, where slices may be (not literal text). */
  private static final Pattern CODE = Pattern.compile("\\{\\{.*?\\}\\}|\\{%.*?%\\}", Pattern.DOTALL);
  private static final String[] REASONING_FIELDS = {"reasoning_content", "thinking", "reasoning"};
  private static final ThreadLocal<String> RAISED = new ThreadLocal<>();

  private final String source;
  private final String prepared;
  private final Map<String, Object> specialTokens;
  private final Jinjava jinjava;

  private ChatTemplate(String source, Map<String, Object> specialTokens) {
    this.source = source;
    this.prepared = parenthesizeNamedArguments(rewriteStepSlices(lstripBlocks(source)));
    this.specialTokens = Map.copyOf(specialTokens);
    this.jinjava = engine();
  }

  /** A template from its source; {@code specialTokens} (e.g. eos_token) join its context. */
  public static ChatTemplate of(String source, Map<String, ?> specialTokens) {
    Objects.requireNonNull(source, "source");
    return new ChatTemplate(source, Map.copyOf(specialTokens));
  }

  /**
   * The chat template of a checkpoint folder, where transformers looks for it:
   * {@code chat_template.jinja}, else {@code chat_template.json}, else the {@code chat_template}
   * of {@code tokenizer_config.json} (the default one when it lists several); the special tokens
   * are tokenizer_config.json's.
   */
  public static ChatTemplate fromCheckpoint(Path folder) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Path tokenizerConfig = folder.resolve("tokenizer_config.json");
    JsonNode config = Files.isRegularFile(tokenizerConfig) ? json.readTree(tokenizerConfig.toFile())
        : json.createObjectNode();
    Map<String, Object> special = new LinkedHashMap<>();
    for (String name : List.of("bos_token", "eos_token", "pad_token", "unk_token", "sep_token",
        "cls_token", "mask_token")) {
      JsonNode token = config.path(name);
      if (token.isTextual()) {
        special.put(name, token.asText());
      } else if (token.isObject() && token.path("content").isTextual()) {
        special.put(name, token.path("content").asText());
      }
    }
    Path jinja = folder.resolve("chat_template.jinja");
    if (Files.isRegularFile(jinja)) {
      return of(Files.readString(jinja), special);
    }
    Path processor = folder.resolve("chat_template.json");
    if (Files.isRegularFile(processor)) {
      JsonNode template = json.readTree(processor.toFile()).path("chat_template");
      if (template.isTextual()) {
        return of(template.asText(), special);
      }
    }
    JsonNode template = config.path("chat_template");
    if (template.isTextual()) {
      return of(template.asText(), special);
    }
    if (template.isArray()) {
      for (JsonNode named : template) {
        if (named.path("name").asText().equals("default")) {
          return of(named.path("template").asText(), special);
        }
      }
    }
    throw new IOException(folder + " has no chat template (chat_template.jinja, chat_template.json"
        + " or tokenizer_config.json's chat_template): it is not an instruct checkpoint");
  }

  public String source() {
    return source;
  }

  /** The special tokens the template sees (eos_token, pad_token, ...). */
  public Map<String, Object> specialTokens() {
    return specialTokens;
  }

  /**
   * Renders {@code messages} (maps with {@code role} and {@code content}, a string or a list of
   * parts such as {@code {type: text, text: ...}} and {@code {type: image}}) with {@code options}
   * in the context ({@code add_generation_prompt}, {@code tools}, {@code enable_thinking},
   * {@code add_vision_id}, ...). A template that raises gives a {@link ChatTemplateException}
   * with its own message.
   */
  public String render(List<? extends Map<String, ?>> messages, Map<String, ?> options) {
    Map<String, Object> context = new LinkedHashMap<>(specialTokens);
    context.put("messages", aliasReasoning(messages));
    context.put("tools", null);
    context.put("documents", null);
    context.put("add_generation_prompt", false);
    context.putAll(options);
    RAISED.remove();
    RenderResult result;
    try {
      result = jinjava.renderForResult(prepared, context);
    } catch (RuntimeException e) {
      throw failure(e.getMessage());
    }
    String raised = RAISED.get();
    RAISED.remove();
    if (raised != null) {
      throw new ChatTemplateException(raised);
    }
    for (TemplateError error : result.getErrors()) {
      if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
        throw failure("line " + error.getLineno() + ": " + error.getMessage());
      }
    }
    return result.getOutput();
  }

  private static ChatTemplateException failure(String message) {
    String raised = RAISED.get();
    RAISED.remove();
    return new ChatTemplateException(raised != null ? raised : "the chat template failed: " + message);
  }

  /**
   * The messages as transformers' Qwen3-VL processor hands them to the template: keys whose value
   * is null dropped, {@code {type: image_url, image_url: {url}}} parts as {@code {type: image,
   * url}}, and the reasoning aliases filled.
   */
  private static List<Map<String, Object>> aliasReasoning(List<? extends Map<String, ?>> messages) {
    List<Map<String, Object>> aliased = new ArrayList<>(messages.size());
    for (Map<String, ?> message : messages) {
      Map<String, Object> copy = new LinkedHashMap<>();
      message.forEach((key, value) -> {
        if (value != null) {
          copy.put(key, key.equals("content") && value instanceof List<?> parts ? imageParts(parts) : value);
        }
      });
      for (String field : REASONING_FIELDS) {
        Object reasoning = message.get(field);
        if (reasoning != null) {
          copy.putIfAbsent("thinking", reasoning);
          copy.put("reasoning_content", reasoning);
          break;
        }
      }
      aliased.add(copy);
    }
    return aliased;
  }

  private static List<Object> imageParts(List<?> parts) {
    List<Object> out = new ArrayList<>(parts.size());
    for (Object part : parts) {
      if (part instanceof Map<?, ?> map && "image_url".equals(map.get("type"))) {
        Map<String, Object> image = new LinkedHashMap<>();
        image.put("type", "image");
        Object url = map.get("image_url") instanceof Map<?, ?> inner ? inner.get("url") : map.get("image_url");
        if (url != null) {
          image.put("url", url);
        }
        out.add(image);
      } else {
        out.add(part);
      }
    }
    return out;
  }

  private static Jinjava engine() {
    CompositeELResolver resolver = new CompositeELResolver();
    resolver.add(new PythonStringMethods());
    resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
    JinjavaConfig config = JinjavaConfig.newBuilder()
        .withTrimBlocks(true)
        .withLstripBlocks(false) // done by lstripBlocks(): Jinjava also strips mid-line
        .withElResolver(resolver)
        .withLegacyOverrides(LegacyOverrides.newBuilder()
            .withUseNaturalOperatorPrecedence(true)
            .withParseWhitespaceControlStrictly(true)
            .withKeepNullableLoopValues(true)
            .withHandleBackslashInQuotesOnly(true)
            .withUseTrimmingForNotesAndExpressions(true)
            .withUsePyishObjectMapper(true)
            .build())
        .build();
    Jinjava jinjava = new Jinjava(config);
    jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
        ChatTemplate.class, "raiseException", String.class));
    jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
        ChatTemplate.class, "strftimeNow", String.class));
    jinjava.getGlobalContext().registerFilter(new ToJson());
    jinjava.getGlobalContext().registerFilter(new StepSlice());
    return jinjava;
  }

  /** {@code raise_exception(message)}: the render fails with the template's message. */
  public static String raiseException(String message) {
    RAISED.set(message);
    throw new ChatTemplateException(message);
  }

  /** {@code strftime_now(format)}: the local time in Python's strftime format. */
  public static String strftimeNow(String format) {
    return Strftime.format(ZonedDateTime.now(), format);
  }

  /** Rewrites {@code x[a:b:c]} in tags and expressions to {@code x|pyslice(a, b, c)}. */
  static String rewriteStepSlices(String template) {
    Matcher code = CODE.matcher(template);
    StringBuilder out = new StringBuilder();
    while (code.find()) {
      Matcher slice = STEP_SLICE.matcher(code.group());
      StringBuilder rewritten = new StringBuilder();
      while (slice.find()) {
        slice.appendReplacement(rewritten, Matcher.quoteReplacement("|pyslice("
            + orNone(slice.group(1)) + ", " + orNone(slice.group(2)) + ", " + orNone(slice.group(3))
            + ")"));
      }
      slice.appendTail(rewritten);
      code.appendReplacement(out, Matcher.quoteReplacement(rewritten.toString()));
    }
    code.appendTail(out);
    return out.toString();
  }

  /**
   * jinja2's {@code lstrip_blocks}: spaces and tabs between the start of a line and a block tag or
   * comment on it are removed ({@code {%+} keeps them). Jinjava's own option also strips before a
   * tag in the middle of a line, which drops the space of {@code "Picture 1: {% endif %}"}.
   */
  static String lstripBlocks(String template) {
    StringBuilder out = new StringBuilder(template.length());
    int lineStart = 0; // index in out where the current line starts
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == '{' && i + 1 < template.length()
          && (template.charAt(i + 1) == '%' || template.charAt(i + 1) == '#')
          && !(i + 2 < template.length() && template.charAt(i + 2) == '+')) {
        boolean blank = true;
        for (int k = lineStart; k < out.length() && blank; k++) {
          blank = out.charAt(k) == ' ' || out.charAt(k) == '\t';
        }
        if (blank) {
          out.setLength(lineStart);
        }
        // copy the whole tag so that its content is not taken for text
        int end = template.indexOf(template.charAt(i + 1) == '%' ? "%}" : "#}", i + 2);
        end = end < 0 ? template.length() : end + 2;
        out.append(template, i, end);
        i = end - 1;
        lineStart = lastNewline(out);
        continue;
      }
      if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
        int end = template.indexOf("}}", i + 2);
        end = end < 0 ? template.length() : end + 2;
        out.append(template, i, end);
        i = end - 1;
        lineStart = lastNewline(out);
        continue;
      }
      out.append(c);
      if (c == '\n') {
        lineStart = out.length();
      }
    }
    return out.toString();
  }

  private static int lastNewline(StringBuilder out) {
    return out.lastIndexOf("\n") + 1;
  }

  /**
   * {@code namespace(n=a|length - 1)} and {@code dict(...)}: each keyword argument's value in
   * parentheses. Jinjava binds the name to {@code a|length} and then subtracts 1 from the binding;
   * jinja2 binds the whole expression.
   */
  static String parenthesizeNamedArguments(String template) {
    Matcher code = CODE.matcher(template);
    StringBuilder out = new StringBuilder();
    while (code.find()) {
      code.appendReplacement(out, Matcher.quoteReplacement(namedArgumentsIn(code.group())));
    }
    code.appendTail(out);
    return out.toString();
  }

  private static final Pattern CALL = Pattern.compile("\\b(namespace|dict)\\s*\\(");
  private static final Pattern KEYWORD = Pattern.compile("^(\\s*[A-Za-z_]\\w*\\s*)=(?!=)(.*)$", Pattern.DOTALL);

  private static String namedArgumentsIn(String code) {
    StringBuilder out = new StringBuilder();
    int from = 0;
    Matcher call = CALL.matcher(code);
    while (call.find(from)) {
      int open = call.end() - 1;
      // the call's arguments: up to the matching parenthesis, split at top-level commas
      int depth = 0;
      int close = -1;
      char quote = 0;
      List<Integer> commas = new ArrayList<>();
      for (int i = open; i < code.length() && close < 0; i++) {
        char c = code.charAt(i);
        if (quote != 0) {
          if (c == '\\') {
            i++;
          } else if (c == quote) {
            quote = 0;
          }
        } else if (c == '\'' || c == '"') {
          quote = c;
        } else if (c == '(' || c == '[' || c == '{') {
          depth++;
        } else if (c == ')' || c == ']' || c == '}') {
          if (--depth == 0) {
            close = i;
          }
        } else if (c == ',' && depth == 1) {
          commas.add(i);
        }
      }
      if (close < 0) {
        break;
      }
      out.append(code, from, open + 1);
      int start = open + 1;
      commas.add(close);
      for (int k = 0; k < commas.size(); k++) {
        String argument = code.substring(start, commas.get(k));
        Matcher keyword = KEYWORD.matcher(argument);
        out.append(keyword.matches() ? keyword.group(1) + "=(" + keyword.group(2).strip() + ")" : argument);
        out.append(code.charAt(commas.get(k)));
        start = commas.get(k) + 1;
      }
      from = close + 1;
    }
    out.append(code.substring(from));
    return out.toString();
  }

  private static String orNone(String part) {
    return part.isBlank() ? "none" : part;
  }

  /** {@code tojson} as transformers defines it: json.dumps, non-ASCII kept, optional indent. */
  private static final class ToJson implements Filter {
    @Override
    public String getName() {
      return "tojson";
    }

    @Override
    public Object filter(Object value, JinjavaInterpreter interpreter, String... args) {
      return PythonJson.dumps(value, null);
    }

    @Override
    public Object filter(Object value, JinjavaInterpreter interpreter, Object[] args,
        Map<String, Object> kwargs) {
      Object indent = kwargs.getOrDefault("indent", args.length > 0 ? args[0] : null);
      return PythonJson.dumps(value, indent == null ? null : ((Number) indent).intValue());
    }
  }

  /** {@code pyslice(start, stop, step)}: Python's slice of a list or string, any step. */
  private static final class StepSlice implements Filter {
    @Override
    public String getName() {
      return "pyslice";
    }

    @Override
    public Object filter(Object value, JinjavaInterpreter interpreter, String... args) {
      throw new IllegalStateException("pyslice takes its arguments as values");
    }

    @Override
    public Object filter(Object value, JinjavaInterpreter interpreter, Object[] args,
        Map<String, Object> kwargs) {
      List<Object> items = new ArrayList<>();
      boolean string = value instanceof String;
      if (string) {
        ((String) value).chars().forEach(c -> items.add((char) c));
      } else if (value instanceof Collection<?> collection) {
        items.addAll(collection);
      } else if (value != null) {
        throw new IllegalArgumentException("cannot slice " + value.getClass().getSimpleName());
      }
      int n = items.size();
      long step = args.length > 2 && args[2] != null ? ((Number) args[2]).longValue() : 1;
      if (step == 0) {
        throw new IllegalArgumentException("slice step cannot be zero");
      }
      long start = bound(args.length > 0 ? args[0] : null, n, step, true);
      long stop = bound(args.length > 1 ? args[1] : null, n, step, false);
      List<Object> out = new ArrayList<>();
      for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
        out.add(items.get((int) i));
      }
      if (string) {
        StringBuilder s = new StringBuilder();
        out.forEach(s::append);
        return s.toString();
      }
      return out;
    }

    /** Python's slice.indices for one end. */
    private static long bound(Object value, int n, long step, boolean start) {
      if (value == null) {
        return step > 0 ? (start ? 0 : n) : (start ? n - 1 : -1);
      }
      long i = ((Number) value).longValue();
      if (i < 0) {
        i += n;
        if (i < 0) {
          return step > 0 ? 0 : -1;
        }
      } else if (i >= n) {
        return step > 0 ? n : n - 1;
      }
      return i;
    }
  }
}
