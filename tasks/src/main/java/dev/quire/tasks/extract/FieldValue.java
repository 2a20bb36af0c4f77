package dev.quire.tasks.extract;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One extracted value: where it sits in {@code data} ({@code total},
 * {@code line_items[2].amount}), the value after normalisation (masked if sensitive), the text
 * the model wrote, the probability of that text's tokens (null without token probabilities),
 * the 1-based page it came from, and its currency (amounts only).
 */
public record FieldValue(String path, JsonNode value, String printed, Double confidence, int page,
    String currency) {

  FieldValue atPath(String newPath) {
    return new FieldValue(newPath, value, printed, confidence, page, currency);
  }
}
