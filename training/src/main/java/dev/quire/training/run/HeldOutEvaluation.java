package dev.quire.training.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.quire.evaluation.Measure;
import dev.quire.evaluation.Metric;
import dev.quire.evaluation.Metrics;
import dev.quire.evaluation.MetricsConfig;
import dev.quire.evaluation.ScoredDoc;
import dev.quire.model.qwen3vl.Qwen3VLModel;
import dev.quire.training.TrainableColQwen3;
import dev.quire.training.TrainableColQwen3.Pass;
import dev.quire.training.data.PageRef;
import dev.quire.training.data.TrainingExample;
import dev.quire.training.loss.LateInteractionScoring;
import dev.quire.training.loss.MaxSim;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Retrieval on the held-out split with the adapter as it stands: every held-out query against every
 * held-out example's page, MaxSim as colpali-engine scores, nDCG@5 and Recall@1 by the evaluation
 * module's metrics (pytrec_eval's definitions), averaged over the queries.
 */
final class HeldOutEvaluation {

  private static final Metric NDCG_5 = new Metric(Measure.NDCG, 5);
  private static final Metric RECALL_1 = new Metric(Measure.RECALL, 1);

  private final List<TrainingExample> examples;
  private final List<PageRef> pages;
  private final Map<PageRef, Integer> pageIndex = new java.util.HashMap<>();
  private final int batchSize;
  private final LateInteractionScoring scoring = MaxSim.colpaliDefault();
  private final Metrics metrics = new Metrics(MetricsConfig.DEFAULT.withCutoffs(List.of(1, 5)));

  HeldOutEvaluation(List<TrainingExample> examples, int batchSize) {
    this.examples = List.copyOf(examples);
    this.pages = examples.stream().map(TrainingExample::positive).distinct().toList();
    for (int p = 0; p < pages.size(); p++) {
      pageIndex.put(pages.get(p), p);
    }
    this.batchSize = batchSize;
  }

  boolean isEmpty() {
    return examples.isEmpty();
  }

  TrainingRun.HeldOut evaluate(TrainableColQwen3 model, ModelInputs inputs) throws IOException {
    double[][] scores = new double[examples.size()][pages.size()];
    try (NDManager manager = model.backbone().manager().newSubManager()) {
      // the queries once, in blocks; then every block against each batch of pages
      List<NDArray> queryBlocks = new ArrayList<>();
      for (int q = 0; q < examples.size(); q += batchSize) {
        queryBlocks.add(model.embed(manager, examples.subList(q, Math.min(examples.size(), q + batchSize)).stream()
            .map(e -> inputs.query(e.query())).toList(), Pass.EVALUATION));
      }
      for (int from = 0; from < pages.size(); from += batchSize) {
        List<Qwen3VLModel.Sequence> batch = new ArrayList<>();
        for (PageRef page : pages.subList(from, Math.min(pages.size(), from + batchSize))) {
          batch.add(inputs.page(page));
        }
        try (NDManager step = manager.newSubManager()) {
          NDArray documents = model.embed(step, batch, Pass.EVALUATION);
          for (int b = 0; b < queryBlocks.size(); b++) {
            float[] block;
            try (NDScope scope = new NDScope()) { // the scores belong to the queries' manager: freed here
              block = scoring.allPairs(queryBlocks.get(b), documents).toFloatArray();
            }
            int rows = (int) queryBlocks.get(b).getShape().get(0);
            for (int i = 0; i < rows; i++) {
              for (int j = 0; j < batch.size(); j++) {
                scores[b * batchSize + i][from + j] = block[i * batch.size() + j];
              }
            }
          }
        }
      }
    }
    double ndcg = 0;
    double recall = 0;
    for (int q = 0; q < examples.size(); q++) {
      List<ScoredDoc> ranking = new ArrayList<>();
      for (int p = 0; p < pages.size(); p++) {
        ranking.add(new ScoredDoc(pages.get(p).toString() + "#" + p, scores[q][p]));
      }
      ranking.sort(ScoredDoc.TREC_ORDER);
      int relevant = pageIndex.get(examples.get(q).positive());
      Map<String, Integer> judgments = new LinkedHashMap<>();
      judgments.put(pages.get(relevant).toString() + "#" + relevant, 1);
      Map<Metric, Double> values = metrics.evaluateQuery(judgments, ranking);
      ndcg += values.get(NDCG_5);
      recall += values.get(RECALL_1);
    }
    return new TrainingRun.HeldOut(ndcg / examples.size(), recall / examples.size());
  }
}
