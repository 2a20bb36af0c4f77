package dev.quire.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.generation.PromptRefusedException;
import dev.quire.generation.backend.Generator;
import dev.quire.generation.backend.GeneratorBusyException;
import dev.quire.generation.backend.RemoteBackendException;
import dev.quire.index.DocumentRecord;
import dev.quire.server.collections.Collection;
import dev.quire.tasks.ClassifyTask;
import dev.quire.tasks.DocumentPages;
import dev.quire.tasks.TaskRunner;
import dev.quire.tasks.ask.Answer;
import dev.quire.tasks.ask.AskTask;
import dev.quire.tasks.ask.Citation;
import dev.quire.tasks.ask.RetrievedPages;
import dev.quire.tasks.ask.SourcePage;
import dev.quire.server.security.Principal;
import dev.quire.tasks.extract.ExtractTask;
import dev.quire.tasks.extract.Extraction;
import dev.quire.tasks.extract.ExtractionJson;
import dev.quire.tasks.extract.ExtractionSchema;
import dev.quire.tasks.output.UnparseableOutputException;
import io.javalin.http.Context;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The document tasks in the document gateway's shapes. Pages come as {@code image_urls} (data
 * URLs, pages Quire holds as quire://documents/{id}/pages/{n}, http(s) when enabled) or as the
 * {@code document_id} of an indexed document (with its {@code collection}; its page text goes
 * along); {@code prompt} and {@code model} are optional.
 *
 * <ul>
 *   <li>{@code POST /v1/classify}: {@code type}, {@code confidence}, {@code reasoning},
 *       {@code latency_ms}, plus {@code page_count} and {@code warnings}; a document of several
 *       pages is classified once.
 *   <li>{@code POST /v1/extract}: {@code doc_type} (a built-in schema) or {@code schema} (the
 *       caller's JSON Schema), neither: classified first; {@code reveal_identifiers} needs the
 *       admin role. The answer: {@code data}, {@code confidence} by field, {@code doc_type},
 *       {@code page_count}, {@code latency_ms}, plus {@code fields} and {@code warnings}.
 *   <li>{@code POST /v1/ask}: {@code question} answered over the top {@code k} pages search
 *       finds in {@code collection} (their images unless {@code images} is false, and their
 *       text); the answer cites pages as [n], each citation checked to be a page shown;
 *       {@code found} false is "not found in these pages"; {@code document_id} keeps the search
 *       within one document, with {@code page} that page is the one shown. With {@code stream}: server-sent
 *       events {@code sources}, {@code delta}s of text, then {@code answer} (or {@code error}).
 * </ul>
 */
final class DocumentTaskController {

  private final ServerContext context;
  private final AccessControl access;
  private final ChatController images;
  private final ClassifyTask classify;
  private final ExtractTask extract = new ExtractTask();
  private final AskTask ask = new AskTask();
  private final Links links;

  DocumentTaskController(ServerContext context, AccessControl access, ChatController images) {
    this.context = context;
    this.access = access;
    this.images = images;
    this.links = new Links(context);
    List<String> labels = context.config().tasks().classifyLabels();
    this.classify = new ClassifyTask(labels.isEmpty() ? ClassifyTask.DEFAULT_LABELS : labels);
    this.quota = new TaskQuota(context.config().dataDirectory().resolve("task-quota.json"),
        context.config().tasks().pagesPerDayPerKey(), context.clock());
  }

  private final TaskQuota quota;

  /** Charges the pages the model will read to the caller's daily quota; 429 when over it. */
  private void charge(Context ctx, int pages) {
    if (!quota.limited()) {
      return;
    }
    TaskQuota.Decision decision = quota.charge(AccessControl.principal(ctx).name(), pages);
    ctx.header("X-Quota-Limit", Long.toString(decision.limit()));
    ctx.header("X-Quota-Remaining", Long.toString(Math.max(0, decision.remaining())));
    if (!decision.allowed()) {
      ctx.header("Retry-After", Long.toString(decision.retryAfterSeconds()));
      throw new ApiException(429, "QUOTA_EXCEEDED", "this key may have " + decision.limit()
          + " pages read by the model per day (UTC); " + Math.max(0, decision.remaining())
          + " are left and this request needs " + pages);
    }
  }

  void classify(Context ctx) throws IOException {
    JsonNode body = taskBody(ctx);
    Generator generator = generator(body, "classify");
    DocumentPages pages = pages(ctx, body);
    String prompt = Bodies.text(body, "prompt");
    ClassifyTask chosen = classifyTask(body);
    charge(ctx, Math.min(ClassifyTask.MAX_PAGES, pages.images().size()));
    ClassifyTask.Classification result = run(ctx, () ->
        TaskRunner.run(chosen, generator, new ClassifyTask.Input(pages.images(), prompt)));
    ObjectNode out = dev.quire.tasks.ClassificationJson.of(result);
    context.audit().record(ServerApp.requestId(ctx), AccessControl.principal(ctx).name(),
        "task.classify", null, Map.of("model", generator.model(), "type", result.type(),
            "pages", result.pageCount()));
    ctx.json(out);
  }

  void extract(Context ctx) throws IOException {
    JsonNode body = taskBody(ctx);
    boolean reveal = body.path("reveal_identifiers").asBoolean(false);
    if (body.has("reveal_identifiers") && !body.get("reveal_identifiers").isBoolean()) {
      throw ApiException.invalid("reveal_identifiers must be true or false");
    }
    if (reveal && !AccessControl.principal(ctx).admin()) {
      throw new ApiException(403, "FORBIDDEN", "reveal_identifiers needs an admin key: EIN/SSN/TIN"
          + " values are masked to their last four digits for other keys");
    }
    ExtractionSchema schema = extractSchema(body);
    Generator generator = generator(body, "extract");
    DocumentPages pages = pages(ctx, body);
    String prompt = Bodies.text(body, "prompt");
    ExtractionSchema chosen = schema;
    charge(ctx, pages.images().size() + (chosen == null ? Math.min(ClassifyTask.MAX_PAGES, pages.images().size()) : 0));
    if (chosen == null) {
      ClassifyTask.Classification type = run(ctx, () ->
          TaskRunner.run(classify, generator, new ClassifyTask.Input(pages.images(), null)));
      chosen = ExtractionSchema.canonicalType(type.type()).map(ExtractionSchema::builtIn)
          .orElseThrow(() -> new ApiException(422, "NO_SCHEMA_FOR_TYPE", "the document was classified"
              + " as '" + type.type() + "', which has no built-in schema: pass doc_type or schema"));
    }
    ExtractionSchema finalSchema = chosen;
    Extraction result = run(ctx, () -> extract.extract(generator, new ExtractTask.Input(
        pages.images(), pages.texts(), finalSchema, prompt, reveal)));
    context.audit().record(ServerApp.requestId(ctx), AccessControl.principal(ctx).name(),
        "task.extract", null, Map.of("model", generator.model(), "doc_type", result.docType(),
            "pages", result.pageCount(), "fields", result.fields().size()));
    ctx.json(ExtractionJson.of(result));
  }

  void ask(Context ctx) throws IOException {
    JsonNode body = body(ctx);
    JsonNode questionNode = body.path("question");
    if (!questionNode.isTextual() || questionNode.asText().isBlank()) {
      throw ApiException.invalid("question must be a non-empty string");
    }
    String question = questionNode.asText();
    if (question.length() > 2000) {
      throw ApiException.invalid("question is " + question.length() + " characters; at most 2000");
    }
    int k = body.path("k").isMissingNode() || body.get("k").isNull() ? 4 : body.get("k").asInt(-1);
    if (!body.path("k").isMissingNode() && !body.get("k").isNull() && !body.get("k").isIntegralNumber()) {
      throw ApiException.invalid("k must be an integer");
    }
    if (k < 1 || k > 20) {
      throw ApiException.invalid("k must be in 1..20 (pages shown to the model), got " + k);
    }
    for (String flag : List.of("images", "stream")) {
      if (body.has(flag) && !body.get(flag).isBoolean()) {
        throw ApiException.invalid(flag + " must be true or false");
      }
    }
    boolean withImages = body.path("images").asBoolean(true);
    boolean stream = body.path("stream").asBoolean(false);
    String prompt = Bodies.text(body, "prompt");
    Generator generator = generator(body, "ask");
    Collection collection = access.readable(ctx, Bodies.text(body, "collection"));
    Principal caller = AccessControl.principal(ctx);
    List<SourcePage> pages;
    String documentId = Bodies.text(body, "document_id");
    if (body.has("page") && !body.get("page").isIntegralNumber()) {
      throw ApiException.invalid("page must be an integer");
    }
    if (body.has("page") && documentId == null) {
      throw ApiException.invalid("page needs the document_id it belongs to");
    }
    if (documentId != null && collection.quire().document(documentId).isEmpty()) {
      throw ApiException.notFound("DOCUMENT_NOT_FOUND", "no document '"
          + AccessControl.abbreviate(documentId) + "' in " + collection.name());
    }
    if (body.has("page")) {
      int page = body.get("page").asInt();
      pages = RetrievedPages.page(collection.quire(), documentId, page, withImages)
          .map(List::of).orElseThrow(() -> ApiException.notFound("PAGE_NOT_FOUND", "document '"
              + AccessControl.abbreviate(documentId) + "' has no page " + page + " with an image or text"));
    } else {
      pages = RetrievedPages.search(collection.quire(), question, k, withImages,
          documentId == null ? java.util.Set.of() : java.util.Set.of(documentId));
    }
    AskTask.Input input = new AskTask.Input(question, pages, prompt);
    charge(ctx, Math.max(1, pages.size()));
    Answer answer;
    if (stream) {
      ServerSentEvents events = ServerSentEvents.start(ctx);
      ObjectNode sources = context.json().createObjectNode();
      sources.set("sources", sources(collection, pages, caller));
      events.send("sources", sources);
      try {
        answer = ask.ask(generator, input,
            delta -> events.send("delta", context.json().createObjectNode().put("text", delta)),
            events::gone);
      } catch (RuntimeException e) {
        ObjectNode error = context.json().createObjectNode();
        error.put("code", e instanceof GeneratorBusyException ? "BACKEND_BUSY"
            : e instanceof RemoteBackendException ? "BACKEND_FAILED"
            : e instanceof PromptRefusedException ? "INVALID_REQUEST" : "INTERNAL");
        error.put("message", e instanceof GeneratorBusyException || e instanceof RemoteBackendException
            || e instanceof PromptRefusedException
            ? e.getMessage()
            : "the answer failed; the server log has the details under request id " + ServerApp.requestId(ctx));
        events.send("error", error);
        throw new ChatController.StreamEnded(e);
      }
      events.send("answer", answerJson(collection, answer, generator, caller));
    } else {
      answer = run(ctx, () -> ask.ask(generator, input, d -> {}, () -> false));
      ctx.json(answerJson(collection, answer, generator, caller));
    }
    context.audit().record(ServerApp.requestId(ctx), caller.name(), "task.ask", null,
        Map.of("model", generator.model(), "collection", collection.name(), "pages", pages.size(),
            "found", answer.found(), "citations", answer.citations().size(), "stream", stream));
  }

  private ObjectNode answerJson(Collection collection, Answer answer, Generator generator, Principal caller) {
    ObjectNode out = context.json().createObjectNode();
    out.put("question", answer.question());
    out.put("answer", answer.text());
    out.put("found", answer.found());
    ArrayNode citations = out.putArray("citations");
    for (Citation citation : answer.citations()) {
      citations.add(page(collection, citation.number(), citation.documentId(), citation.pageNumber(),
          citation.source(), caller));
    }
    out.set("sources", sources(collection, answer.sources(), caller));
    ArrayNode warnings = out.putArray("warnings");
    answer.warnings().forEach(warnings::add);
    out.put("model", generator.model());
    out.put("latency_ms", answer.latencyMillis());
    return out;
  }

  private ArrayNode sources(Collection collection, List<SourcePage> pages, Principal caller) {
    ArrayNode out = context.json().createArrayNode();
    for (SourcePage page : pages) {
      out.add(page(collection, page.number(), page.documentId(), page.pageNumber(), page.source(), caller));
    }
    return out;
  }

  private ObjectNode page(Collection collection, int number, String documentId, int page, String source,
      Principal caller) {
    ObjectNode out = context.json().createObjectNode();
    out.put("number", number);
    out.put("document_id", documentId);
    out.put("page", page);
    out.put("file_name", source.isEmpty() ? "" : String.valueOf(Path.of(source).getFileName()));
    out.put("image_url", links.pageImage(collection.name(), documentId, page, false, caller));
    out.put("thumbnail_url", links.pageImage(collection.name(), documentId, page, true, caller));
    return out;
  }

  /**
   * A task's request: JSON, or a multipart form whose file parts are the document (a PDF, or
   * page images in order) and whose fields are the JSON's ({@code schema} as JSON text).
   */
  private JsonNode taskBody(Context ctx) {
    if (!ctx.isMultipartFormData()) {
      return body(ctx);
    }
    ObjectNode body = context.json().createObjectNode();
    for (String field : List.of("prompt", "doc_type", "model", "collection")) {
      String value = Bodies.formField(ctx, field);
      if (value != null) {
        body.put(field, value);
      }
    }
    String schema = Bodies.formField(ctx, "schema");
    if (schema != null) {
      try {
        body.set("schema", ((com.fasterxml.jackson.databind.ObjectMapper) ctx.appData(ServerApp.JSON_KEY)).readTree(schema));
      } catch (IOException e) {
        throw ApiException.invalid("the schema field is not JSON: " + e.getMessage());
      }
    }
    String reveal = Bodies.formField(ctx, "reveal_identifiers");
    if (reveal != null) {
      if (!reveal.equals("true") && !reveal.equals("false")) {
        throw ApiException.invalid("reveal_identifiers must be true or false");
      }
      body.put("reveal_identifiers", Boolean.parseBoolean(reveal));
    }
    body.put(UPLOADED, true);
    return body;
  }

  /** Marks a body read from a multipart form: its pages are the uploaded files. */
  private static final String UPLOADED = "\u0000uploaded";

  private DocumentPages uploadedPages(Context ctx) throws IOException {
    List<io.javalin.http.UploadedFile> files = ctx.uploadedFiles();
    if (files.isEmpty()) {
      throw ApiException.invalid("the form holds no files; send the document (a PDF, or page images) as file parts");
    }
    int max = context.config().limits().maxFilesPerRequest();
    List<BufferedImage> pages = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (io.javalin.http.UploadedFile file : files) {
      Uploads.Received received = Uploads.receive(file.content(), file.filename(),
          context.config().limits().maxUploadBytes(), context.temporaryDirectory(), context.reader());
      try {
        DocumentPages read = DocumentPages.read(context.reader(), received.file(), max - pages.size());
        pages.addAll(read.images());
        texts.addAll(read.texts());
      } catch (IllegalArgumentException e) {
        throw ApiException.invalid("the document has over " + max + " pages; at most " + max + " per request");
      } catch (dev.quire.datasets.DocumentRejectedException e) {
        throw Uploads.rejected(e, received.fileName());
      } finally {
        java.nio.file.Files.deleteIfExists(received.file());
      }
    }
    return new DocumentPages(pages, texts);
  }

  private static JsonNode body(Context ctx) {
    JsonNode body = Bodies.json(ctx, JsonNode.class);
    if (body == null || !body.isObject()) {
      throw ApiException.invalid("the body must be a JSON object");
    }
    return body;
  }

  private Generator generator(JsonNode body, String task) {
    if (context.generators().isEmpty()) {
      throw new ApiException(503, "NO_GENERATION_BACKEND", "document tasks need a generation"
          + " backend and none is configured: start the server with --generation-model DIR, or"
          + " name backends under generation.backends in its settings");
    }
    try {
      String model = Bodies.text(body, "model");
      // a request naming no model goes to the backend configured for the task, if any
      return context.generators().forModel(model != null ? model : context.config().taskBackends().get(task));
    } catch (IllegalArgumentException e) {
      throw new ApiException(404, "MODEL_NOT_FOUND", e.getMessage());
    }
  }

  /** Runs a task, the model's and the backend's failures mapped to their status codes. */
  private static <T> T run(Context ctx, Supplier<T> task) {
    try {
      return task.get();
    } catch (GeneratorBusyException e) {
      ctx.header("Retry-After", "1");
      throw new ApiException(429, "BACKEND_BUSY", e.getMessage());
    } catch (PromptRefusedException e) {
      throw ApiException.invalid(e.getMessage() + " (send fewer or smaller pages)");
    } catch (UnparseableOutputException e) {
      throw new ApiException(502, "MODEL_OUTPUT_UNREADABLE", e.getMessage());
    } catch (RemoteBackendException e) {
      throw new ApiException(502, "BACKEND_FAILED", e.getMessage());
    }
  }

  private DocumentPages pages(Context ctx, JsonNode body) throws IOException {
    if (body.has(UPLOADED)) {
      return uploadedPages(ctx);
    }
    Bodies.expect(body, "image_urls", JsonNode::isArray, "an array of strings");
    Bodies.expect(body, "document_id", JsonNode::isTextual, "a string");
    JsonNode urls = body.path("image_urls");
    boolean hasUrls = urls.isArray() && !urls.isEmpty();
    boolean hasDocument = body.path("document_id").isTextual();
    if (hasUrls == hasDocument) {
      throw ApiException.invalid("give image_urls (a non-empty array) or document_id, not both");
    }
    List<BufferedImage> pages = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    int max = context.config().limits().maxFilesPerRequest();
    if (hasUrls) {
      if (urls.size() > max) {
        throw ApiException.invalid("at most " + max + " image_urls per request");
      }
      for (int i = 0; i < urls.size(); i++) {
        if (!urls.get(i).isTextual()) {
          throw ApiException.invalid("image_urls[" + i + "] must be a string");
        }
        pages.add(images.image(ctx, urls.get(i).asText(), "image_urls[" + i + "]"));
        texts.add("");
      }
      return new DocumentPages(pages, texts);
    }
    Collection collection = access.readable(ctx, Bodies.text(body, "collection"));
    String id = body.get("document_id").asText();
    DocumentRecord document = collection.quire().document(id).orElseThrow(() -> ApiException.notFound(
        "DOCUMENT_NOT_FOUND", "no document '" + AccessControl.abbreviate(id) + "' in " + collection.name()));
    DocumentPages stored = DocumentPages.indexed(collection.quire(), document, max);
    if (stored.images().isEmpty()) {
      throw ApiException.invalid("document '" + AccessControl.abbreviate(id) + "' has no page images");
    }
    return stored;
  }

  // ------------------------------------------------------------------ batch jobs

  /**
   * {@code POST /v1/classify/jobs} and {@code /v1/extract/jobs}: the task over documents of a
   * collection ({@code document_ids}, default all) as a job — 202 with the job, its progress at
   * {@code /v1/jobs/{id}/events}, its results (a JSON line per document, in the single call's
   * shape) at {@code /v1/jobs/{id}/results}, a webhook when it ends, resumed after a restart.
   */
  void submitJob(Context ctx, String task) throws IOException {
    JsonNode body = body(ctx);
    Collection collection = access.readable(ctx, Bodies.text(body, "collection"));
    generator(body, task); // refuses now what the job could not run
    List<String> ids = new ArrayList<>();
    JsonNode named = body.get("document_ids");
    if (named == null || named.isNull()) {
      collection.quire().documents().forEach(d -> ids.add(d.documentId()));
    } else {
      if (!named.isArray() || named.isEmpty()) {
        throw ApiException.invalid("document_ids must be a non-empty array (leave it out for every document)");
      }
      for (JsonNode id : named) {
        if (!id.isTextual()) {
          throw ApiException.invalid("document_ids holds strings, not " + Bodies.kind(id), "document_ids");
        }
        if (collection.quire().document(id.asText()).isEmpty()) {
          throw ApiException.notFound("DOCUMENT_NOT_FOUND", "no document '"
              + AccessControl.abbreviate(id.asText()) + "' in " + collection.name());
        }
        if (!ids.contains(id.asText())) {
          ids.add(id.asText());
        }
      }
    }
    if (ids.isEmpty()) {
      throw ApiException.invalid("collection " + collection.name() + " holds no documents");
    }
    ObjectNode options = context.json().createObjectNode();
    for (String field : List.of("doc_type", "schema", "labels", "prompt", "reveal_identifiers", "model")) {
      if (body.has(field) && !body.get(field).isNull()) {
        options.set(field, body.get(field));
      }
    }
    if (task.equals("classify")) {
      classifyTask(options);
    } else {
      extractSchema(options);
      if (options.path("reveal_identifiers").asBoolean(false) && !AccessControl.principal(ctx).admin()) {
        throw new ApiException(403, "FORBIDDEN", "reveal_identifiers needs an admin key");
      }
    }
    int pages = 0;
    for (String id : ids) {
      pages += collection.quire().document(id).map(DocumentRecord::pageCount).orElse(0);
    }
    charge(ctx, pages);
    Bodies.bool(body, "reveal_identifiers", false);
    Bodies.text(body, "prompt");
    String webhook = IndexController.webhook(context, Bodies.text(body, "webhook_url"));
    Principal caller = AccessControl.principal(ctx);
    dev.quire.server.jobs.JobRecord job = context.jobs().submitTask(collection,
        new dev.quire.server.jobs.JobRecord.TaskJob(task, options), ids, webhook, caller.name(),
        ServerApp.requestId(ctx));
    ctx.status(202).header("Location", "/v1/jobs/" + job.id()).json(dev.quire.server.jobs.JobView.of(job));
  }

  /** The classify task a request's (or a job's) labels make. */
  private ClassifyTask classifyTask(JsonNode body) {
    if (!body.has("labels")) {
      return classify;
    }
    JsonNode labels = body.get("labels");
    List<String> names = new ArrayList<>();
    if (!labels.isArray() || labels.isEmpty()) {
      throw ApiException.invalid("labels must be a non-empty array of strings");
    }
    for (JsonNode label : labels) {
      if (!label.isTextual() || label.asText().isBlank()) {
        throw ApiException.invalid("labels must be a non-empty array of strings");
      }
      names.add(label.asText());
    }
    try {
      return new ClassifyTask(names);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(e.getMessage());
    }
  }

  /** The schema a request's (or a job's) doc_type or schema names; null: classify first. */
  private static ExtractionSchema extractSchema(JsonNode body) {
    if (body.has("doc_type") && !body.get("doc_type").isTextual() && !body.get("doc_type").isNull()) {
      throw ApiException.invalid("doc_type must be a string");
    }
    String docType = body.path("doc_type").isTextual() ? body.get("doc_type").asText() : null;
    JsonNode schemaNode = body.get("schema");
    try {
      if (schemaNode != null && !schemaNode.isNull()) {
        return ExtractionSchema.custom(docType, schemaNode);
      }
      return docType == null ? null : ExtractionSchema.builtIn(docType);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(e.getMessage());
    }
  }

  /** Runs the document-task jobs (see {@link #submitJob}). */
  dev.quire.server.jobs.TaskExecutor executor() {
    return this::runJob;
  }

  private dev.quire.server.jobs.TaskExecutor.Outcome runJob(Collection collection,
      dev.quire.server.jobs.JobRecord job, Path results, dev.quire.server.jobs.TaskExecutor.Progress progress,
      java.util.function.BooleanSupplier cancelled) throws IOException {
    JsonNode options = job.task().options();
    java.util.function.Function<DocumentPages, ObjectNode> task;
    try {
      task = jobTask(job.task().name(), options, generator(options, job.task().name()));
    } catch (ApiException e) {
      throw new IllegalStateException(e.getMessage());
    }
    List<String> done = new ArrayList<>();
    List<dev.quire.server.jobs.JobRecord.Skipped> failed = new ArrayList<>();
    java.util.Set<String> recorded = ResultsFile.resume(results, context.json(), done, failed);
    int pageCount = 0;
    try (ResultsFile out = ResultsFile.open(results)) {
      for (String id : job.files()) {
        if (recorded.contains(id)) {
          continue;
        }
        if (cancelled.getAsBoolean()) {
          return new dev.quire.server.jobs.TaskExecutor.Outcome(done, failed, pageCount, true);
        }
        ObjectNode line = context.json().createObjectNode().put("document_id", id);
        Optional<DocumentRecord> document = collection.quire().document(id);
        if (document.isEmpty()) {
          line.put("error", "the document is no longer in the collection");
          failed.add(new dev.quire.server.jobs.JobRecord.Skipped(id, 0, "DOCUMENT_NOT_FOUND", line.get("error").asText()));
          out.append(line);
          progress.finished(id);
          continue;
        }
        line.put("file_name", Views.fileName(document.get()));
        DocumentPages pages = DocumentPages.indexed(collection.quire(), document.get(),
            context.config().limits().maxPagesPerDocument());
        progress.started(id, pages.images().size());
        try {
          line.setAll(busyRetried(() -> task.apply(pages), cancelled));
          done.add(id);
          pageCount += pages.images().size();
        } catch (UnparseableOutputException | RemoteBackendException | IllegalArgumentException
            | ApiException e) {
          line.put("error", e.getMessage());
          failed.add(new dev.quire.server.jobs.JobRecord.Skipped(id, 0, e instanceof UnparseableOutputException
              ? "MODEL_OUTPUT_UNREADABLE" : e instanceof RemoteBackendException ? "BACKEND_FAILED" : "TASK_FAILED",
              e.getMessage()));
        }
        out.append(line);
        progress.finished(id);
      }
    }
    return new dev.quire.server.jobs.TaskExecutor.Outcome(done, failed, pageCount, false);
  }

  /** A job waits its turn at a busy backend instead of failing the document. */
  private static ObjectNode busyRetried(Supplier<ObjectNode> task, java.util.function.BooleanSupplier cancelled) {
    while (true) {
      try {
        return task.get();
      } catch (GeneratorBusyException e) {
        if (cancelled.getAsBoolean()) {
          throw e;
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** The job's task with its options read once: a document's pages to its result. */
  private java.util.function.Function<DocumentPages, ObjectNode> jobTask(String task, JsonNode options,
      Generator generator) {
    String prompt = options.path("prompt").isTextual() ? options.get("prompt").asText() : null;
    if (task.equals("classify")) {
      ClassifyTask chosen = classifyTask(options);
      return pages -> dev.quire.tasks.ClassificationJson.of(TaskRunner.run(chosen, generator,
          new ClassifyTask.Input(pages.images(), prompt)));
    }
    ExtractionSchema fixed = extractSchema(options);
    boolean reveal = options.path("reveal_identifiers").asBoolean(false);
    return pages -> {
      ExtractionSchema schema = fixed;
      if (schema == null) {
        ClassifyTask.Classification type = TaskRunner.run(classify, generator,
            new ClassifyTask.Input(pages.images(), null));
        schema = ExtractionSchema.canonicalType(type.type()).map(ExtractionSchema::builtIn)
            .orElseThrow(() -> new IllegalArgumentException("classified as '" + type.type()
                + "', which has no built-in schema: pass doc_type or schema"));
      }
      return ExtractionJson.of(extract.extract(generator,
          new ExtractTask.Input(pages.images(), pages.texts(), schema, prompt, reveal)));
    };
  }
}
