package dev.quire.textembedding;

import java.util.ArrayList;
import java.util.List;

/**
 * A page's text cut into overlapping windows of words for embedding: a window stays well inside
 * the model's token limit (180 English words are about 240 WordPiece tokens, against bge-small's
 * 512), and consecutive windows share {@code overlap} words so a sentence cut at a window's edge
 * is whole in the next. A page then scores by its best window.
 */
public final class TextChunker {

  public static final int WORDS = 180;
  public static final int OVERLAP = 40;

  private TextChunker() {}

  /** The windows of {@code text} (none for blank text). */
  public static List<String> chunks(String text) {
    return chunks(text, WORDS, OVERLAP);
  }

  public static List<String> chunks(String text, int words, int overlap) {
    if (words < 1 || overlap < 0 || overlap >= words) {
      throw new IllegalArgumentException("windows of " + words + " words overlapping by " + overlap);
    }
    String[] all = text == null ? new String[0] : text.strip().split("\\s+");
    List<String> out = new ArrayList<>();
    if (all.length == 0 || all[0].isEmpty()) {
      return out;
    }
    for (int start = 0; ; start += words - overlap) {
      int end = Math.min(all.length, start + words);
      out.add(String.join(" ", java.util.Arrays.copyOfRange(all, start, end)));
      if (end == all.length) {
        return out;
      }
    }
  }
}
