package dev.quire.index;

/**
 * A BM25 hit.
 *
 * @param snippet HTML: the best passage of the page text, escaped, with matched terms in {@code
 *     <b>}; the start of the page when no term can be highlighted
 */
public record TextHit(long pageId, String documentId, int pageNumber, float score, String snippet) {}
