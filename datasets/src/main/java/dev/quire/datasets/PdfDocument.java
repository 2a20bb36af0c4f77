package dev.quire.datasets;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.contentstream.operator.Operator;
import org.apache.pdfbox.contentstream.operator.OperatorName;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdfparser.PDFStreamParser;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A PDF read with PDFBox: pages rendered and their text extracted one at a time, on demand. */
final class PdfDocument implements LoadedDocument {
  private static final Logger LOG = LoggerFactory.getLogger(PdfDocument.class);

  /** Forms nest forms; real documents stay shallow, hostile ones do not. */
  private static final int MAX_FORM_DEPTH = 16;

  private final SourceInfo source;
  private final ReaderConfig config;
  private final PageOcr ocr;
  private final PDDocument document;
  private final PDFRenderer renderer;
  private final PDFTextStripper stripper;
  private final int pageCount;

  private PdfDocument(SourceInfo source, ReaderConfig config, PageOcr ocr, PDDocument document)
      throws IOException {
    this.source = source;
    this.config = config;
    this.ocr = ocr;
    this.document = document;
    this.pageCount = document.getNumberOfPages();
    this.renderer = new PDFRenderer(document);
    // Images far larger than their place on the page are decoded subsampled: less memory.
    renderer.setSubsamplingAllowed(true);
    this.stripper = new PDFTextStripper();
    // Content-stream order jumps between columns; runs that share a baseline then get glued
    // into one token ("15BILL"). Reading by position keeps words apart, which is what search needs.
    stripper.setSortByPosition(true);
  }

  static PdfDocument open(SourceInfo source, ReaderConfig config, PageOcr ocr)
      throws DocumentRejectedException {
    Path file = source.path();
    PDDocument document;
    try {
      document = Loader.loadPDF(file.toFile());
    } catch (InvalidPasswordException e) {
      throw new DocumentRejectedException(
          file, RejectReason.ENCRYPTED, 0, "a password is needed to open it", e);
    } catch (IOException | RuntimeException e) {
      throw new DocumentRejectedException(file, RejectReason.CORRUPT, 0, e.getMessage(), e);
    }
    try {
      int pages = document.getNumberOfPages();
      if (pages == 0) {
        throw new DocumentRejectedException(file, RejectReason.CORRUPT, "it has no pages");
      }
      if (pages > config.maxPagesPerDocument()) {
        throw new DocumentRejectedException(
            file,
            RejectReason.TOO_MANY_PAGES,
            pages + " pages, limit " + config.maxPagesPerDocument());
      }
      return new PdfDocument(source, config, ocr, document);
    } catch (DocumentRejectedException e) {
      closeQuietly(document);
      throw e;
    } catch (IOException | RuntimeException e) {
      closeQuietly(document);
      throw new DocumentRejectedException(file, RejectReason.CORRUPT, 0, e.getMessage(), e);
    }
  }

  @Override
  public SourceInfo source() {
    return source;
  }

  @Override
  public int pageCount() {
    return pageCount;
  }

  @Override
  public Page page(int number) throws DocumentRejectedException {
    if (number < 1 || number > pageCount) {
      throw new IndexOutOfBoundsException(
          "page " + number + " of " + source.path() + ", which has pages 1.." + pageCount);
    }
    int index = number - 1;
    try {
      PDPage page = document.getPage(index);
      PDRectangle box = page.getCropBox();
      checkPageSize(number, box, page.getUserUnit());
      checkImages(number, page);

      String text = extractText(number);
      boolean rotated = page.getRotation() % 180 != 0;
      float scale =
          PageSizing.renderScale(
              box.getWidth(), box.getHeight(), config.maxDpi(), config.targetPixels());
      if (text.isBlank() && ocr.active()) {
        OcrConfig ocrConfig = config.ocrConfig();
        float ocrScale =
            Math.max(
                scale,
                PageSizing.renderScale(
                    box.getWidth(), box.getHeight(), ocrConfig.dpi(), ocrConfig.maxPixels()));
        BufferedImage large =
            PageImages.toRgb(renderer.renderImage(index, ocrScale, ImageType.RGB));
        String recognised = ocr.recognize(large, Math.round(ocrScale * 72), source.path(), number);
        PageSizing.Size size = PageSizing.renderedSize(box.getWidth(), box.getHeight(), scale);
        BufferedImage image =
            rotated
                ? PageImages.resize(large, size.height(), size.width())
                : PageImages.resize(large, size.width(), size.height());
        return recognised.isEmpty()
            ? new Page(number, image, "", TextSource.NONE)
            : new Page(number, image, recognised, TextSource.OCR);
      }
      BufferedImage image = PageImages.toRgb(renderer.renderImage(index, scale, ImageType.RGB));
      return text.isBlank()
          ? new Page(number, image, "", TextSource.NONE)
          : new Page(number, image, text.strip(), TextSource.TEXT_LAYER);
    } catch (DocumentRejectedException e) {
      throw e;
    } catch (IOException | RuntimeException | StackOverflowError e) {
      // PDFBox signals damaged content with all kinds of runtime exceptions; deep or cyclic
      // content streams with a stack overflow. Either way only this page is lost.
      throw new DocumentRejectedException(
          source.path(), RejectReason.RENDER_FAILED, number, String.valueOf(e.getMessage()), e);
    } catch (OutOfMemoryError e) {
      // The backstop for what the image checks cannot see (images in patterns, annotations,
      // fonts): the failed allocation was the page's own, so the heap is usable again.
      throw new DocumentRejectedException(
          source.path(), RejectReason.TOO_MANY_PIXELS, number, "rendering it ran out of memory", e);
    }
  }

