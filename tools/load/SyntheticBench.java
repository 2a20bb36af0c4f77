import dev.quire.encoder.EncoderInfo;
import dev.quire.encoder.MultiVector;
import dev.quire.encoder.MultiVectorEncoder;
import dev.quire.index.DocumentRecord;
import dev.quire.index.DocumentWriter;
import dev.quire.index.IndexConfig;
import dev.quire.index.ModelStamp;
import dev.quire.index.PageIndex;
import dev.quire.index.PageRecord;
import dev.quire.index.PageVectors;
import dev.quire.index.TextLanguage;
import dev.quire.index.PageVectors;
import dev.quire.index.PageCodec;
import dev.quire.server.QuireServer;
import dev.quire.server.ServerConfigLoader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The load benchmark's two halves, run as a single-file program on the launcher's classpath
 * (see run.sh):
 *
 * <pre>
 * java -cp 'server/target/quire/lib/*' tools/load/SyntheticBench.java build DATA [PAGES] [PAGES_PER_DOCUMENT]
 * java -cp 'server/target/quire/lib/*' tools/load/SyntheticBench.java serve DATA PORT
 * </pre>
 *
 * {@code build} writes a synthetic collection "bench" straight through {@link PageIndex}, one
 * document of many pages per commit: every page has 1030 random unit vectors of 128 dimensions
 * (binary codes plus half precision, as the model's pages would) and 150 words of Zipf-distributed
 * text for BM25; it also writes {@code queries.txt}, three mid-frequency words per line. {@code
 * serve} runs quire serve over that data with an encoder that turns a query into 24 random unit
 * vectors (a ColQwen query's typical length) at negligible cost, so the timings are BM25 top-100,
 * the Hamming pre-filter and half-precision MaxSim, not query encoding.
 */
public class SyntheticBench {
  static final int TOKENS = 1030;
  static final int DIM = 128;
  static final int QUERY_TOKENS = 24;
  static final int VOCABULARY = 8000;
  static final int WORDS_PER_PAGE = 150;
  static final String MODEL = "synthetic-random-128";
  static final String HASH = "sha256:synthetic-bench";

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: SyntheticBench build DATA [PAGES] [PAGES_PER_DOCUMENT] | serve DATA PORT");
      System.exit(2);
    }
    Path data = Path.of(args[1]);
    switch (args[0]) {
      case "build" -> build(data, args.length > 2 ? Integer.parseInt(args[2]) : 100_000,
          args.length > 3 ? Integer.parseInt(args[3]) : 1000);
      case "serve" -> serve(data, args.length > 2 ? args[2] : "7870");
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  // ------------------------------------------------------------------ build

  record Generated(int number, String text, PageVectors vectors) {}

  static void build(Path data, int pages, int perDocument) throws Exception {
    Path indexDir = data.resolve("collections/bench/index");
    Files.createDirectories(data.resolve("collections/bench/jobs"));
    Files.createDirectories(data.resolve("collections/bench/uploads"));
    String[] words = vocabulary();
    double[] cumulative = zipf(VOCABULARY);
    writeQueries(data.resolve("queries.txt"), words);
    ModelStamp stamp = new ModelStamp(MODEL, HASH, DIM);
    BlockingQueue<Generated> queue = new ArrayBlockingQueue<>(64);
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    List<Thread> generators = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t;
      generators.add(Thread.ofPlatform().daemon().start(() -> {
        SplittableRandom random = new SplittableRandom(1234 + first);
        try {
          for (int p = first; p < pages; p += threads) {
            queue.put(page(p, random, words, cumulative));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
    }
    long start = System.nanoTime();
    IndexConfig config = new IndexConfig(indexDir, TextLanguage.ENGLISH, 40L << 30, IndexConfig.DEFAULT_THUMBNAIL_WIDTH);
    // Pages arrive in any order from the generators; each goes to the next free slot.
    try (PageIndex index = PageIndex.open(config)) {
      int written = 0;
      for (int d = 0; written < pages; d++) {
        int count = Math.min(perDocument, pages - written);
        String id = String.format("bench-%05d", d);
        DocumentRecord record = new DocumentRecord(id, "synthetic/" + id + ".pdf", "synthetic-" + id, 0,
            "application/pdf", count, Instant.now(), Map.of("fileName", id + ".pdf"));
        try (DocumentWriter writer = index.write(record, stamp)) {
          for (int n = 1; n <= count; n++) {
            Generated g = queue.take();
            writer.addPage(new PageRecord(n, g.text(), "pdf", (BufferedImage) null, g.vectors()));
          }
          writer.commit();
        }
        written += count;
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%d/%d pages, %.0f pages/s%n", written, pages, written / seconds);
      }
      System.out.println(index.stats());
    }
    for (Thread g : generators) {
      g.join();
    }
  }

  static Generated page(int p, SplittableRandom random, String[] words, double[] cumulative) {
    float[] values = new float[TOKENS * DIM];
    for (int t = 0; t < TOKENS; t++) {
      unit(values, t * DIM, random);
    }
    PageVectors encoded = PageCodec.encode(values, TOKENS, DIM);
    StringBuilder text = new StringBuilder();
    for (int w = 0; w < WORDS_PER_PAGE; w++) {
      int rank = Arrays.binarySearch(cumulative, random.nextDouble());
      text.append(words[rank < 0 ? -rank - 1 : rank]).append(w % 12 == 11 ? ".\n" : " ");
    }
    return new Generated(p, text.toString(),
        new PageVectors(encoded.tokens(), encoded.dim(), encoded.half(), encoded.binary()));
  }

  /** A Gaussian vector, normalised: uniform on the unit sphere. */
  static void unit(float[] into, int offset, SplittableRandom random) {
    double norm = 0;
    for (int i = 0; i < DIM; i += 2) {
      // Box-Muller, two values per draw.
      double u = 1 - random.nextDouble();
      double r = Math.sqrt(-2 * Math.log(u));
      double a = 2 * Math.PI * random.nextDouble();
      into[offset + i] = (float) (r * Math.cos(a));
      into[offset + i + 1] = (float) (r * Math.sin(a));
      norm += into[offset + i] * into[offset + i] + into[offset + i + 1] * into[offset + i + 1];
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < DIM; i++) {
      into[offset + i] *= scale;
    }
  }

  /** Pronounceable made-up words, so BM25's English analyzer treats them as terms. */
  static String[] vocabulary() {
    String[] onsets = {"b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "tr", "pl"};
    String[] vowels = {"a", "e", "i", "o", "u", "ai", "ou"};
    String[] words = new String[VOCABULARY];
    SplittableRandom random = new SplittableRandom(99);
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < VOCABULARY; ) {
      StringBuilder w = new StringBuilder();
      int syllables = 2 + random.nextInt(2);
      for (int s = 0; s < syllables; s++) {
        w.append(onsets[random.nextInt(onsets.length)]).append(vowels[random.nextInt(vowels.length)]);
      }
      w.append("n");
      if (seen.add(w.toString())) {
        words[i++] = w.toString();
      }
    }
    return words;
  }

  static double[] zipf(int n) {
    double[] cumulative = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += 1.0 / (i + 1);
      cumulative[i] = sum;
    }
    for (int i = 0; i < n; i++) {
      cumulative[i] /= sum;
    }
    return cumulative;
  }

  /** Three words from ranks 50..2000: each on thousands of pages, so BM25 fills its top 100. */
  static void writeQueries(Path file, String[] words) throws IOException {
    SplittableRandom random = new SplittableRandom(7);
    List<String> lines = new ArrayList<>();
    for (int q = 0; q < 1000; q++) {
      lines.add(words[50 + random.nextInt(1950)] + " " + words[50 + random.nextInt(1950)] + " "
          + words[50 + random.nextInt(1950)]);
    }
    Files.write(file, lines);
  }

  // ------------------------------------------------------------------ serve

  /** Random query vectors, fixed per query text; the pages were embedded with the same stamp. */
  static final class RandomQueryEncoder implements MultiVectorEncoder {
    @Override
    public EncoderInfo info() {
      return new EncoderInfo(MODEL, HASH, DIM);
    }

    @Override
    public List<MultiVector> encodeQueries(List<String> queries) {
      List<MultiVector> out = new ArrayList<>();
      for (String q : queries) {
        SplittableRandom random = new SplittableRandom(q.hashCode());
        float[] values = new float[QUERY_TOKENS * DIM];
        for (int t = 0; t < QUERY_TOKENS; t++) {
          unit(values, t * DIM, random);
        }
        out.add(new MultiVector(QUERY_TOKENS, DIM, values));
      }
      return out;
    }

    @Override
    public List<MultiVector> encodePages(List<BufferedImage> pages) {
      throw new UnsupportedOperationException("the benchmark collection is built by SyntheticBench build");
    }
  }

  static void serve(Path data, String port) throws Exception {
    var config = ServerConfigLoader.load(null, Map.of(), Map.of(
        "dataDirectory", data.toString(),
        "http.port", port,
        "sample.enabled", "false",
        "rateLimit.requests", "1000000000"));
    QuireServer server = QuireServer.start(config, new RandomQueryEncoder());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (IOException e) {
        System.err.println(e);
      }
    }));
    System.err.println("bench server on " + server.url());
    server.awaitStopped();
  }
}
