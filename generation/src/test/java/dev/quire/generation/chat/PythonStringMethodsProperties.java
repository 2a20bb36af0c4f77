package dev.quire.generation.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/** Python's str laws, over strings made of few characters so separators and spaces recur. */
class PythonStringMethodsProperties {

  @Property
  void splittingAtASeparatorAndJoiningGivesTheString(
      @ForAll @Chars({'a', 'b', ',', ' '}) @StringLength(max = 20) String s,
      @ForAll @Chars({'a', ','}) @StringLength(min = 1, max = 2) String separator,
      @ForAll @IntRange(min = -1, max = 4) int maxSplit) {
    List<String> parts = PythonStringMethods.split(s, separator, maxSplit, false);
    assertThat(String.join(separator, parts)).isEqualTo(s);
    assertThat(String.join(separator, PythonStringMethods.split(s, separator, maxSplit, true))).isEqualTo(s);
    if (maxSplit >= 0) {
      assertThat(parts.size()).isLessThanOrEqualTo(maxSplit + 1);
    }
  }

  @Property
  void splittingOnWhitespaceGivesTheWordsWithoutEmptyOnes(
      @ForAll @Chars({'a', 'b', ' ', '\t', '\n'}) @StringLength(max = 20) String s) {
    List<String> words = PythonStringMethods.split(s, null, -1, false);
    assertThat(words).noneMatch(String::isEmpty).allMatch(w -> w.chars().noneMatch(c -> PythonStringMethods.isSpace((char) c)));
    assertThat(String.join("", words)).isEqualTo(s.replaceAll("[ \t\n]", ""));
  }

  @Property
  void strippingIsIdempotentAndLeavesNoStrippableEnds(
      @ForAll @Chars({'a', ' ', '\n', 'x'}) @StringLength(max = 12) String s) {
    String both = PythonStringMethods.rstrip(PythonStringMethods.lstrip(s, null), null);
    assertThat(PythonStringMethods.lstrip(both, null)).isEqualTo(both);
    assertThat(both.isEmpty() || !PythonStringMethods.isSpace(both.charAt(0))).isTrue();
    String noX = PythonStringMethods.rstrip(s, "x");
    assertThat(noX.endsWith("x")).isFalse();
    assertThat(s).startsWith(noX);
  }

  @Property
  void splitlinesDropsTheBreaksAndNoFinalEmptyLine(
      @ForAll @Chars({'a', '\n', '\r'}) @StringLength(max = 12) String s) {
    List<String> lines = PythonStringMethods.splitlines(s);
    assertThat(lines).allMatch(l -> l.indexOf('\n') < 0 && l.indexOf('\r') < 0);
    assertThat(String.join("", lines)).isEqualTo(s.replaceAll("[\r\n]", ""));
  }

  @Property
  void floatReprReadsBackToTheSameDouble(@ForAll double d) {
    String repr = PythonJson.floatRepr(d);
    if (Double.isFinite(d)) {
      assertThat(Double.parseDouble(repr)).isEqualTo(d);
      assertThat(repr).matches("-?(\\d+\\.\\d+|\\d(\\.\\d+)?e[+-]\\d{2,3})");
    }
  }
}
