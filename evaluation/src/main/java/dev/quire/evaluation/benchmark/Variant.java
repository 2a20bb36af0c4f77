package dev.quire.evaluation.benchmark;

import dev.quire.index.IndexStats;
import dev.quire.retrieval.FirstStage;
import dev.quire.retrieval.Fusion;
import dev.quire.retrieval.Scorer;
import dev.quire.retrieval.SearchConfig;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One way of searching that an evaluation compares: a search configuration and how many results it
 * returns.
 *
 * @param name short and unique, e.g. {@code hamming} or {@code phased-20}; names the run file
 * @param description what it does, for the report
 * @param search the engine configuration; an empty scorer chain is BM25 alone
 * @param k results per query
 */
public record Variant(String name, String description, SearchConfig search, int k) {

  /** The parts of an index a variant needs. */
  public enum Store {
    TEXT_INDEX,
    BINARY_CODES,
    HALF_VECTORS;

    double bytesPerPage(IndexStats stats) {
      return switch (this) {
        case TEXT_INDEX -> stats.textIndex().bytesPerPage();
        case BINARY_CODES -> stats.binaryCodes().bytesPerPage();
        case HALF_VECTORS -> stats.halfVectors().bytesPerPage();
      };
    }
  }

  public Variant {
    if (!name.matches("[a-z0-9][a-z0-9.-]*")) {
      throw new IllegalArgumentException("variant name must be lower-case letters, digits, dots and dashes: " + name);
    }
    if (k < 1) {
      throw new IllegalArgumentException("k must be positive, got " + k);
    }
  }

  /**
   * The ablations: BM25 alone; every page scored by float (half-precision) MaxSim, by binary
   * Hamming MaxSim, by float query x binary page; every page by Hamming with the best
   * {@code ceil(depth x ratio)} reordered by float MaxSim, at each ratio; and the engine's default
   * pipeline (BM25, then the same phased ranking over its candidates). Every variant returns k
   * pages: a phased ranking's held-back pages follow the reordered ones.
   *
   * @param k results per query
   * @param depth the phased variants reorder {@code ceil(depth x ratio)} pages
   * @param ratios the pre-filter ratios of the phased variants
   * @param model whether a model is loaded; without one only BM25 runs
   */
  public static List<Variant> ablations(int k, int depth, List<Double> ratios, boolean model) {
    return ablations(k, depth, ratios, model, false);
  }

  /**
   * As {@link #ablations(int, int, List, boolean)}, with the text embedding first stages when
   * {@code text}: dense (the HNSW's nearest pages by text), bm25-dense (their scores combined, the
   * engine's default), bm25-dense-rrf (the two fused by reciprocal rank) and,
   * with a model, bm25-dense-maxsim (the fused candidates rescored as the engine's default does).
   */
  public static List<Variant> ablations(int k, int depth, List<Double> ratios, boolean model, boolean text) {
    SearchConfig base = SearchConfig.defaults();
    List<Variant> variants = new ArrayList<>();
    variants.add(new Variant("bm25", "BM25 over the page text", base.withScorers(List.of()).withDepth(k), k));
    if (text) {
      variants.add(new Variant("dense", "the pages whose text chunks are nearest the query's text embedding (HNSW)",
          base.withFirstStage(FirstStage.DENSE).withScorers(List.of()).withDepth(k), k));
      SearchConfig hybrid = base.withFirstStage(FirstStage.HYBRID).withScorers(List.of()).withDepth(k);
      variants.add(new Variant("bm25-dense", String.format(Locale.ROOT,
          "BM25 and dense scores, each min-max normalised, combined with dense weight %.2f (the default)",
          hybrid.fusion().denseWeight()), hybrid, k));
      Fusion rrf = Fusion.of(Fusion.Method.RRF);
      variants.add(new Variant("bm25-dense-rrf", String.format(Locale.ROOT,
          "BM25 and dense fused by reciprocal rank (k = 60, dense weight %.2f)", rrf.denseWeight()),
          hybrid.withFusion(rrf), k));
    }
    if (!model) {
      return variants;
    }
    if (text) {
      variants.add(new Variant("bm25-dense-maxsim", "BM25 and dense fused, the top " + base.depth()
          + " rescored by Hamming then float MaxSim", base.withFirstStage(FirstStage.HYBRID), k));
    }
    SearchConfig exhaustive = base.withFirstStage(FirstStage.EXHAUSTIVE).withDepth(depth).withPrefilterRatio(1);
    variants.add(new Variant("float", "every page: float query x half-precision page MaxSim",
        exhaustive.withScorers(List.of(Scorer.HALF)), k));
    variants.add(new Variant("hamming", "every page: binary query x binary page (1/(1+Hamming) MaxSim)",
        exhaustive.withScorers(List.of(Scorer.HAMMING)), k));
    variants.add(new Variant("asymmetric", "every page: float query x binary page (+1/-1) MaxSim",
        exhaustive.withScorers(List.of(Scorer.ASYMMETRIC)), k));
    for (double ratio : ratios) {
      SearchConfig phased = exhaustive.withScorers(List.of(Scorer.HAMMING, Scorer.HALF)).withPrefilterRatio(ratio);
      int rerank = phased.passedOn();
      variants.add(new Variant("phased-" + rerank, String.format(Locale.ROOT,
              "every page by Hamming; the best %d (depth %d x ratio %s) reordered by float MaxSim, the rest"
                  + " following in Hamming order", rerank, depth, ratio),
          phased, k));
    }
    String hybrid = String.format(Locale.ROOT, "the engine's default: BM25's top %d by Hamming; the best %d (ratio %s)"
        + " reordered by float MaxSim, the rest following in Hamming order", base.depth(), base.passedOn(),
        base.prefilterRatio());
    variants.add(new Variant("hybrid", hybrid, base, k));
    return variants;
  }

