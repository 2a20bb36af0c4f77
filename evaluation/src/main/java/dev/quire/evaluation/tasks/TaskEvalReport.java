package dev.quire.evaluation.tasks;

import java.util.List;
import java.util.Map;

/**
 * The scores of a tasks evaluation against the synthetic corpus's ground truth.
 *
 * @param classification accuracy and the confusion counts (truth label → predicted label → n)
 * @param extraction field-level precision, recall and F1 over the scalar fields the ground truth
 *     names, overall and per document type
 * @param ask per question: whether search showed the model the page that answers it, whether the
 *     answer cites that page, whether it holds the printed answer, and whether it said not found
 */
public record TaskEvalReport(TaskEvalSettings settings, Classification classification,
    Extraction extraction, Ask ask, List<String> notes) {

  public record Classification(int documents, int correct, double accuracy,
      Map<String, Map<String, Integer>> confusion, List<String> labels) {}

  public record FieldCounts(int truePositives, int falsePositives, int falseNegatives) {
    public double precision() {
      return truePositives + falsePositives == 0 ? 0 : (double) truePositives / (truePositives + falsePositives);
    }

    public double recall() {
      return truePositives + falseNegatives == 0 ? 0 : (double) truePositives / (truePositives + falseNegatives);
    }

    public double f1() {
      double p = precision();
      double r = recall();
      return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    FieldCounts plus(FieldCounts o) {
      return new FieldCounts(truePositives + o.truePositives, falsePositives + o.falsePositives,
          falseNegatives + o.falseNegatives);
    }
  }

  public record Extraction(int documents, int failed, FieldCounts overall, Map<String, FieldCounts> byType) {}

  public record Ask(int questions, int pageShown, int pageCited, int answerContained, int notFound,
      int failed) {
    public double citationAccuracy() {
      return questions == 0 ? 0 : (double) pageCited / questions;
    }

    public double retrievalRecall() {
      return questions == 0 ? 0 : (double) pageShown / questions;
    }

    public double answerAccuracy() {
      return questions == 0 ? 0 : (double) answerContained / questions;
    }
  }
}
