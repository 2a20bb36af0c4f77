package dev.quire.retrieval;

import dev.quire.index.Snippet;

/**
 * One ranked page.
 *
 * @param score the last scorer's score (MaxSim), or BM25 when no embedding was used, or the RRF
 *     score under fusion
 * @param snippet the best passage of the page text and where the query matched in it (plain
 *     text: markup is the business of whoever shows it); empty when not asked for
 * @param sourcePath the file the page came from
 */
public record SearchHit(
    int rank,
    String documentId,
    int pageNumber,
    float score,
    Snippet snippet,
    String sourcePath,
    long pageId) {}
