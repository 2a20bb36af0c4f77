package dev.quire.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OcrEngineTest {
  private static OcrEngine engine;

  @BeforeAll
  static void locate() {
    engine = OcrEngine.tesseract(OcrConfig.defaults());
  }

  @AfterAll
  static void release() {
    engine.close();
  }

  /** Skips (with the engine's own explanation) only when Tesseract is not installed. */
  static void assumeTesseract() {
    assumeTrue(
        engine.available(),
        () -> "Tesseract is not installed, OCR tests skipped: " + engine.status());
  }

  @Test
  void recognisesRenderedWords() throws Exception {
    assumeTesseract();
    BufferedImage image =
        TestFiles.textImage(1400, 260, "Invoice number 48213", "Total due 1,250.00 dollars");
    String text = engine.recognize(image, 300);
    assertThat(text).contains("Invoice", "number", "48213", "Total", "1,250.00", "dollars");
  }

  @Test
  void eachThreadGetsItsOwnInstance() throws Exception {
    assumeTesseract();
    BufferedImage image = TestFiles.textImage(900, 140, "Quarterly revenue report");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<String> first = pool.submit(() -> engine.recognize(image, 300));
      Future<String> second = pool.submit(() -> engine.recognize(image, 300));
      assertThat(first.get()).contains("Quarterly", "revenue", "report");
      assertThat(second.get()).contains("Quarterly", "revenue", "report");
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void statusNamesTheVersionAndData() {
    assumeTesseract();
    assertThat(engine.status()).startsWith("Tesseract 5").contains("language eng", "data in");
  }

  @Test
  void missingLanguageDataIsReportedNotThrown(@TempDir Path empty) {
    OcrEngine missing =
        OcrEngine.tesseract(
            new OcrConfig("eng", empty, OcrConfig.DEFAULT_DPI, OcrConfig.DEFAULT_MAX_PIXELS));
    assertThat(missing.available()).isFalse();
    assertThat(missing.status()).contains("eng.traineddata", empty.toString(), "TESSDATA_PREFIX");
    assertThatThrownBy(() -> missing.recognize(TestFiles.textImage(10, 10), 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not available");
  }

  @Test
  void tessdataPrefixIsSearchedAsFolderAndAsParent(@TempDir Path prefix) throws Exception {
    Path tessdata = Files.createDirectories(prefix.resolve("tessdata"));
    Files.writeString(tessdata.resolve("eng.traineddata"), "model");
    var candidates =
        TesseractOcr.tessdataCandidates(
            OcrConfig.defaults(), Map.of("TESSDATA_PREFIX", prefix.toString()));
    assertThat(candidates).startsWith(prefix, tessdata);
    assertThat(TesseractOcr.findTessdata(candidates, "eng")).isEqualTo(tessdata);
    assertThat(TesseractOcr.findTessdata(candidates, "eng+deu")).isNotEqualTo(tessdata);
  }

  @Test
  void unsetThreadLimitIsFlaggedInTheStatus() {
    assumeTesseract();
    OcrEngine unlimited = TesseractOcr.locate(OcrConfig.defaults(), Map.of());
    try {
      assertThat(unlimited.status()).contains("OMP_THREAD_LIMIT is unset, not 1");
    } finally {
      unlimited.close();
    }
  }

  @Test
  void aClosedEngineRefusesWork() {
    assumeTesseract();
    OcrEngine own = OcrEngine.tesseract(OcrConfig.defaults());
    own.close();
    assertThatThrownBy(() -> own.recognize(TestFiles.textImage(10, 10), 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}
