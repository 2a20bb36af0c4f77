package dev.quire.index;

/**
 * A BM25 hit.
 *
 * @param snippet the best passage of the page text and where the terms matched in it; the start
 *     of the page when no term can be highlighted; empty when snippets were not asked for
 */
public record TextHit(long pageId, String documentId, int pageNumber, float score, Snippet snippet) {}