  /** Whether the variant ranks by embeddings (all but BM25 alone). */
  public boolean usesModel() {
    return !search.scorers().isEmpty();
  }

  /**
   * Everything that decides the results, e.g. {@code exhaustive hamming,half depth=100 ratio=0.2 rrf=60
   * k=100 rerank=20}. A phased chain also names its rerank count, so that journals of engines that
   * dropped the pages a stage held back, instead of ranking them after the reordered ones, do not
   * resume.
   */
  public String signature() {
    String chain = usesModel() ? search.scorers().stream().map(Scorer::label).collect(Collectors.joining(",")) : "none";
    return search.firstStage().label() + " " + chain + " depth=" + search.depth() + " ratio=" + search.prefilterRatio()
        + " rrf=" + search.rrfK() + " k=" + k + (search.scorers().size() > 1 ? " rerank=" + search.passedOn() : "")
        + (search.firstStage() == FirstStage.HYBRID ? " fusion=" + search.fusion() : "");
  }

  /** The query x page representation, e.g. {@code float x half}, for the comparison table. */
  public String representation() {
    if (!usesModel()) {
      return search.firstStage() == FirstStage.BM25 ? "text" : search.firstStage().label() + " text";
    }
    Scorer last = search.scorers().getLast();
    String pair = switch (last) {
      case HAMMING -> "binary x binary";
      case ASYMMETRIC -> "float x binary";
      case HALF -> "float x half";
    };
    String chain = search.scorers().size() > 1 ? search.scorers().getFirst().label() + " > " + pair : pair;
    return search.firstStage() == FirstStage.EXHAUSTIVE ? chain : search.firstStage().label() + " > " + chain;
  }

  /**
   * What a search reads, for its bytes per page: the text index unless every page is ranked by
   * embeddings alone, and the codes each scorer reads.
   */
  public List<Store> stores() {
    EnumSet<Store> stores = EnumSet.noneOf(Store.class);
    if (search.firstStage() != FirstStage.EXHAUSTIVE) {
      stores.add(Store.TEXT_INDEX);
    }
    for (Scorer scorer : search.scorers()) {
      stores.add(switch (scorer) {
        case HAMMING, ASYMMETRIC -> Store.BINARY_CODES;
        case HALF -> Store.HALF_VECTORS;
      });
    }
    return List.copyOf(stores);
  }

  /** Bytes per page of the stores this variant reads. */
  public double bytesPerPage(IndexStats stats) {
    double bytes = 0;
    for (Store store : stores()) {
      bytes += store.bytesPerPage(stats);
    }
    return bytes;
  }
}
