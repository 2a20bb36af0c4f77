package dev.quire.evaluation.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.evaluation.benchmark.Variant.Store;
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
    assertThat(variants).extracting(Variant::stores).containsExactly(
        List.of(Store.TEXT_INDEX), List.of(Store.HALF_VECTORS), List.of(Store.BINARY_CODES),
        List.of(Store.BINARY_CODES), List.of(Store.BINARY_CODES, Store.HALF_VECTORS),
        List.of(Store.BINARY_CODES, Store.HALF_VECTORS), List.of(Store.BINARY_CODES, Store.HALF_VECTORS),
        List.of(Store.TEXT_INDEX, Store.BINARY_CODES, Store.HALF_VECTORS));
    Variant phased20 = variants.get(5);
    assertThat(phased20.search().firstStage()).isEqualTo(FirstStage.EXHAUSTIVE);
    assertThat(phased20.search().scorers()).containsExactly(Scorer.HAMMING, Scorer.HALF);
    assertThat(phased20.search().prefilterRatio()).isEqualTo(0.2);
    // The engine's phased ranking returns the pages Hamming held back after the 20 it reordered.
    assertThat(phased20.k()).isEqualTo(100);
    assertThat(phased20.signature()).isEqualTo("exhaustive hamming,half depth=100 ratio=0.2 rrf=60 k=100 rerank=20");
    Variant bm25 = variants.getFirst();
    assertThat(bm25.search().firstStage()).isEqualTo(FirstStage.BM25);
    assertThat(bm25.search().scorers()).isEmpty();
    assertThat(bm25.usesModel()).isFalse();
    assertThat(variants.getLast().search()).isEqualTo(SearchConfig.defaults());
    assertThat(variants.getLast().description()).contains("BM25's top 100 by Hamming; the best 50 (ratio 0.5)");
    assertThat(variants).allSatisfy(v -> assertThat(v.k()).isEqualTo(100));
    assertThat(variants).extracting(Variant::signature).doesNotHaveDuplicates();
  }

  @Test
  void withoutAModelOnlyBm25Runs() {
    assertThat(Variant.ablations(100, 100, List.of(0.2), false)).extracting(Variant::name).containsExactly("bm25");
    assertThat(Variant.ablations(100, 100, List.of(0.2), false).getFirst().usesModel()).isFalse();
  }

  @Test
  void aTextModelAddsTheDenseFirstStages() {
    List<Variant> text = Variant.ablations(100, 100, List.of(0.2), false, true);
    assertThat(text).extracting(Variant::name).containsExactly("bm25", "dense", "bm25-dense", "bm25-dense-rrf");
    assertThat(text.get(2).signature()).contains("fusion=convex dense=0.100");
    assertThat(text.get(3).signature()).contains("fusion=rrf dense=0.500");
    assertThat(text.get(1).representation()).isEqualTo("dense text");
    assertThat(text.get(2).representation()).isEqualTo("hybrid text");
    assertThat(text).noneMatch(Variant::usesModel);
    List<Variant> both = Variant.ablations(100, 100, List.of(0.2), true, true);
    assertThat(both).extracting(Variant::name).contains("bm25-dense-maxsim", "hybrid", "float");
    assertThat(both).extracting(Variant::signature).doesNotHaveDuplicates();
  }

  @Test
  void namesMustBeUsableAsFileNames() {
    assertThatThrownBy(() -> new Variant("../x", "", SearchConfig.defaults(), 10))
        .hasMessageContaining("../x");
  }
}
