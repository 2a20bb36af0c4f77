package dev.quire.index;

import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.search.uhighlight.Passage;
import org.apache.lucene.search.uhighlight.PassageFormatter;

/**
 * Lucene's passages as a {@link Snippet}: the passages' text joined by an ellipsis, the matches as
 * spans (overlapping or touching matches merged, as Lucene's HTML formatter merges them), and the
 * ends trimmed of whitespace with the spans moved along.
 */
final class SnippetFormatter extends PassageFormatter {

  private static final String ELLIPSIS = " … ";

  @Override
  public Snippet format(Passage[] passages, String content) {
    StringBuilder text = new StringBuilder();
    List<int[]> spans = new ArrayList<>();
    for (int p = 0; p < passages.length; p++) {
      Passage passage = passages[p];
      if (p > 0) {
        text.append(ELLIPSIS);
      }
      int base = text.length() - passage.getStartOffset();
      int at = passage.getStartOffset();
      for (int i = 0; i < passage.getNumMatches(); i++) {
        int start = Math.max(passage.getMatchStarts()[i], at);
        int end = Math.min(passage.getMatchEnds()[i], passage.getEndOffset());
        if (end <= start) {
          continue;
        }
        int[] last = spans.isEmpty() ? null : spans.get(spans.size() - 1);
        if (last != null && start + base <= last[1]) {
          last[1] = Math.max(last[1], end + base);
        } else {
          spans.add(new int[] {start + base, end + base});
        }
        at = Math.max(at, end);
      }
      text.append(content, passage.getStartOffset(), passage.getEndOffset());
    }
    int lead = 0;
    while (lead < text.length() && Character.isWhitespace(text.charAt(lead))) {
      lead++;
    }
    int tail = text.length();
    while (tail > lead && Character.isWhitespace(text.charAt(tail - 1))) {
      tail--;
    }
    List<Snippet.Span> matches = new ArrayList<>(spans.size());
    for (int[] span : spans) {
      int start = Math.max(span[0], lead) - lead;
      int end = Math.min(span[1], tail) - lead;
      if (end > start) {
        matches.add(new Snippet.Span(start, end));
      }
    }
    return new Snippet(text.substring(lead, tail), matches);
  }
}
