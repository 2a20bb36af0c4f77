package dev.quire.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.generation.backend.Generator;
import dev.quire.generation.backend.GeneratorBusyException;
import dev.quire.generation.backend.RemoteBackendException;
import dev.quire.index.DocumentRecord;
import dev.quire.server.collections.Collection;
import dev.quire.tasks.ClassifyTask;
import dev.quire.tasks.TaskRunner;
import dev.quire.tasks.output.UnparseableOutputException;
import io.javalin.http.Context;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * {@code POST /v1/classify} in the document gateway's shape: {@code image_urls} (data URLs, pages
 * Quire holds as quire://documents/{id}/pages/{n}, http(s) when enabled) or the
 * {@code document_id} of an indexed document (with its {@code collection}), an optional
 * {@code prompt} and {@code model}; the answer {@code type}, {@code confidence},
 * {@code reasoning}, {@code latency_ms}, plus {@code page_count} and {@code warnings}. A document
 * of several pages is classified once.
 */
final class ClassifyController {

  private final ServerContext context;
  private final AccessControl access;
  private final ChatController images;
  private final ClassifyTask task = new ClassifyTask(ClassifyTask.DEFAULT_LABELS);

  ClassifyController(ServerContext context, AccessControl access, ChatController images) {
    this.context = context;
    this.access = access;
    this.images = images;
  }

  void classify(Context ctx) throws IOException {
    JsonNode body = Bodies.json(ctx, JsonNode.class);
    if (body == null || !body.isObject()) {
      throw ApiException.invalid("the body must be a JSON object");
    }
    if (context.generators().isEmpty()) {
      throw new ApiException(503, "NO_GENERATION_BACKEND", "classification needs a generation"
          + " backend and none is configured: start the server with --generation-model DIR, or"
          + " name backends under generation.backends in its settings");
    }
    Generator generator;
    try {
      String model = body.path("model").asText(null);
      // a request naming no model goes to the backend configured for the task, if any
      generator = context.generators().forModel(model != null ? model
          : context.config().taskBackends().get("classify"));
    } catch (IllegalArgumentException e) {
      throw new ApiException(404, "MODEL_NOT_FOUND", e.getMessage());
    }
    List<BufferedImage> pages = pages(ctx, body);
    String prompt = body.path("prompt").isTextual() ? body.get("prompt").asText() : null;
    ClassifyTask.Classification result;
    try {
      result = TaskRunner.run(task, generator, new ClassifyTask.Input(pages, prompt));
    } catch (GeneratorBusyException e) {
      ctx.header("Retry-After", "1");
      throw new ApiException(429, "BACKEND_BUSY", e.getMessage());
    } catch (UnparseableOutputException e) {
      throw new ApiException(502, "MODEL_OUTPUT_UNREADABLE", e.getMessage());
    } catch (RemoteBackendException e) {
      throw new ApiException(502, "BACKEND_FAILED", e.getMessage());
    }
    ObjectNode out = context.json().createObjectNode();
    out.put("type", result.type());
    if (result.confidence() != null) {
      out.put("confidence", Math.round(result.confidence() * 10_000) / 10_000.0);
    } else {
      out.putNull("confidence");
    }
    out.put("reasoning", result.reasoning());
    out.put("latency_ms", result.latencyMillis());
    out.put("page_count", result.pageCount());
    ArrayNode warnings = out.putArray("warnings");
    result.warnings().forEach(warnings::add);
    context.audit().record(ServerApp.requestId(ctx), AccessControl.principal(ctx).name(),
        "task.classify", null, Map.of("model", generator.model(), "type", result.type(),
            "pages", result.pageCount()));
    ctx.json(out);
  }

  private List<BufferedImage> pages(Context ctx, JsonNode body) throws IOException {
    JsonNode urls = body.path("image_urls");
    boolean hasUrls = urls.isArray() && !urls.isEmpty();
    boolean hasDocument = body.path("document_id").isTextual();
    if (hasUrls == hasDocument) {
      throw ApiException.invalid("give image_urls (a non-empty array) or document_id, not both");
    }
    List<BufferedImage> pages = new ArrayList<>();
    if (hasUrls) {
      int max = context.config().limits().maxFilesPerRequest();
      if (urls.size() > max) {
        throw ApiException.invalid("at most " + max + " image_urls per request");
      }
      for (int i = 0; i < urls.size(); i++) {
        if (!urls.get(i).isTextual()) {
          throw ApiException.invalid("image_urls[" + i + "] must be a string");
        }
        pages.add(images.image(ctx, urls.get(i).asText(), "image_urls[" + i + "]"));
      }
      return pages;
    }
    Collection collection = access.readable(ctx, body.path("collection").asText(null));
    String id = body.get("document_id").asText();
    DocumentRecord document = collection.quire().document(id).orElseThrow(() -> ApiException.notFound(
        "DOCUMENT_NOT_FOUND", "no document '" + AccessControl.abbreviate(id) + "' in " + collection.name()));
    int max = context.config().limits().maxFilesPerRequest();
    for (int n = 1; n <= Math.min(document.pageCount(), max); n++) {
      Optional<Path> file = collection.quire().pageImage(id, n, false);
      if (file.isPresent()) {
        BufferedImage image = ImageIO.read(file.get().toFile());
        if (image != null) {
          pages.add(image);
        }
      }
    }
    if (pages.isEmpty()) {
      throw ApiException.invalid("document '" + AccessControl.abbreviate(id) + "' has no page images");
    }
    return pages;
  }
}
