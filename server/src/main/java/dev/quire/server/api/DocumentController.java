package dev.quire.server.api;

import dev.quire.index.DocumentBusyException;
import dev.quire.index.DocumentRecord;
import dev.quire.server.collections.Collection;
import dev.quire.server.security.Principal;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The documents of a collection: list, one, delete, and page images. */
final class DocumentController {

  private final ServerContext context;
  private final AccessControl access;
  private final Links links;

  DocumentController(ServerContext context, AccessControl access) {
    this.context = context;
    this.access = access;
    this.links = new Links(context);
  }

  void list(Context ctx) {
    Collection collection = access.readable(ctx, ctx.queryParam("collection"));
    int offset = Bodies.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    int limit = Bodies.intParam(ctx, "limit", 100, 1, 1000);
    List<DocumentRecord> all = new ArrayList<>(collection.quire().documents());
    all.sort(Comparator.comparing(DocumentRecord::indexedAt).reversed()
        .thenComparing(DocumentRecord::documentId));
    Principal caller = AccessControl.principal(ctx);
    List<Views.Document> page =
        all.stream().skip(offset).limit(limit).map(d -> view(collection, d, caller)).toList();
    ctx.json(new Views.DocumentList(collection.name(), all.size(), offset, page));
  }

  void get(Context ctx) {
    Collection collection = access.readable(ctx, ctx.queryParam("collection"));
    DocumentRecord document = find(collection, Bodies.documentId(ctx));
    Principal caller = AccessControl.principal(ctx);
    List<Views.Page> pages = new ArrayList<>();
    for (int n = 1; n <= document.pageCount(); n++) {
      if (collection.quire().pageImage(document.documentId(), n, false).isPresent()) {
        pages.add(
            new Views.Page(
                n,
                links.pageImage(collection.name(), document.documentId(), n, false, caller),
                links.pageImage(collection.name(), document.documentId(), n, true, caller)));
      }
    }
    ctx.json(new Views.DocumentDetail(view(collection, document, caller), pages,
        original(collection, document).isPresent()
            ? links.originalFile(collection.name(), document.documentId(), caller)
            : null));
  }

  /**
   * The document's original file, where the server may hand it out: an upload it keeps in the
   * collection, or a file under an allowed root that is still there.
   */
  private Optional<Path> original(Collection collection, DocumentRecord document) {
    Path source = Path.of(document.sourcePath()).toAbsolutePath().normalize();
    if (!Files.isRegularFile(source)) {
      return Optional.empty();
    }
    if (source.startsWith(collection.uploadsDirectory().toAbsolutePath().normalize())) {
      return Optional.of(source);
    }
    try {
      return context.allowedRoots().isUnderRoot(source.toRealPath()) ? Optional.of(source) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** {@code GET /v1/documents/{id}/file}: the original file, under its own name and type. */
  void file(Context ctx) throws IOException {
    Collection collection = access.readable(ctx, ctx.queryParam("collection"));
    DocumentRecord document = find(collection, Bodies.documentId(ctx));
    Path file = original(collection, document).orElseThrow(() -> ApiException.notFound(
        "FILE_NOT_KEPT", "the original file of '" + AccessControl.abbreviate(document.documentId())
            + "' is no longer on the server (its pages are)"));
    String name = Views.fileName(document);
    ctx.header("Content-Disposition", "inline; filename*=UTF-8''"
        + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
    ctx.header("X-Content-Type-Options", "nosniff");
    send(ctx, file, document.mediaType(),
        ApiException.notFound("FILE_NOT_KEPT", "the original file was just deleted"));
  }

  /** Streams a file uncompressed; {@code gone} when it was deleted after it was looked up. */
  private static void send(Context ctx, Path file, String contentType, ApiException gone) throws IOException {
    InputStream in;
    long length;
    try {
      length = Files.size(file);
      in = Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw gone;
    }
    ctx.header("Content-Length", Long.toString(length));
    ctx.contentType(contentType);
    ctx.disableCompression();
    ctx.result(in);
  }

  void delete(Context ctx) throws IOException {
    Collection collection = access.readable(ctx, ctx.queryParam("collection"));
    Principal caller = AccessControl.principal(ctx);
    if (!caller.canWrite(collection.name())) {
      throw ApiException.forbidden(
          "key '" + caller.name() + "' may not change collection '" + collection.name() + "'");
    }
    String id = Bodies.documentId(ctx);
    Optional<DocumentRecord> before = collection.quire().document(id);
    boolean deleted;
    try {
      deleted = collection.quire().delete(id);
    } catch (DocumentBusyException e) {
      throw new ApiException(
          409, "DOCUMENT_BUSY", "document '" + id + "' is being indexed; delete it when its job ends");
    }
    if (!deleted) {
      throw ApiException.notFound("DOCUMENT_NOT_FOUND", "no document '" + AccessControl.abbreviate(id) + "' in " + collection.name());
    }
    // an upload kept as the document's original goes with it (files under allowed roots stay)
    if (before.isPresent()) {
      context.jobs().removeOriginal(collection, Path.of(before.get().sourcePath()));
    }
    context.audit().record(
        ServerApp.requestId(ctx), caller.name(), "document.deleted", collection.name(),
        Map.of("document", id));
    ctx.json(new Views.Deleted(collection.name(), id, true));
  }

  void image(Context ctx) throws IOException {
    Collection collection = access.readable(ctx, ctx.queryParam("collection"));
    String size = ctx.queryParam("size") == null ? "full" : ctx.queryParam("size");
    if (!size.equals("full") && !size.equals("thumbnail")) {
      throw ApiException.invalid("size must be full or thumbnail, got '" + AccessControl.abbreviate(size) + "'");
    }
    String id = Bodies.documentId(ctx);
    int page = Bodies.pageNumber(ctx);
    Optional<Path> file = collection.quire().pageImage(id, page, size.equals("thumbnail"));
    if (file.isEmpty()) {
      throw ApiException.notFound(
          "PAGE_NOT_FOUND", "no page " + page + " image of document '" + AccessControl.abbreviate(id) + "' in " + collection.name());
    }
    ctx.header("Cache-Control", "private, max-age=3600");
    send(ctx, file.get(), size.equals("thumbnail") ? "image/jpeg" : "image/png",
        ApiException.notFound("PAGE_NOT_FOUND", "the page was just deleted"));
  }

  private static DocumentRecord find(Collection collection, String id) {
    return collection.quire().document(id)
        .orElseThrow(
            () -> ApiException.notFound("DOCUMENT_NOT_FOUND", "no document '" + AccessControl.abbreviate(id) + "' in " + collection.name()));
  }

  private Views.Document view(Collection collection, DocumentRecord d, Principal caller) {
    boolean uploaded = Path.of(d.sourcePath()).startsWith(collection.uploadsDirectory().toAbsolutePath());
    return new Views.Document(
        d.documentId(),
        Views.fileName(d),
        uploaded ? "upload" : "path",
        d.mediaType(),
        d.sizeBytes(),
        d.pageCount(),
        d.indexedAt(),
        d.metadata(),
        d.pageCount() > 0
            ? links.pageImage(collection.name(), d.documentId(), 1, true, caller)
            : null);
  }
}
