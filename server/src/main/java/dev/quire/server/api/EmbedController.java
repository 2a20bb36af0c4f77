package dev.quire.server.api;

import dev.quire.datasets.DocumentRejectedException;
import dev.quire.datasets.LoadedDocument;
import dev.quire.encoder.EncoderInfo;
import dev.quire.encoder.MultiVector;
import dev.quire.encoder.MultiVectorEncoder;
import dev.quire.server.security.UrlFetcher;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/embed/text} and {@code /v1/embed/image}: the multi-vector embedding (one vector
 * per token) and its pooled single vector, from the server's model.
 */
final class EmbedController {

  record TextBody(String text, List<String> texts) {}

  /** One of the two: the image's bytes in base64 (a data: URL is fine), or a URL to fetch. */
  record ImageBody(String imageBase64, String imageUrl) {}

  static final int MAX_TEXTS = 32;

  private final ServerContext context;

  EmbedController(ServerContext context) {
    this.context = context;
  }

  void text(Context ctx) {
    TextBody body = Bodies.json(ctx, TextBody.class);
    MultiVectorEncoder encoder = encoder("text embedding");
    List<String> texts;
    if ((body.text() == null) == (body.texts() == null)) {
      throw ApiException.invalid("give exactly one of text and texts");
    }
    texts = body.text() != null ? List.of(body.text()) : body.texts();
    if (texts.isEmpty() || texts.size() > MAX_TEXTS || Bodies.hasNull(texts)) {
      throw ApiException.invalid("texts must hold 1.." + MAX_TEXTS + " strings");
    }
    int max = context.config().limits().maxQueryChars();
    for (String text : texts) {
      if (text.isBlank() || text.length() > max) {
        throw ApiException.invalid("each text must be 1.." + max + " characters and not blank");
      }
    }
    List<Views.Embedding> out = new ArrayList<>();
    for (MultiVector v : encoder.encodeQueries(texts)) {
      out.add(view(v, encoder.pooledQuery(v)));
    }
    EncoderInfo info = encoder.info();
    ctx.json(new Views.Embeddings(info.name(), info.dimension(), out));
  }

  void image(Context ctx) throws Exception {
    MultiVectorEncoder encoder = encoder("image embedding");
    long max = context.config().limits().maxUploadBytes();
    Uploads.Received received;
    if (ctx.isMultipartFormData()) {
      List<UploadedFile> files = ctx.uploadedFiles();
      if (files.size() != 1) {
        throw ApiException.invalid("send exactly one image as a multipart file part, got " + files.size());
      }
      received =
          Uploads.receive(
              files.get(0).content(), files.get(0).filename(), max, context.temporaryDirectory(),
              context.reader());
    } else {
      ImageBody body = Bodies.json(ctx, ImageBody.class);
      if ((body.imageBase64() == null) == (body.imageUrl() == null)) {
        throw ApiException.invalid("give exactly one of image_base64 and image_url");
      }
      if (body.imageUrl() != null) {
        UrlFetcher fetcher = context.imageFetcher();
        if (fetcher == null) {
          throw new ApiException(
              400, "URL_FETCH_DISABLED", "fetching image URLs is disabled on this server (imageUrls.enabled)");
        }
        received = Fetching.fetch(context, fetcher, body.imageUrl());
      } else {
        received =
            Uploads.receive(
                new ByteArrayInputStream(Uploads.base64(body.imageBase64(), max, "image_base64")), "image", max,
                context.temporaryDirectory(), context.reader());
      }
    }
    try {
      if (!received.source().mediaType().startsWith("image/")) {
        throw new ApiException(
            415, "UNSUPPORTED_TYPE",
            "embed/image takes one image, not " + received.source().mediaType()
                + "; index documents with /v1/index");
      }
      BufferedImage image;
      try (LoadedDocument document = context.reader().open(received.file())) {
        if (document.pageCount() != 1) {
          throw ApiException.invalid(
              "the image has " + document.pageCount() + " frames or pages; send one");
        }
        image = document.page(1).image();
      } catch (DocumentRejectedException e) {
        throw Uploads.rejected(e, received.fileName());
      }
      MultiVector vectors = encoder.encodePages(List.of(image)).get(0);
      EncoderInfo info = encoder.info();
      ctx.json(new Views.Embeddings(info.name(), info.dimension(), List.of(view(vectors, vectors.meanPooled()))));
    } finally {
      Files.deleteIfExists(received.file());
    }
  }

  private MultiVectorEncoder encoder(String what) {
    return context.collections().encoder().orElseThrow(() -> ApiException.modelNotLoaded(what));
  }

  /** Queries pool as the model says (ColQwen3: the last token), pages by their mean. */
  private static Views.Embedding view(MultiVector v, float[] pooled) {
    float[][] vectors = new float[v.tokens()][];
    for (int t = 0; t < v.tokens(); t++) {
      vectors[t] = v.token(t);
    }
    return new Views.Embedding(v.tokens(), v.dimension(), vectors, pooled);
  }
}
