package dev.quire.bench;

import dev.quire.retrieval.kernels.MaxSimKernelProvider;
import dev.quire.retrieval.kernels.MaxSimScorer;
import dev.quire.index.PageCodec;
import dev.quire.retrieval.kernels.PreparedQuery;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Scores every page of a data file written by {@code tools/maxsim-peers/compare.py} with Quire's
 * half-precision kernel, the way the Python peers score it (one query against all pages per pass),
 * and prints one JSON line: pages/s over the best of several passes, and where the scores went.
 *
 * <p>Usage: {@code PeerComparison --data FILE --threads N [--seconds S] [--scores OUT]}. The file is
 * little-endian: the ASCII magic {@code QMS1}, then int32 query tokens, page tokens, dim and pages,
 * then the query's floats and every page's floats, row-major. Pages are encoded into the stored
 * half-precision layout before timing, as the index does at ingest.
 */
public final class PeerComparison {

  private static final int HEADER_BYTES = 20;
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private PeerComparison() {}

  public static void main(String[] args) throws Exception {
    Path data = null;
    Path scoresOut = null;
    int threads = 1;
    double seconds = 5;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = Path.of(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Double.parseDouble(args[++i]);
        case "--scores" -> scoresOut = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument '" + args[i]
            + "'; usage: --data FILE --threads N [--seconds S] [--scores OUT]");
      }
    }
    if (data == null) {
      throw new IllegalArgumentException("--data FILE is required");
    }
    try (Arena arena = Arena.ofShared(); FileChannel channel = FileChannel.open(data, StandardOpenOption.READ)) {
      MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
      if (file.byteSize() < HEADER_BYTES || file.get(INT, 0) != 0x3153_4D51) { // "QMS1"
        throw new IOException(data + " is not a MaxSim peer data file (no QMS1 header)");
      }
      int queryTokens = file.get(INT, 4);
      int pageTokens = file.get(INT, 8);
      int dim = file.get(INT, 12);
      int pages = file.get(INT, 16);
      long expected = HEADER_BYTES + 4L * dim * ((long) queryTokens + (long) pageTokens * pages);
      if (file.byteSize() != expected) {
        throw new IOException(data + " has " + file.byteSize() + " bytes, expected " + expected + " for "
            + queryTokens + " query tokens and " + pages + " pages of " + pageTokens + " tokens of dim " + dim);
      }
      PreparedQuery query = PreparedQuery.prepare(floats(file, HEADER_BYTES, queryTokens * dim), queryTokens, dim);
      int halfBytes = PageCodec.halfBytes(pageTokens, dim);
      MemorySegment halves = arena.allocate((long) halfBytes * pages, 64);
      MemorySegment[] slices = new MemorySegment[pages];
      long pageFloats = (long) pageTokens * dim;
      for (int p = 0; p < pages; p++) {
        float[] vectors = floats(file, HEADER_BYTES + 4L * (queryTokens * dim + p * pageFloats), (int) pageFloats);
        slices[p] = halves.asSlice((long) p * halfBytes, halfBytes);
        slices[p].copyFrom(MemorySegment.ofArray(PageCodec.encode(vectors, pageTokens, dim).half()));
      }
      float[] scores = new float[pages];
      double best = measure(query, slices, pageTokens, threads, seconds, scores);
      if (scoresOut != null) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * pages).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(scores);
        try (OutputStream out = Files.newOutputStream(scoresOut)) {
          out.write(bytes.array());
        }
      }
      System.out.printf(Locale.ROOT, "{\"engine\": \"quire\", \"threads\": %d, \"pages_per_second\": %.1f, \"simd\": %b, \"kernels\": \"%s\"}%n",
          threads, pages / best, MaxSimKernelProvider.lookup().simd(), MaxSimKernelProvider.lookup().name());
    }
  }

  /** Best wall time of one pass over all pages, after a warm-up of about a third of the budget. */
  private static double measure(PreparedQuery query, MemorySegment[] pages, int pageTokens, int threads,
      double seconds, float[] scores) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    MaxSimScorer[] scorers = new MaxSimScorer[threads];
    for (int t = 0; t < threads; t++) {
      scorers[t] = new MaxSimScorer(query.dim());
    }
    try {
      double best = Double.MAX_VALUE;
      long start = System.nanoTime();
      long warmUp = (long) (seconds * 1e9 / 3);
      while (System.nanoTime() - start < seconds * 1e9) {
        long passStart = System.nanoTime();
        List<Future<?>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int from = (int) ((long) pages.length * t / threads);
          int to = (int) ((long) pages.length * (t + 1) / threads);
          MaxSimScorer scorer = scorers[t];
          parts.add(pool.submit(() -> {
            for (int p = from; p < to; p++) {
              scores[p] = scorer.halfPrecision(query, pages[p], pageTokens);
            }
          }));
        }
        for (Future<?> part : parts) {
          part.get();
        }
        double elapsed = (System.nanoTime() - passStart) / 1e9;
        if (System.nanoTime() - start > warmUp) {
          best = Math.min(best, elapsed);
        }
      }
      return best;
    } finally {
      pool.shutdownNow();
    }
  }

  private static float[] floats(MemorySegment file, long offset, int count) {
    float[] values = new float[count];
    MemorySegment.copy(file, FLOAT, offset, values, 0, count);
    return values;
  }
}
