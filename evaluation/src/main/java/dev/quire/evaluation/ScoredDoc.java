package dev.quire.evaluation;

import java.util.Comparator;

/**
 * One retrieved document with its score.
 *
 * @param docId the document id, as in the qrels
 * @param score the retrieval score, higher ranks first
 */
public record ScoredDoc(String docId, double score) {

  /**
   * The order trec_eval ranks a query's results in: score descending after conversion to
   * {@code float} (trec_eval 9 keeps scores as C floats, so scores equal in single precision tie),
   * ties broken by document id descending, compared as UTF-8 bytes ({@code strcmp}), which is code
   * point order.
   */
  public static final Comparator<ScoredDoc> TREC_ORDER = ScoredDoc::compareTrec;

  public ScoredDoc {
    if (docId == null || docId.isEmpty()) {
      throw new IllegalArgumentException("document id must not be empty");
    }
    if (Double.isNaN(score)) {
      throw new IllegalArgumentException("score of document " + docId + " is NaN");
    }
  }

  private static int compareTrec(ScoredDoc a, ScoredDoc b) {
    // C's > and < on floats, not Float.compare: -0.0f and 0.0f are equal and tie.
    float x = (float) a.score;
    float y = (float) b.score;
    if (x > y) {
      return -1;
    }
    if (x < y) {
      return 1;
    }
    return compareCodePoints(b.docId, a.docId);
  }

  /** Compares two strings by Unicode code point, the order {@code strcmp} gives their UTF-8 bytes. */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
