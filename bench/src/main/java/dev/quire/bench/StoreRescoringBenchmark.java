package dev.quire.bench;

import dev.quire.index.DocumentRecord;
import dev.quire.index.DocumentWriter;
import dev.quire.index.IndexConfig;
import dev.quire.index.ModelStamp;
import dev.quire.index.PageIndex;
import dev.quire.index.PageRecord;
import dev.quire.index.PageVectors;
import dev.quire.index.TextLanguage;
import dev.quire.index.VectorReader;
import dev.quire.index.PageVectors;
import dev.quire.retrieval.kernels.MaxSimScorer;
import dev.quire.index.PageCodec;
import dev.quire.retrieval.kernels.PreparedQuery;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.stream.LongStream;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rescoring end to end from the LMDB page store: each operation looks a page up in a {@link
 * VectorReader} ({@code halfBlob} or {@code binaryBlob}: offset and tokens), which say
 * where the page lies in the memory map, and scores it there, as the searcher does. The baseline, measured in the same run, runs the same
 * kernel over the same pages copied into native memory outside LMDB (at the same alignment), so
 * the ratio store / in-memory is the cost of reading through the store, and {@code -prof gc}'s
 * B/op is what the store path allocates per page. One operation scores one page: ops/s is pages/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class StoreRescoringBenchmark {

  /** Pages per document written: one staging entry and one commit per 50 pages keeps setup short. */
  private static final int PAGES_PER_DOCUMENT = 50;

  /**
   * Lucene (the index's text side) logs its vectorization provider at INFO through JUL, into the
   * middle of JMH's iteration lines; held here so the level is not lost with the logger.
   */
  private static final Logger LUCENE_LOG = Logger.getLogger("org.apache.lucene");

  /** A page index holding the page set, and the same pages copied into native memory. */
  @State(Scope.Benchmark)
  public static class StorePages {

    @Param({"128"})
    public int dim;

    /**
     * Pages in the store: 1,200 half-precision pages are 320 MB at dim 128, far past the 4 MB L2
     * and the 105 MB L3 of the benchmark machine, so every page streams from DRAM as in a real
     * rescoring pass over a large index.
     */
    @Param({"1200"})
    public int pages;

    Path directory;
    PageIndex index;
    /** The store's page ids; position {@code i} is also page {@code i} of the copies. */
    long[] pageIds;
    int[] tokens;
    Arena arena;
    MemorySegment[] halfCopies;
    MemorySegment[] binaryCopies;
    PreparedQuery query;
    int[] order;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      LUCENE_LOG.setLevel(java.util.logging.Level.WARNING);
      try {
        directory = Files.createTempDirectory("quire-store-bench-");
        PageVectors[] distinct = encode(PageSet.distinctPages(dim), dim);
        long bytes = (long) pages * (distinct[0].half().length + distinct[0].binary().length);
        // Twice the data: the map never has to grow while pages are written.
        index = PageIndex.open(new IndexConfig(directory, TextLanguage.ENGLISH, 2 * bytes + (64L << 20),
            IndexConfig.DEFAULT_THUMBNAIL_WIDTH));
        write(index, distinct, dim, pages);
        query = PreparedQuery.prepare(PageSet.query(dim), PageSet.QUERY_TOKENS, dim);
        order = PageSet.scatteredOrder(pages);
        arena = Arena.ofShared();
        try (VectorReader vectors = index.vectors()) {
          LongStream.Builder ids = LongStream.builder();
          vectors.forEachPage(ids::add);
          pageIds = ids.build().toArray();
          if (pageIds.length != pages) {
            throw new IllegalStateException("wrote " + pages + " pages to " + directory + " but the store lists "
                + pageIds.length);
          }
          tokens = new int[pages];
          for (int i = 0; i < pages; i++) {
            tokens[i] = vectors.tokens(pageIds[i]);
          }
          halfCopies = copy(vectors::half, arena);
          binaryCopies = copy(vectors::binary, arena);
          checkPagesAsWritten(vectors, distinct);
        }
      } catch (IOException | RuntimeException e) {
        tearDown();
        throw e;
      }
    }

    private static PageVectors[] encode(float[][] pages, int dim) {
      PageVectors[] encoded = new PageVectors[pages.length];
      for (int i = 0; i < pages.length; i++) {
        encoded[i] = PageCodec.encode(pages[i], PageSet.PAGE_TOKENS, dim);
      }
      return encoded;
    }

    /** Page {@code p} is a copy of distinct page {@code p % DISTINCT}, written in order. */
    private static void write(PageIndex index, PageVectors[] distinct, int dim, int pages) throws IOException {
      ModelStamp model = new ModelStamp("synthetic-unit-vectors", "none", dim);
      for (int first = 0, document = 0; first < pages; first += PAGES_PER_DOCUMENT, document++) {
        int count = Math.min(PAGES_PER_DOCUMENT, pages - first);
        DocumentRecord record = new DocumentRecord(String.format("bench-%04d", document), "synthetic",
            "synthetic-" + document, 0, "application/octet-stream", count, Instant.now(), null);
        try (DocumentWriter writer = index.write(record, model)) {
          for (int n = 0; n < count; n++) {
            PageVectors page = distinct[(first + n) % distinct.length];
            writer.addPage(new PageRecord(n + 1, "", "synthetic", null,
                new PageVectors(page.tokens(), page.dim(), page.half(), page.binary())));
          }
          writer.commit();
        }
      }
    }

    /**
     * Copies every page's blob out of the map into one native allocation, each copy at the same
     * address modulo 64 as its original, so the baseline reads the same bytes at the same alignment.
     */
    private MemorySegment[] copy(LongFunction<MemorySegment> blob, Arena arena) {
      long largest = 0;
      for (long id : pageIds) {
        largest = Math.max(largest, blob.apply(id).byteSize());
      }
      long stride = (largest + 127) & -64L;
      MemorySegment all = arena.allocate(stride * pages, 64);
      MemorySegment[] copies = new MemorySegment[pages];
      for (int i = 0; i < pages; i++) {
        MemorySegment stored = blob.apply(pageIds[i]);
        copies[i] = all.asSlice(i * stride + (stored.address() & 63), stored.byteSize());
        copies[i].copyFrom(stored);
      }
      return copies;
    }

    /** Every page scores from the store as its encoding does: the store hands back what was written. */
    private void checkPagesAsWritten(VectorReader vectors, PageVectors[] distinct) {
      MaxSimScorer scorer = new MaxSimScorer(dim);
      for (int i = 0; i < pages; i++) {
        PageVectors written = distinct[i % distinct.length];
        long id = pageIds[i];
        float half = scorer.halfPrecision(query, vectors.half(id), vectors.tokens(id));
        float binary = scorer.hamming(query, vectors.binary(id), vectors.tokens(id));
        if (half != scorer.halfPrecision(query, MemorySegment.ofArray(written.half()), written.tokens())
            || binary != scorer.hamming(query, MemorySegment.ofArray(written.binary()), written.tokens())) {
          throw new IllegalStateException("page id " + id + " of the store in " + directory
              + " does not score as page " + i + " was written");
        }
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      try {
        if (index != null) {
          index.close();
        }
        if (arena != null) {
          arena.close();
        }
      } finally {
        if (directory != null) {
          try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
              Files.delete(file);
            }
          }
        }
      }
    }
  }

  /**
   * Per benchmark thread: a reader of the store, opened and closed by that thread (a reader and
   * the segments it hands out belong to the thread that opened it). One reader per iteration:
   * JMH tears the trial's {@link StorePages} down before the trial's thread states, and the index
   * cannot close while a reader is open.
   */
  @State(Scope.Thread)
  public static class StoreReader {
    VectorReader vectors;

    @Setup(Level.Iteration)
    public void open(StorePages set) {
      vectors = set.index.vectors();
    }

    @TearDown(Level.Iteration)
    public void close() {
      vectors.close();
    }
  }

  @Benchmark
  public float halfPrecisionStore(StorePages set, StoreReader reader, Cursor cursor) {
    return halfFromStore(set, reader, cursor);
  }

  @Benchmark
  @Threads(2)
  public float halfPrecisionStoreTwoThreads(StorePages set, StoreReader reader, Cursor cursor) {
    return halfFromStore(set, reader, cursor);
  }

  @Benchmark
  public float halfPrecisionInMemory(StorePages set, Cursor cursor) {
    return halfFromMemory(set, cursor);
  }

  @Benchmark
  @Threads(2)
  public float halfPrecisionInMemoryTwoThreads(StorePages set, Cursor cursor) {
    return halfFromMemory(set, cursor);
  }

  @Benchmark
  public float hammingStore(StorePages set, StoreReader reader, Cursor cursor) {
    return hammingFromStore(set, reader, cursor);
  }

  @Benchmark
  @Threads(2)
  public float hammingStoreTwoThreads(StorePages set, StoreReader reader, Cursor cursor) {
    return hammingFromStore(set, reader, cursor);
  }

  @Benchmark
  public float hammingInMemory(StorePages set, Cursor cursor) {
    return hammingFromMemory(set, cursor);
  }

  @Benchmark
  @Threads(2)
  public float hammingInMemoryTwoThreads(StorePages set, Cursor cursor) {
    return hammingFromMemory(set, cursor);
  }

  private static float halfFromStore(StorePages set, StoreReader reader, Cursor cursor) {
    long id = set.pageIds[cursor.nextPage(set.order)];
    VectorReader vectors = reader.vectors;
    VectorReader.PageBlob page = vectors.halfBlob(id, set.dim);
    return cursor.scorer.halfPrecision(set.query, vectors.memory(), page.offset(), page.tokens());
  }

  private static float halfFromMemory(StorePages set, Cursor cursor) {
    int page = cursor.nextPage(set.order);
    return cursor.scorer.halfPrecision(set.query, set.halfCopies[page], set.tokens[page]);
  }

  private static float hammingFromStore(StorePages set, StoreReader reader, Cursor cursor) {
    long id = set.pageIds[cursor.nextPage(set.order)];
    VectorReader vectors = reader.vectors;
    VectorReader.PageBlob page = vectors.binaryBlob(id, set.dim);
    return cursor.scorer.hamming(set.query, vectors.memory(), page.offset(), page.tokens());
  }

  private static float hammingFromMemory(StorePages set, Cursor cursor) {
    int page = cursor.nextPage(set.order);
    return cursor.scorer.hamming(set.query, set.binaryCopies[page], set.tokens[page]);
  }
}
