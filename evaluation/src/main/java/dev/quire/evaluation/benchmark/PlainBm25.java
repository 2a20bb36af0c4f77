package dev.quire.evaluation.benchmark;

import dev.quire.evaluation.ScoredDoc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The textbook BM25 a ranking is held against: lower-cased word tokens (runs of letters, digits and
 * underscores), no stemming, no stop words, k1 1.2, b 0.75, Lucene's idf (log(1 + (N - df + 0.5) /
 * (df + 0.5))), every query token counted as often as it occurs. In memory, for evaluation only.
 */
public final class PlainBm25 {

  public static final String DESCRIPTION = "k1 1.2, b 0.75, lower-cased word tokens, no stemming, no stop words";

  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}_]+");
  private static final double K1 = 1.2;
  private static final double B = 0.75;

  private record Posting(int doc, int frequency) {}

  private final List<String> ids;
  private final int[] lengths;
  private final double averageLength;
  private final Map<String, List<Posting>> postings;

  private PlainBm25(List<String> ids, int[] lengths, Map<String, List<Posting>> postings) {
    this.ids = ids;
    this.lengths = lengths;
    this.averageLength = Math.max(1e-9, Arrays.stream(lengths).average().orElse(0));
    this.postings = postings;
  }

  public static Builder builder() {
    return new Builder();
  }

  static List<String> tokens(String text) {
    List<String> tokens = new ArrayList<>();
    Matcher matcher = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (matcher.find()) {
      tokens.add(matcher.group());
    }
    return tokens;
  }

  int size() {
    return ids.size();
  }

  /** The best {@code n} documents with a positive score, best first (ties by insertion order). */
  public List<ScoredDoc> search(String query, int n) {
    double[] scores = new double[ids.size()];
    int total = ids.size();
    for (String token : tokens(query)) {
      List<Posting> list = postings.get(token);
      if (list == null) {
        continue;
      }
      double idf = Math.log(1 + (total - list.size() + 0.5) / (list.size() + 0.5));
      for (Posting posting : list) {
        double tf = posting.frequency();
        double norm = K1 * (1 - B + B * lengths[posting.doc()] / averageLength);
        scores[posting.doc()] += idf * tf * (K1 + 1) / (tf + norm);
      }
    }
    Comparator<Integer> worstFirst =
        Comparator.<Integer>comparingDouble(d -> scores[d]).thenComparing(Comparator.<Integer>reverseOrder());
    PriorityQueue<Integer> top = new PriorityQueue<>(worstFirst);
    for (int doc = 0; doc < scores.length; doc++) {
      if (scores[doc] > 0) {
        top.add(doc);
        if (top.size() > n) {
          top.poll();
        }
      }
    }
    List<ScoredDoc> ranked = new ArrayList<>(top.size());
    while (!top.isEmpty()) {
      int doc = top.poll();
      ranked.add(new ScoredDoc(ids.get(doc), scores[doc]));
    }
    return ranked.reversed();
  }

  public static final class Builder {
    private final List<String> ids = new ArrayList<>();
    private final List<Integer> lengths = new ArrayList<>();
    private final Map<String, List<Posting>> postings = new HashMap<>();

    public Builder add(String id, String text) {
      int doc = ids.size();
      ids.add(id);
      List<String> tokens = tokens(text);
      lengths.add(tokens.size());
      Map<String, Integer> counts = new HashMap<>();
      tokens.forEach(t -> counts.merge(t, 1, Integer::sum));
      counts.forEach((t, c) -> postings.computeIfAbsent(t, k -> new ArrayList<>()).add(new Posting(doc, c)));
      return this;
    }

    public PlainBm25 build() {
      return new PlainBm25(List.copyOf(ids), lengths.stream().mapToInt(Integer::intValue).toArray(), postings);
    }
  }
}
