package dev.quire.textembedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Windows cover every word in order, overlap as asked, and stay within their size. */
class TextChunkerProperties {

  @Property(tries = 300)
  void windowsCoverTheTextInOrder(@ForAll @IntRange(min = 0, max = 1500) int count,
      @ForAll @IntRange(min = 2, max = 200) int words, @ForAll @IntRange(min = 0, max = 199) int overlap) {
    if (overlap >= words) {
      return;
    }
    List<String> text = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      text.add("w" + i);
    }
    List<String> chunks = TextChunker.chunks(String.join("  \n", text), words, overlap);
    if (count == 0) {
      assertThat(chunks).isEmpty();
      return;
    }
    List<String> seen = new ArrayList<>();
    for (int c = 0; c < chunks.size(); c++) {
      String[] w = chunks.get(c).split(" ");
      assertThat(w.length).isLessThanOrEqualTo(words);
      int skip = c == 0 ? 0 : overlap;
      for (int i = skip; i < w.length; i++) {
        seen.add(w[i]);
      }
    }
    assertThat(seen).isEqualTo(text);
  }
}
