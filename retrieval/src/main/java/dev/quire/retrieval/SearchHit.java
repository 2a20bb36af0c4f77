package dev.quire.retrieval;

/**
 * One ranked page.
 *
 * @param score the last scorer's score (MaxSim), or BM25 when no embedding was used, or the RRF
 *     score under fusion
 * @param snippet HTML: escaped page text with the query's matches in {@code <b>}
 * @param sourcePath the file the page came from
 */
public record SearchHit(
    int rank,
    String documentId,
    int pageNumber,
    float score,
    String snippet,
    String sourcePath,
    long pageId) {}
