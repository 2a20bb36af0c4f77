package dev.quire.textembedding;

/**
 * A text-embedding model as an index records it, so vectors from another model are refused.
 *
 * @param name e.g. {@code bge-small-en-v1.5-int8}
 * @param dimension the vector size
 * @param maxTokens tokens read per text, special tokens included
 * @param sha256 of the model file
 */
public record TextModelInfo(String name, int dimension, int maxTokens, String sha256) {}
