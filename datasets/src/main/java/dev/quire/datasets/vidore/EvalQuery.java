package dev.quire.datasets.vidore;

import java.util.Optional;

/**
 * A benchmark query.
 *
 * @param id the query id used in the dataset's qrels and in runs
 * @param text the query text
 * @param language the dataset's language value (v2 and v3, e.g. {@code english}), if any
 */
public record EvalQuery(String id, String text, Optional<String> language) {}
