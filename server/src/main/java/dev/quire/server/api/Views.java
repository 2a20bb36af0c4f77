package dev.quire.server.api;

import dev.quire.index.DocumentRecord;
import dev.quire.retrieval.SearchStats;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The JSON shapes of responses (snake_case on the wire). */
final class Views {
  private Views() {}

  record Error(Body error) {
    /** @param param the request field or query parameter at fault, when one is (else left out) */
    record Body(
        String code,
        String message,
        String requestId,
        @com.fasterxml.jackson.annotation.JsonInclude(
                com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            String param) {}
  }

  /** OpenAI's error shape: {"error": {"message", "type", "param", "code"}}. */
  record OpenAiError(Body error) {
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
    record Body(String message, String type, String param, String code) {}
  }

  record Document(
      String documentId,
      String fileName,
      String source,
      String mediaType,
      long sizeBytes,
      int pageCount,
      Instant indexedAt,
      Map<String, String> metadata,
      String thumbnailUrl) {}

  record Page(int page, String imageUrl, String thumbnailUrl) {}

  /** @param fileUrl the original file as it was indexed; null when the server no longer has it */
  record DocumentDetail(Document document, List<Page> pages, String fileUrl) {}

  record DocumentList(String collection, int total, int offset, List<Document> documents) {}

  record Deleted(String collection, String documentId, boolean deleted) {}

  record Collection(
      String name,
      long documents,
      long pages,
      long pagesWithVectors,
      String model,
      boolean writable) {}

  record Collections(List<Collection> collections) {}

  record TokenMap(int token, String text, float[] scores, int best, float maxSim) {}

  record Similarity(
      String collection,
      String documentId,
      int page,
      String query,
      int rows,
      int cols,
      String imageUrl,
      List<TokenMap> tokens) {}

  record Embedding(int tokens, int dimension, float[][] vectors, float[] pooled) {}

  record Embeddings(String model, int dimension, List<Embedding> embeddings) {}

  record Model(String name, String checkpointHash, int dimension) {}

  static String fileName(DocumentRecord record) {
    String name = record.metadata().get("fileName");
    if (name != null) {
      return name;
    }
    int slash = Math.max(record.sourcePath().lastIndexOf('/'), record.sourcePath().lastIndexOf('\\'));
    return record.sourcePath().substring(slash + 1);
  }

  static double round(double millis) {
    return Math.round(millis * 1000) / 1000.0;
  }
}