  private void checkPageSize(int number, PDRectangle box, float userUnit)
      throws DocumentRejectedException {
    double width = box.getWidth() * (double) userUnit;
    double height = box.getHeight() * (double) userUnit;
    if (!(width > 0 && height > 0)) {
      throw new DocumentRejectedException(
          source.path(), RejectReason.RENDER_FAILED, number, "empty page box " + box, null);
    }
    if (width > config.maxPageSidePoints() || height > config.maxPageSidePoints()) {
      throw new DocumentRejectedException(
          source.path(),
          RejectReason.PAGE_TOO_LARGE,
          number,
          String.format(
              "%.0f x %.0f pt, limit %.0f pt per side", width, height, config.maxPageSidePoints()),
          null);
    }
  }

  /**
   * Rejects a page drawing an image that declares more pixels than allowed: PDFBox would decode it
   * whole before scaling it down, and a hostile file can declare billions. Images are checked from
   * their dictionaries (XObjects, also inside forms) and inline-image headers, unread.
   */
  private void checkImages(int number, PDPage page) throws DocumentRejectedException {
    long largest =
        Math.max(
            largestImagePixels(
                page.getCOSObject().getCOSDictionary(COSName.RESOURCES),
                0,
                Collections.newSetFromMap(new IdentityHashMap<>())),
            largestInlineImagePixels(page));
    if (largest > config.maxImagePixels()) {
      throw new DocumentRejectedException(
          source.path(),
          RejectReason.TOO_MANY_PIXELS,
          number,
          "an image of " + largest + " pixels, limit " + config.maxImagePixels(),
          null);
    }
  }

  private static long largestInlineImagePixels(PDPage page) {
    long largest = 0;
    try {
      PDFStreamParser parser = new PDFStreamParser(page);
      for (Object token = parser.parseNextToken(); token != null; token = parser.parseNextToken()) {
        if (token instanceof Operator operator
            && OperatorName.BEGIN_INLINE_IMAGE.equals(operator.getName())) {
          COSDictionary parameters = operator.getImageParameters();
          if (parameters != null) {
            largest =
                Math.max(
                    largest,
                    pixels(
                        parameters.getLong(COSName.W, parameters.getLong(COSName.WIDTH)),
                        parameters.getLong(COSName.H, parameters.getLong(COSName.HEIGHT))));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // An unparsable content stream is for the renderer to report; there is nothing to check.
      LOG.debug("Could not scan the content of a page for inline images", e);
    }
    return largest;
  }

  private static long pixels(long width, long height) {
    long w = Math.max(0, width);
    long h = Math.max(0, height);
    return w > 0 && h > Long.MAX_VALUE / w ? Long.MAX_VALUE : w * h;
  }

  private static long largestImagePixels(COSDictionary resources, int depth, Set<COSBase> seen) {
    if (resources == null || depth > MAX_FORM_DEPTH) {
      return 0;
    }
    COSDictionary xobjects = resources.getCOSDictionary(COSName.XOBJECT);
    if (xobjects == null) {
      return 0;
    }
    long largest = 0;
    for (COSBase value : xobjects.getValues()) {
      COSBase object = value instanceof COSObject indirect ? indirect.getObject() : value;
      if (!(object instanceof COSStream stream) || !seen.add(stream)) {
        continue;
      }
      if (COSName.IMAGE.equals(stream.getCOSName(COSName.SUBTYPE))) {
        largest =
            Math.max(
                largest, pixels(stream.getLong(COSName.WIDTH), stream.getLong(COSName.HEIGHT)));
      } else if (COSName.FORM.equals(stream.getCOSName(COSName.SUBTYPE))) {
        largest =
            Math.max(
                largest,
                largestImagePixels(stream.getCOSDictionary(COSName.RESOURCES), depth + 1, seen));
      }
    }
    return largest;
  }

  private String extractText(int number) {
    stripper.setStartPage(number);
    stripper.setEndPage(number);
    try {
      return stripper.getText(document);
    } catch (IOException | RuntimeException e) {
      // The page image is still worth having; OCR may recover the text.
      LOG.warn("No text layer from {} page {}: {}", source.path(), number, e.toString());
      return "";
    }
  }

  @Override
  public void close() {
    closeQuietly(document);
  }

  private static void closeQuietly(PDDocument document) {
    try {
      document.close();
    } catch (IOException e) {
      LOG.debug("Closing a PDF failed", e);
    }
  }
}
