package dev.quire.retrieval;

/** A page and its score in one ranking. */
record Ranked(long pageId, float score) {}
