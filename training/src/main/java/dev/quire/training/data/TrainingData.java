package dev.quire.training.data;

import java.util.List;

/**
 * Examples split into those trained on and those held out for evaluation: split by document, so
 * no page of a held-out document is ever trained on.
 */
public record TrainingData(List<TrainingExample> train, List<TrainingExample> heldOut, DataReport report) {
  public TrainingData {
    train = List.copyOf(train);
    heldOut = List.copyOf(heldOut);
  }
}
