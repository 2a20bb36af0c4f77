package dev.quire.evaluation.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.retrieval.FirstStage;
import dev.quire.retrieval.Scorer;
import dev.quire.retrieval.SearchConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class VariantTest {

  @Test
  void theAblationsCoverEveryScorerAndEachRatio() {
    List<Variant> variants = Variant.ablations(100, 100, List.of(0.1, 0.2, 0.5), true);
    assertThat(variants).extracting(Variant::name).containsExactly(
        "bm25", "float", "hamming", "asymmetric", "phased-10", "phased-20", "phased-50", "hybrid");
    assertThat(variants).extracting(Variant::representation).containsExactly(
        "text", "float x half", "binary x binary", "float x binary", "hamming > float x half",
        "hamming > float x half", "hamming > float x half", "bm25 > hamming > float x half");
    Variant phased20 = variants.get(5);
    assertThat(phased20.search().firstStage()).isEqualTo(FirstStage.EXHAUSTIVE);
    assertThat(phased20.search().scorers()).containsExactly(Scorer.HAMMING, Scorer.HALF);
    assertThat(phased20.search().prefilterRatio()).isEqualTo(0.2);
    // The engine keeps max(k, ceil(depth x ratio)) after the pre-filter: k = 20 makes it rerank 20.
    assertThat(phased20.k()).isEqualTo(20);
    assertThat(variants.getLast().search()).isEqualTo(SearchConfig.defaults());
    assertThat(variants).extracting(Variant::signature).doesNotHaveDuplicates();
  }

  @Test
  void withoutAModelOnlyBm25Runs() {
    assertThat(Variant.ablations(100, 100, List.of(0.2), false)).extracting(Variant::name).containsExactly("bm25");
    assertThat(Variant.ablations(100, 100, List.of(0.2), false).getFirst().usesModel()).isFalse();
  }

  @Test
  void namesMustBeUsableAsFileNames() {
    assertThatThrownBy(() -> new Variant("../x", "", SearchConfig.defaults(), 10, true, List.of()))
        .hasMessageContaining("../x");
  }
}
