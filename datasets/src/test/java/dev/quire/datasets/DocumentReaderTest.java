package dev.quire.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSInteger;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentReaderTest {
  @TempDir Path dir;

  private final DocumentReader reader = new DocumentReader(ReaderConfig.defaults().withOcr(false));

  @AfterEach
  void close() {
    reader.close();
  }

  private DocumentRejectedException rejectionOf(Path file) {
    return catchThrowableOfType(DocumentRejectedException.class, () -> reader.open(file).close());
  }

  @Test
  void pdfPagesComeWithTheirTextLayerAndBudgetedImages() throws Exception {
    Path pdf =
        TestFiles.textPdf(dir.resolve("three.pdf"), "alpha page", "bravo page", "charlie page");
    try (LoadedDocument document = reader.open(pdf)) {
      assertThat(document.pageCount()).isEqualTo(3);
      Page second = document.page(2);
      assertThat(second.number()).isEqualTo(2);
      assertThat(second.text()).isEqualTo("bravo page");
      assertThat(second.textSource()).isEqualTo(TextSource.TEXT_LAYER);
      // Letter at the 1.31 MP budget: about 118 DPI, below the 150 DPI cap.
      BufferedImage image = second.image();
      assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
      assertThat((long) image.getWidth() * image.getHeight())
          .isLessThanOrEqualTo(ReaderConfig.DEFAULT_TARGET_PIXELS);
      assertThat(image.getWidth()).isBetween(1000, 1010);
      assertThat(image.getHeight()).isBetween(1295, 1305);
      assertThat(document.page(3).text()).isEqualTo("charlie page");
      assertThatThrownBy(() -> document.page(4))
          .isInstanceOf(IndexOutOfBoundsException.class)
          .hasMessageContaining("1..3");
      assertThatThrownBy(() -> document.page(0)).isInstanceOf(IndexOutOfBoundsException.class);
    }
  }

  @Test
  void aLongPdfIsOpenedWithoutRenderingItsPages() throws Exception {
    String[] texts = new String[500];
    for (int i = 0; i < texts.length; i++) {
      texts[i] = "page number " + (i + 1);
    }
    Path pdf = TestFiles.textPdf(dir.resolve("long.pdf"), texts);
    try (LoadedDocument document = reader.open(pdf)) {
      assertThat(document.pageCount()).isEqualTo(500);
      assertThat(document.page(500).text()).isEqualTo("page number 500");
      assertThat(document.page(1).text()).isEqualTo("page number 1");
    }
  }

  @Test
  void smallPagesStopAtTheDpiCap() throws Exception {
    Path pdf = dir.resolve("receipt.pdf");
    try (PDDocument document = new PDDocument()) {
      TestFiles.addTextPage(document, new PDRectangle(216, 432), "Total 12.50");
      document.save(pdf.toFile());
    }
    try (LoadedDocument document = reader.open(pdf)) {
      BufferedImage image = document.page(1).image();
      assertThat(image.getWidth()).isEqualTo(450); // 3 in x 150 DPI
      assertThat(image.getHeight()).isEqualTo(900);
    }
  }

  @Test
  void identityIsHashSizeAndSniffedType() throws Exception {
    Path pdf = TestFiles.textPdf(dir.resolve("renamed.bin"), "hello");
    SourceInfo info = reader.identify(pdf);
    byte[] bytes = Files.readAllBytes(pdf);
    assertThat(info.contentHash())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    assertThat(info.sizeBytes()).isEqualTo(bytes.length);
    assertThat(info.mediaType()).isEqualTo("application/pdf");
    assertThat(info.path()).isEqualTo(pdf.toAbsolutePath().normalize());
    assertThat(info.documentId()).hasSize(32).matches("[0-9a-f]+");
  }

  @Test
  void pathIdsFollowTheFileAndContentIdsFollowTheBytes() throws Exception {
    Path one = TestFiles.textPdf(dir.resolve("one.pdf"), "same");
    Path two = dir.resolve("two.pdf");
    Files.copy(one, two);
    assertThat(reader.identify(one).documentId()).isNotEqualTo(reader.identify(two).documentId());
    assertThat(reader.identify(dir.resolve("sub/../one.pdf")).documentId())
        .isEqualTo(reader.identify(one).documentId());
    try (DocumentReader byContent =
        new DocumentReader(
            ReaderConfig.defaults().withOcr(false).withIdMode(DocumentIdMode.CONTENT))) {
      assertThat(byContent.identify(one).documentId())
          .isEqualTo(byContent.identify(two).documentId());
    }
  }

  @Test
  void passwordProtectedPdfIsRejectedAsEncrypted() throws Exception {
    Path pdf = TestFiles.encryptedPdf(dir.resolve("locked.pdf"), "owner-secret", "user-secret");
    DocumentRejectedException rejection = rejectionOf(pdf);
    assertThat(rejection.reason()).isEqualTo(RejectReason.ENCRYPTED);
    assertThat(rejection.file()).isEqualTo(pdf);
    assertThat(rejection.getMessage()).contains("locked.pdf", "password");
  }

  @Test
  void pdfWithOnlyAnOwnerPasswordIsReadable() throws Exception {
    Path pdf = TestFiles.encryptedPdf(dir.resolve("restricted.pdf"), "owner-secret", "");
    try (LoadedDocument document = reader.open(pdf)) {
      assertThat(document.page(1).text()).isEqualTo("Confidential salary review");
    }
  }

  @Test
  void truncatedPdfIsRejectedAsCorrupt() throws Exception {
    Path whole = TestFiles.textPdf(dir.resolve("whole.pdf"), "one", "two", "three", "four");
    byte[] bytes = Files.readAllBytes(whole);
    Path truncated = dir.resolve("truncated.pdf");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
    DocumentRejectedException rejection = rejectionOf(truncated);
    assertThat(rejection.reason()).isEqualTo(RejectReason.CORRUPT);
    assertThat(rejection.getMessage()).startsWith(truncated.toString());
  }

  @Test
  void zeroByteFileIsRejectedAsEmpty() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.pdf"));
    assertThat(rejectionOf(empty).reason()).isEqualTo(RejectReason.EMPTY_FILE);
    assertThatThrownBy(() -> reader.identify(empty))
        .isInstanceOf(DocumentRejectedException.class)
        .hasMessageContaining("empty file");
  }

  @Test
  void textFileNamedPdfIsRejectedAsUnknownType() throws Exception {
    Path fake = Files.writeString(dir.resolve("notes.pdf"), "Meeting notes: revenue up 12%\n");
    DocumentRejectedException rejection = rejectionOf(fake);
    assertThat(rejection.reason()).isEqualTo(RejectReason.UNKNOWN_TYPE);
    assertThat(rejection.getMessage()).contains("notes.pdf", "Meeting notes");
  }

  @Test
  void missingFileIsAReadError() {
    DocumentRejectedException rejection = rejectionOf(dir.resolve("nowhere.pdf"));
    assertThat(rejection.reason()).isEqualTo(RejectReason.READ_ERROR);
    assertThat(rejection.getMessage()).contains("nowhere.pdf");
  }

  @Test
  void decompressionBombIsRejectedFromItsHeaderBeforeDecoding() throws Exception {
    Path bomb = TestFiles.pngHeader(dir.resolve("bomb.png"), 50_000, 50_000);
    assertThat(Files.size(bomb)).isLessThan(100);
    // Decoding would need 10 GB; the header check answers at once.
    DocumentRejectedException rejection =
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> rejectionOf(bomb));
    assertThat(rejection.reason()).isEqualTo(RejectReason.TOO_MANY_PIXELS);
    assertThat(rejection.detail()).isEqualTo("50000 x 50000 = 2500000000 pixels, limit 100000000");
  }

  @Test
  void pdfPageDrawingAHugeImageIsRejectedAloneBeforeDecoding() throws Exception {
    Path pdf = dir.resolve("bomb-page.pdf");
    try (PDDocument document = new PDDocument()) {
      TestFiles.addTextPage(document, PDRectangle.LETTER, "fine first page");
      PDPage page = new PDPage(PDRectangle.LETTER);
      document.addPage(page);
      PDImageXObject image =
          LosslessFactory.createFromImage(document, TestFiles.solid(4, 4, Color.RED));
      // The dictionary claims 60000 x 60000; PDFBox would allocate that before scaling down.
      image.getCOSObject().setInt(COSName.WIDTH, 60_000);
      image.getCOSObject().setInt(COSName.HEIGHT, 60_000);
      try (PDPageContentStream out = new PDPageContentStream(document, page)) {
        out.drawImage(image, 0, 0, 600, 600);
      }
      TestFiles.addTextPage(document, PDRectangle.LETTER, "fine third page");
      document.save(pdf.toFile());
    }
    try (LoadedDocument document = reader.open(pdf)) {
      assertThat(document.page(1).text()).isEqualTo("fine first page");
      DocumentRejectedException rejection =
          catchThrowableOfType(DocumentRejectedException.class, () -> document.page(2));
      assertThat(rejection.reason()).isEqualTo(RejectReason.TOO_MANY_PIXELS);
      assertThat(rejection.page()).isEqualTo(2);
      assertThat(rejection.getMessage()).contains("page 2", "3600000000 pixels");
      assertThat(document.page(3).text()).isEqualTo("fine third page");
    }
  }

  @Test
  void inlineImageBombIsRejectedToo() throws Exception {
    Path pdf = dir.resolve("inline-bomb.pdf");
    try (PDDocument document = new PDDocument()) {
      PDPage page = new PDPage(PDRectangle.LETTER);
      document.addPage(page);
      COSStream content = document.getDocument().createCOSStream();
      try (var out = content.createOutputStream()) {
        out.write(
            "q 100 0 0 100 0 0 cm BI /W 100000 /H 100000 /BPC 8 /CS /RGB ID abc EI Q"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
      page.getCOSObject().setItem(COSName.CONTENTS, content);
      document.save(pdf.toFile());
    }
    try (LoadedDocument document = reader.open(pdf)) {
      assertThat(
              catchThrowableOfType(DocumentRejectedException.class, () -> document.page(1))
                  .reason())
          .isEqualTo(RejectReason.TOO_MANY_PIXELS);
    }
  }

  @Test
  void absurdPageSizeRejectsThatPage() throws Exception {
    Path pdf = dir.resolve("banner.pdf");
    try (PDDocument document = new PDDocument()) {
      TestFiles.addTextPage(document, PDRectangle.LETTER, "normal");
      TestFiles.addTextPage(document, new PDRectangle(20_000, 300), "a very long banner");
      document.save(pdf.toFile());
    }
    try (LoadedDocument document = reader.open(pdf)) {
      assertThat(document.page(1).text()).isEqualTo("normal");
      DocumentRejectedException rejection =
          catchThrowableOfType(DocumentRejectedException.class, () -> document.page(2));
      assertThat(rejection.reason()).isEqualTo(RejectReason.PAGE_TOO_LARGE);
      assertThat(rejection.detail()).isEqualTo("20000 x 300 pt, limit 14400 pt per side");
    }
  }

  @Test
  void tooManyPagesIsRejectedAtOpen() throws Exception {
    Path pdf = TestFiles.textPdf(dir.resolve("long.pdf"), "1", "2", "3");
    ReaderConfig strict =
        new ReaderConfig(
            150,
            ReaderConfig.DEFAULT_TARGET_PIXELS,
            ReaderConfig.DEFAULT_MAX_IMAGE_PIXELS,
            2,
            DocumentIdMode.PATH,
            false);
    try (DocumentReader limited = new DocumentReader(strict)) {
      DocumentRejectedException rejection =
          catchThrowableOfType(DocumentRejectedException.class, () -> limited.open(pdf));
      assertThat(rejection.reason()).isEqualTo(RejectReason.TOO_MANY_PAGES);
      assertThat(rejection.detail()).isEqualTo("3 pages, limit 2");
    }
  }

  @Test
  void aPageThatFailsToRenderRejectsOnlyThatPage() throws Exception {
    Path whole = TestFiles.textPdf(dir.resolve("whole.pdf"), "one", "two", "three");
    Path broken = dir.resolve("broken-tree.pdf");
    try (PDDocument document = Loader.loadPDF(whole.toFile())) {
      // The page tree says 3 pages but its second entry is a number, not a page.
      COSArray kids = document.getPages().getCOSObject().getCOSArray(COSName.KIDS);
      kids.set(1, COSInteger.get(7));
      document.save(broken.toFile());
    }
    List<String> outcomes = new ArrayList<>();
    try (LoadedDocument document = reader.open(broken)) {
      for (int number = 1; number <= document.pageCount(); number++) {
        try {
          outcomes.add(document.page(number).text());
        } catch (DocumentRejectedException e) {
          assertThat(e.page()).isEqualTo(number);
          outcomes.add(e.reason().name());
        }
      }
    }
    assertThat(outcomes).hasSize(3).startsWith("one").contains(RejectReason.RENDER_FAILED.name());
  }

  @Test
  void truncatedImageRejectsItsPage() throws Exception {
    Path whole = dir.resolve("whole.png");
    ImageIO.write(TestFiles.textImage(600, 400, "cut short"), "png", whole.toFile());
    byte[] bytes = Files.readAllBytes(whole);
    Path truncated = dir.resolve("truncated.png");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
    try (LoadedDocument document = reader.open(truncated)) {
      DocumentRejectedException rejection =
          catchThrowableOfType(DocumentRejectedException.class, () -> document.page(1));
      assertThat(rejection.reason()).isEqualTo(RejectReason.CORRUPT);
      assertThat(rejection.page()).isEqualTo(1);
    }
  }

  @Test
  void multiPageTiffIsOnePagePerFrame() throws Exception {
    Path tiff =
        TestFiles.multiPageTiff(
            dir.resolve("scan.tif"),
            TestFiles.solid(300, 200, Color.RED),
            TestFiles.solid(200, 300, Color.GREEN),
            TestFiles.solid(100, 100, Color.BLUE));
    try (LoadedDocument document = reader.open(tiff)) {
      assertThat(document.source().mediaType()).isEqualTo("image/tiff");
      assertThat(document.pageCount()).isEqualTo(3);
      Page second = document.page(2);
      assertThat(second.image().getWidth()).isEqualTo(200);
      assertThat(second.image().getHeight()).isEqualTo(300);
      assertThat(second.image().getRGB(10, 10) & 0xFFFFFF).isEqualTo(0x00FF00);
      assertThat(second.textSource()).isEqualTo(TextSource.NONE);
      assertThat(document.page(3).image().getRGB(5, 5) & 0xFFFFFF).isEqualTo(0x0000FF);
    }
  }

  @Test
  void cmykJpegIsConvertedToRgb() throws Exception {
    // Magenta and yellow ink, no cyan or black: red.
    Path jpeg = TestFiles.cmykJpeg(dir.resolve("press.jpg"), 64, 48, new int[] {0, 255, 255, 0});
    try (LoadedDocument document = reader.open(jpeg)) {
      assertThat(document.source().mediaType()).isEqualTo("image/jpeg");
      Color color = new Color(document.page(1).image().getRGB(20, 20));
      assertThat(color.getRed()).isGreaterThan(200);
      assertThat(color.getGreen()).isLessThan(80);
      assertThat(color.getBlue()).isLessThan(80);
    }
  }

  /** 60 x 30: red on the left half, blue on the right. */
  private static BufferedImage redLeftBlueRight() {
    BufferedImage image = new BufferedImage(60, 30, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, 30, 30);
    g.setColor(Color.BLUE);
    g.fillRect(30, 0, 30, 30);
    g.dispose();
    return image;
  }

  @Test
  void aJpegIsTurnedUprightAsItsExifOrientationSays() throws Exception {
    // 6: the camera was turned a quarter; shown upright, the stored left edge is the top.
    Path turned = TestFiles.jpegWithOrientation(dir.resolve("phone.jpg"), redLeftBlueRight(), 6, null);
    try (LoadedDocument document = reader.open(turned)) {
      BufferedImage page = document.page(1).image();
      assertThat(page.getWidth()).isEqualTo(30);
      assertThat(page.getHeight()).isEqualTo(60);
      assertClose(new Color(page.getRGB(15, 10)), Color.RED);
      assertClose(new Color(page.getRGB(15, 50)), Color.BLUE);
    }
    // 3: upside down; shown upright, red is on the right.
    Path upsideDown = TestFiles.jpegWithOrientation(dir.resolve("upside-down.jpg"), redLeftBlueRight(), 3, null);
    try (LoadedDocument document = reader.open(upsideDown)) {
      BufferedImage page = document.page(1).image();
      assertThat(page.getWidth()).isEqualTo(60);
      assertClose(new Color(page.getRGB(50, 15)), Color.RED);
      assertClose(new Color(page.getRGB(10, 15)), Color.BLUE);
    }
  }

  @Test
  void aBrokenExifSegmentLeavesTheImageAsStored() throws Exception {
    byte[] broken = {(byte) 0xFF, (byte) 0xFF, 1, 2, 3}; // an IFD of 65,535 entries, cut short
    Path jpeg = TestFiles.jpegWithOrientation(dir.resolve("broken-exif.jpg"), redLeftBlueRight(), 0, broken);
    try (LoadedDocument document = reader.open(jpeg)) {
      BufferedImage page = document.page(1).image();
      assertThat(page.getWidth()).isEqualTo(60);
      assertClose(new Color(page.getRGB(10, 15)), Color.RED);
    }
  }

  @Test
  void webpIsReadThroughTwelveMonkeys() throws Exception {
    for (String name : List.of("quadrants-160x100.webp", "quadrants-160x100-lossless.webp")) {
      Path webp = TestFiles.resource(dir, name);
      try (LoadedDocument document = reader.open(webp)) {
        assertThat(document.source().mediaType()).isEqualTo("image/webp");
        BufferedImage image = document.page(1).image();
        assertThat(image.getWidth()).isEqualTo(160);
        assertThat(image.getHeight()).isEqualTo(100);
        assertClose(new Color(image.getRGB(20, 20)), new Color(200, 30, 30));
        assertClose(new Color(image.getRGB(140, 80)), new Color(30, 60, 200));
        assertClose(new Color(image.getRGB(140, 20)), Color.WHITE);
      }
    }
  }

  private static void assertClose(Color actual, Color expected) {
    assertThat(Math.abs(actual.getRed() - expected.getRed()))
        .as("red of %s", actual)
        .isLessThan(25);
    assertThat(Math.abs(actual.getGreen() - expected.getGreen()))
        .as("green of %s", actual)
        .isLessThan(25);
    assertThat(Math.abs(actual.getBlue() - expected.getBlue()))
        .as("blue of %s", actual)
        .isLessThan(25);
  }

  @Test
  void bmpAndPngAreReadAndTransparencyLandsOnWhite() throws Exception {
    Path bmp = dir.resolve("photo.bmp");
    ImageIO.write(TestFiles.solid(120, 80, Color.ORANGE), "bmp", bmp.toFile());
    try (LoadedDocument document = reader.open(bmp)) {
      assertThat(document.source().mediaType()).isEqualTo("image/bmp");
      assertThat(document.page(1).image().getRGB(3, 3)).isEqualTo(Color.ORANGE.getRGB());
    }
    BufferedImage transparent = new BufferedImage(50, 50, BufferedImage.TYPE_INT_ARGB);
    Path png = dir.resolve("clear.png");
    ImageIO.write(transparent, "png", png.toFile());
    try (LoadedDocument document = reader.open(png)) {
      assertThat(document.page(1).image().getRGB(25, 25)).isEqualTo(Color.WHITE.getRGB());
    }
  }

  @Test
  void animatedGifIsItsFirstFrame() throws Exception {
    Path gif = dir.resolve("anim.gif");
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(gif.toFile())) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      writer.writeToSequence(new IIOImage(TestFiles.solid(40, 30, Color.BLUE), null, null), null);
      writer.writeToSequence(new IIOImage(TestFiles.solid(40, 30, Color.RED), null, null), null);
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
    try (LoadedDocument document = reader.open(gif)) {
      assertThat(document.source().mediaType()).isEqualTo("image/gif");
      assertThat(document.pageCount()).isEqualTo(1);
      assertThat(document.page(1).image().getRGB(5, 5)).isEqualTo(Color.BLUE.getRGB());
    }
  }

  @Test
  void largeImagesAreDownscaledToTheBudget() throws Exception {
    Path png = dir.resolve("big.png");
    ImageIO.write(TestFiles.solid(4000, 3000, Color.GRAY), "png", png.toFile());
    try (LoadedDocument document = reader.open(png)) {
      BufferedImage image = document.page(1).image();
      assertThat((long) image.getWidth() * image.getHeight())
          .isLessThanOrEqualTo(ReaderConfig.DEFAULT_TARGET_PIXELS);
      assertThat(image.getWidth()).isBetween(1318, 1322); // 4:3 at 1.31 MP
      assertThat(image.getRGB(100, 100)).isEqualTo(Color.GRAY.getRGB());
    }
  }

  @Test
  void withoutOcrAScanHasNoTextAndTheEngineSaysWhy() throws Exception {
    Path scan =
        TestFiles.imageOnlyPdf(
            dir.resolve("scan.pdf"), TestFiles.textImage(1200, 200, "Scanned words"), 200);
    try (LoadedDocument document = reader.open(scan)) {
      Page page = document.page(1);
      assertThat(page.text()).isEmpty();
      assertThat(page.textSource()).isEqualTo(TextSource.NONE);
    }
    assertThat(reader.ocr().available()).isFalse();
    assertThat(reader.ocr().status()).contains("disabled");
  }

  @Test
  void ocrReadsScannedPdfPagesAndImageFiles() throws Exception {
    try (DocumentReader withOcr = new DocumentReader(ReaderConfig.defaults())) {
      org.junit.jupiter.api.Assumptions.assumeTrue(
          withOcr.ocr().available(),
          () -> "Tesseract is not installed, OCR test skipped: " + withOcr.ocr().status());
      BufferedImage words =
          TestFiles.textImage(1400, 200, "Remittance advice 73315", "Balance forward");
      Path scan = TestFiles.imageOnlyPdf(dir.resolve("scan.pdf"), words, 200);
      try (LoadedDocument document = withOcr.open(scan)) {
        Page page = document.page(1);
        assertThat(page.textSource()).isEqualTo(TextSource.OCR);
        assertThat(page.text()).contains("Remittance", "advice", "73315", "Balance", "forward");
        // OCR ran on a 300 DPI render; the page image (7 x 1 in) still comes at 150 DPI.
        assertThat(page.image().getWidth()).isEqualTo(1050);
      }
      Path tiff =
          TestFiles.multiPageTiff(
              dir.resolve("pages.tif"),
              TestFiles.textImage(900, 160, "First sheet"),
              TestFiles.textImage(900, 160, "Second sheet"));
      try (LoadedDocument document = withOcr.open(tiff)) {
        assertThat(document.page(2).text()).contains("Second", "sheet").doesNotContain("First");
        assertThat(document.page(2).textSource()).isEqualTo(TextSource.OCR);
      }
    }
  }
}
