package dev.quire.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class SnippetTest {

  @Test
  void spansMarkTheirText() {
    Snippet s = new Snippet("Total due: $40 (due 3 May)", List.of(new Snippet.Span(0, 5), new Snippet.Span(6, 9)));
    assertThat(s.matched()).containsExactly("Total", "due");
    assertThat(s.marked("<b>", "</b>")).isEqualTo("<b>Total</b> <b>due</b>: $40 (due 3 May)");
  }

  @Test
  void spansOutOfOrderOverlappingOrPastTheTextAreRefused() {
    assertThatThrownBy(() -> new Snippet("abc", List.of(new Snippet.Span(1, 4))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Snippet("abcdef", List.of(new Snippet.Span(2, 4), new Snippet.Span(3, 5))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Snippet.Span(3, 3)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Marking and then removing the marks gives the text back, whatever the spans. */
  @Property(tries = 200)
  void markingKeepsTheText(
      @ForAll @StringLength(max = 60) @net.jqwik.api.constraints.AlphaChars @net.jqwik.api.constraints.Chars({' ', '<', '&', 'é', '字', '\n'}) String text,
      @ForAll @IntRange(min = 1, max = 7) int step) {
    java.util.ArrayList<Snippet.Span> spans = new java.util.ArrayList<>();
    for (int start = 0; start + step <= text.length(); start += 2 * step) {
      spans.add(new Snippet.Span(start, start + step));
    }
    Snippet s = new Snippet(text, spans);
    assertThat(s.marked("\u0001", "\u0002").replace("\u0001", "").replace("\u0002", "")).isEqualTo(text);
    assertThat(String.join("", s.matched()).length()).isEqualTo(spans.size() * step);
  }
}
