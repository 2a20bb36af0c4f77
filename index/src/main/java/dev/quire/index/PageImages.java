package dev.quire.index;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.lucene.util.IOUtils;

/**
 * Page images (PNG) and thumbnails (JPEG), one file each per page id. Files are written and
 * fsync'd before the LMDB transaction that refers to them; files no page refers to are removed
 * when the index opens.
 */
final class PageImages {
  /**
   * Deflate level of the PNG page images. {@code PageImageEncodingBenchmark} on a rendered A4 page
   * at 150 dpi (two runs on a busy 2-core machine): level 2 takes 0.37-0.47x the time of the JDK
   * default (level 4, about 110 ms) for files 1.22x larger (207 KB vs 169 KB); level 1 is no faster
   * and larger still; 6 and 9 save 14% and 21% of the bytes for up to 4.5x the time.
   */
  static final int PNG_DEFLATE_LEVEL = 2;

  /** Thumbnails are looked at, not read: a good JPEG quality is enough. */
  private static final float THUMBNAIL_JPEG_QUALITY = 0.85f;

  private static final Pattern FILE_NAME = Pattern.compile("(\\d+)\\.(png|jpg)");

  private final Path imageDirectory;
  private final Path thumbnailDirectory;
  private final int thumbnailWidth;

  PageImages(Path indexDirectory, int thumbnailWidth) throws IOException {
    this.imageDirectory = Files.createDirectories(indexDirectory.resolve("images"));
    this.thumbnailDirectory = Files.createDirectories(indexDirectory.resolve("thumbnails"));
    this.thumbnailWidth = thumbnailWidth;
  }

  static String imageFileName(long pageId) {
    return pageId + ".png";
  }

  Path image(String imageFile) {
    return imageDirectory.resolve(imageFile);
  }

  Path thumbnail(String imageFile) {
    return thumbnailDirectory.resolve(thumbnailName(imageFile));
  }

  private static String thumbnailName(String imageFile) {
    return imageFile.substring(0, imageFile.length() - ".png".length()) + ".jpg";
  }

  /** Writes the page image and its thumbnail durably; returns the image file name. */
  String write(long pageId, BufferedImage image) throws IOException {
    String name = imageFileName(pageId);
    writeDurably(image(name), encodePng(image, PNG_DEFLATE_LEVEL));
    writeDurably(thumbnail(name), encodeJpeg(scaleToWidth(image, thumbnailWidth)));
    IOUtils.fsync(imageDirectory, true);
    IOUtils.fsync(thumbnailDirectory, true);
    return name;
  }

  void delete(String imageFile) throws IOException {
    Files.deleteIfExists(image(imageFile));
    Files.deleteIfExists(thumbnail(imageFile));
  }

  /** Deletes image files of page ids that no page refers to; returns how many files went. */
  int removeOrphans(LongPredicate pageExists) throws IOException {
    int removed = 0;
    for (Path directory : new Path[] {imageDirectory, thumbnailDirectory}) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
        for (Path file : files) {
          Matcher name = FILE_NAME.matcher(file.getFileName().toString());
          if (name.matches() && !pageExists.test(Long.parseLong(name.group(1)))) {
            Files.deleteIfExists(file);
            removed++;
          }
        }
      }
    }
    return removed;
  }

  long imageBytes() throws IOException {
    return directoryBytes(imageDirectory);
  }

  long thumbnailBytes() throws IOException {
    return directoryBytes(thumbnailDirectory);
  }

  static long directoryBytes(Path directory) throws IOException {
    long total = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        try {
          if (Files.isRegularFile(file)) {
            total += Files.size(file);
          }
        } catch (NoSuchFileException e) {
          // Deleted while we listed: it no longer counts.
        }
      }
    }
    return total;
  }

  private static void writeDurably(Path file, byte[] bytes) throws IOException {
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
  }

  static byte[] encodePng(BufferedImage image, int deflateLevel) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    // The JDK writer maps quality q to deflate level 9 - round(9q).
    param.setCompressionQuality((9 - deflateLevel) / 9f);
    return encode(writer, param, image);
  }

  static byte[] encodeJpeg(BufferedImage image) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(THUMBNAIL_JPEG_QUALITY);
    return encode(writer, param, image);
  }

  private static byte[] encode(ImageWriter writer, ImageWriteParam param, BufferedImage image)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /**
   * An opaque RGB copy at most {@code width} pixels wide (never enlarged), halving step by step
   * so that bilinear filtering does not alias small print.
   */
  static BufferedImage scaleToWidth(BufferedImage image, int width) {
    BufferedImage current = opaqueRgb(image);
    int targetWidth = Math.min(width, current.getWidth());
    int targetHeight =
        Math.max(1, (int) Math.round((double) current.getHeight() * targetWidth / current.getWidth()));
    while (current.getWidth() != targetWidth) {
      int nextWidth = Math.max(targetWidth, current.getWidth() / 2);
      int nextHeight =
          nextWidth == targetWidth ? targetHeight : Math.max(1, current.getHeight() / 2);
      BufferedImage next = new BufferedImage(nextWidth, nextHeight, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = next.createGraphics();
      try {
        g.setRenderingHint(
            RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(current, 0, 0, nextWidth, nextHeight, null);
      } finally {
        g.dispose();
      }
      current = next;
    }
    return current;
  }

  /** JPEG has no alpha: transparent pixels become white, as on paper. */
  private static BufferedImage opaqueRgb(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_INT_RGB) {
      return image;
    }
    BufferedImage rgb =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return rgb;
  }
}
