package dev.quire.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.quire.index.PageVectors;
import dev.quire.retrieval.kernels.MaxSimScorer;
import dev.quire.retrieval.kernels.PreparedQuery;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.LateInteractionFloatValuesSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Half-precision MaxSim of a 32-token query against 1,030-token pages read in place from a native
 * page set, against Lucene's SUM_MAX_SIM and a single-threaded sgemm through DJL on the same pages.
 * One operation scores one page, so ops/s is pages/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class HalfPrecisionBenchmark {

  /** Scores of Lucene and DJL must agree with Quire's on page 0 within binary16 rounding. */
  private static final double AGREEMENT = 0.05;

  /** The page set in the stored half-precision layout, in native memory. */
  @State(Scope.Benchmark)
  public static class HalfPages {
    Arena arena;
    MemorySegment[] pages;
    PreparedQuery query;
    int[] order;

    @Setup(Level.Trial)
    public void setUp(dev.quire.bench.Shape shape) {
      arena = Arena.ofShared();
      pages = PageSet.storeContiguously(PageSet.distinctPages(shape.dim), shape.dim, shape.pages,
          shape.misalignment, PageVectors::half, arena);
      query = PreparedQuery.prepare(PageSet.query(shape.dim), PageSet.QUERY_TOKENS, shape.dim);
      order = PageSet.scatteredOrder(shape.pages);
    }

    float scoreFirstPage() {
      return new MaxSimScorer(query.dim()).halfPrecision(query, pages[0], PageSet.PAGE_TOKENS);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      arena.close();
    }
  }

  /**
   * The same pages as Lucene's late-interaction scoring sees them after decoding its doc value:
   * one float[] per token. Decoding is left out, which favours the baseline.
   */
  @State(Scope.Benchmark)
  public static class LucenePages {
    float[][][] pages;
    float[][] query;
    int[] order;

    @Setup(Level.Trial)
    public void setUp(dev.quire.bench.Shape shape, HalfPages quire) {
      int dim = shape.dim;
      float[][] distinct = PageSet.distinctPages(dim);
      pages = new float[shape.pages][][];
      for (int p = 0; p < shape.pages; p++) {
        pages[p] = rows(distinct[p % distinct.length], PageSet.PAGE_TOKENS, dim);
      }
      query = rows(PageSet.query(dim), PageSet.QUERY_TOKENS, dim);
      order = PageSet.scatteredOrder(shape.pages);
      // DOT_PRODUCT similarity is (1 + dot) / 2, so Lucene's sum is (tokens + MaxSim) / 2.
      double expected = (PageSet.QUERY_TOKENS + quire.scoreFirstPage()) / 2.0;
      check("Lucene", score(pages[0]), expected);
    }

    float score(float[][] page) {
      return LateInteractionFloatValuesSource.ScoreFunction.SUM_MAX_SIM.compare(
          query, page, VectorSimilarityFunction.DOT_PRODUCT);
    }

    private static float[][] rows(float[] vectors, int tokens, int dim) {
      float[][] rows = new float[tokens][dim];
      for (int t = 0; t < tokens; t++) {
        System.arraycopy(vectors, t * dim, rows[t], 0, dim);
      }
      return rows;
    }
  }

  /** The same pages as float32 tensors of libtorch, dimension-major so one sgemm scores a page. */
  @State(Scope.Benchmark)
  public static class DjlPages {
    NDManager manager;
    NDArray[] pages;
    NDArray query;
    int[] order;

    @Setup(Level.Trial)
    public void setUp(dev.quire.bench.Shape shape, HalfPages quire) {
      // One intra-op thread: the sgemm baseline is per core, like the kernels.
      System.setProperty("ai.djl.pytorch.num_threads", "1");
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
      int dim = shape.dim;
      manager = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice(), "PyTorch");
      float[][] distinct = PageSet.distinctPages(dim);
      pages = new NDArray[shape.pages];
      for (int p = 0; p < shape.pages; p++) {
        pages[p] = manager.create(transpose(distinct[p % distinct.length], PageSet.PAGE_TOKENS, dim),
            new Shape(dim, PageSet.PAGE_TOKENS));
      }
      query = manager.create(PageSet.query(dim), new Shape(PageSet.QUERY_TOKENS, dim));
      order = PageSet.scatteredOrder(shape.pages);
      check("DJL", score(pages[0]), quire.scoreFirstPage());
    }

    float score(NDArray page) {
      try (NDArray similarities = query.matMul(page);
          NDArray maxima = similarities.max(new int[] {1});
          NDArray sum = maxima.sum()) {
        return sum.getFloat();
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      manager.close();
    }

    private static float[] transpose(float[] vectors, int tokens, int dim) {
      float[] transposed = new float[vectors.length];
      for (int t = 0; t < tokens; t++) {
        for (int d = 0; d < dim; d++) {
          transposed[d * tokens + t] = vectors[t * dim + d];
        }
      }
      return transposed;
    }
  }

  private static void check(String baseline, double actual, double expected) {
    if (Math.abs(actual - expected) > AGREEMENT) {
      throw new IllegalStateException(baseline + " scored the first page " + actual
          + " where Quire's score implies " + expected + ": the baseline does not compute MaxSim");
    }
  }

  @Benchmark
  public float quire(HalfPages set, Cursor cursor) {
    return cursor.scorer.halfPrecision(set.query, set.pages[cursor.nextPage(set.order)], PageSet.PAGE_TOKENS);
  }

  @Benchmark
  @Threads(2)
  public float quireTwoThreads(HalfPages set, Cursor cursor) {
    return cursor.scorer.halfPrecision(set.query, set.pages[cursor.nextPage(set.order)], PageSet.PAGE_TOKENS);
  }

  @Benchmark
  public float lucene(LucenePages set, Cursor cursor) {
    return set.score(set.pages[cursor.nextPage(set.order)]);
  }

  @Benchmark
  public float djlSgemm(DjlPages set, Cursor cursor) {
    return set.score(set.pages[cursor.nextPage(set.order)]);
  }
}
