package dev.quire.generation;

/** A token id and its log-probability under the model at one step. */
public record TokenLogprob(int tokenId, double logprob) {}
