package dev.quire.datasets;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An image file read with ImageIO (JDK readers plus TwelveMonkeys for JPEG, TIFF and WebP). A
 * multi-page TIFF is one page per frame; an animated GIF is its first frame. Each page's size is
 * read from its header and checked before any pixel is decoded; big images are decoded subsampled,
 * then downscaled to the page budget. A JPEG is turned upright as its EXIF orientation says.
 */
final class ImageDocument implements LoadedDocument {
  private static final Logger LOG = LoggerFactory.getLogger(ImageDocument.class);

  private final SourceInfo source;
  private final ReaderConfig config;
  private final PageOcr ocr;
  private final ImageInputStream input;
  private final ImageReader reader;
  private final int pageCount;
  private final int orientation;

  private ImageDocument(
      SourceInfo source,
      ReaderConfig config,
      PageOcr ocr,
      ImageInputStream input,
      ImageReader reader,
      int pageCount,
      int orientation) {
    this.source = source;
    this.config = config;
    this.ocr = ocr;
    this.input = input;
    this.reader = reader;
    this.pageCount = pageCount;
    this.orientation = orientation;
  }

  static ImageDocument open(SourceInfo source, FileType type, ReaderConfig config, PageOcr ocr)
      throws DocumentRejectedException {
    Path file = source.path();
    ImageInputStream input;
    try {
      input = new FileImageInputStream(file.toFile());
    } catch (IOException e) {
      throw new DocumentRejectedException(file, RejectReason.READ_ERROR, 0, e.toString(), e);
    }
    ImageReader reader = null;
    try {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
      if (!readers.hasNext()) {
        throw new DocumentRejectedException(
            file,
            RejectReason.UNKNOWN_TYPE,
            "no image reader accepts this " + type.mediaType() + " file");
      }
      reader = readers.next();
      // The EXIF segment is read from the stream the decoder gets next, not from a second open.
      int orientation = type == FileType.JPEG ? orientation(input, file) : ExifOrientation.UPRIGHT;
      reader.setInput(input, false, false);
      int pages = type == FileType.TIFF ? reader.getNumImages(true) : 1;
      if (pages < 1) {
        throw new DocumentRejectedException(file, RejectReason.CORRUPT, "it holds no image");
      }
      if (pages > config.maxPagesPerDocument()) {
        throw new DocumentRejectedException(
            file,
            RejectReason.TOO_MANY_PAGES,
            pages + " pages, limit " + config.maxPagesPerDocument());
      }
      ImageDocument document = new ImageDocument(source, config, ocr, input, reader, pages, orientation);
      if (pages == 1) {
        // A single image too large to read is a rejected file, not a document with a bad page.
        long pixels = document.declaredPixels(0);
        if (pixels > config.maxImagePixels()) {
          throw new DocumentRejectedException(
              file, RejectReason.TOO_MANY_PIXELS, document.tooManyPixels(0));
        }
      }
      return document;
    } catch (DocumentRejectedException e) {
      close(reader, input);
      throw e;
    } catch (IOException | RuntimeException e) {
      close(reader, input);
      throw new DocumentRejectedException(file, RejectReason.CORRUPT, 0, e.toString(), e);
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
      if (declaredPixels(index) > config.maxImagePixels()) {
        throw new DocumentRejectedException(
            source.path(), RejectReason.TOO_MANY_PIXELS, number, tooManyPixels(index), null);
      }
      boolean runOcr = ocr.active();
      // OCR wants the detail of the original; the page image only its pixel budget. Decoding a
      // few times the budget leaves the downscaler pixels to average over.
      long decodeBudget =
          runOcr
              ? Math.max(config.ocrConfig().maxPixels(), config.targetPixels())
              : 4 * config.targetPixels();
      int factor =
          PageSizing.subsampling(reader.getWidth(index), reader.getHeight(index), decodeBudget);
      ImageReadParam param = reader.getDefaultReadParam();
      param.setSourceSubsampling(factor, factor, 0, 0);
      BufferedImage decoded =
          ExifOrientation.upright(PageImages.toRgb(reader.read(index, param)), orientation);
      BufferedImage image = PageImages.fitWithin(decoded, config.targetPixels());
      if (!runOcr) {
        return new Page(number, image, "", TextSource.NONE);
      }
      String text = ocr.recognize(decoded, 0, source.path(), number);
      return text.isEmpty()
          ? new Page(number, image, "", TextSource.NONE)
          : new Page(number, image, text, TextSource.OCR);
    } catch (DocumentRejectedException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new DocumentRejectedException(
          source.path(), RejectReason.CORRUPT, number, e.toString(), e);
    }
  }

  /** A broken EXIF segment costs the turn, not the image: the pixels may still be fine. */
  private static int orientation(ImageInputStream input, Path file) {
    try {
      return ExifOrientation.of(input);
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: unreadable EXIF orientation ({}); the image is read as stored", file, e.toString());
      return ExifOrientation.UPRIGHT;
    }
  }

  private long declaredPixels(int index) throws IOException {
    return (long) reader.getWidth(index) * reader.getHeight(index);
  }

  private String tooManyPixels(int index) throws IOException {
    return reader.getWidth(index)
        + " x "
        + reader.getHeight(index)
        + " = "
        + declaredPixels(index)
        + " pixels, limit "
        + config.maxImagePixels();
  }

  @Override
  public void close() {
    close(reader, input);
  }

  private static void close(ImageReader reader, ImageInputStream input) {
    if (reader != null) {
      reader.dispose();
    }
    try {
      input.close();
    } catch (IOException e) {
      LOG.debug("Closing an image stream failed", e);
    }
  }
}
