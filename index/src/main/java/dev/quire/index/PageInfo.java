package dev.quire.index;

/** A visible page: {@code pageId} is the internal id used by {@link VectorReader}. */
public record PageInfo(
    long pageId, String documentId, int pageNumber, String text, boolean hasVectors) {}
