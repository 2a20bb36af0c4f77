package dev.quire.samples;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;

class PhrasesTest {
  @Example
  void numbersMatchOnlyWhole() {
    assertThat(Phrases.contains("Total 14.75", "4.75")).isFalse();
    assertThat(Phrases.contains("Total 1,234.75", "234.75")).isFalse();
    assertThat(Phrases.contains("Total 4.75.", "4.75")).isTrue();
    assertThat(Phrases.contains("Amount $4.75", "4.75")).isTrue();
    assertThat(Phrases.contains("account ****4821", "4821")).isTrue();
    assertThat(Phrases.contains("Leeds office", "Lee")).isFalse();
  }

  @Example
  void whitespaceIsLoose() {
    assertThat(Phrases.contains("Due\nMarch 14,\n  2024 now", "March 14, 2024")).isTrue();
    assertThat(Phrases.contains("anything", " ")).isFalse();
  }

  @Property
  void aPhraseIsFoundAmongWords(
      @ForAll @AlphaChars @StringLength(min = 1, max = 10) String before,
      @ForAll @AlphaChars @StringLength(min = 1, max = 10) String phrase,
      @ForAll @NumericChars @StringLength(min = 1, max = 6) String after) {
    assertThat(Phrases.contains(before + " " + phrase + " " + after, phrase)).isTrue();
    assertThat(Phrases.contains(before + phrase, phrase))
        .as("glued to a word, it is part of that word")
        .isFalse();
    assertThat(Phrases.contains(phrase + after, phrase)).as("glued to a number").isFalse();
  }

  @Property
  void niceAxisMaximaAreCloseAboveTheData(
      @ForAll @LongRange(min = 100, max = 10_000_000_000L) long value) {
    long ceiling = Charts.niceCeiling(value);
    assertThat(ceiling).isGreaterThanOrEqualTo(value).isLessThanOrEqualTo(value * 3 / 2 + 1);
    assertThat(ceiling % 4).as("quarters are whole").isZero();
  }
}
