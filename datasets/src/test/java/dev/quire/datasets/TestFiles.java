package dev.quire.datasets;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/** Real files for the reader tests, written on the spot. */
final class TestFiles {
  private TestFiles() {}

  /** A Letter-size PDF with one page per text, each drawn in Helvetica. */
  static Path textPdf(Path file, String... pageTexts) throws IOException {
    try (PDDocument document = new PDDocument()) {
      for (String text : pageTexts) {
        addTextPage(document, PDRectangle.LETTER, text);
      }
      document.save(file.toFile());
    }
    return file;
  }

  static void addTextPage(PDDocument document, PDRectangle size, String text) throws IOException {
    PDPage page = new PDPage(size);
    document.addPage(page);
    try (PDPageContentStream out = new PDPageContentStream(document, page)) {
      out.beginText();
      out.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 14);
      out.newLineAtOffset(72, size.getHeight() - 100);
      out.showText(text);
      out.endText();
    }
  }

  static Path encryptedPdf(Path file, String ownerPassword, String userPassword)
      throws IOException {
    try (PDDocument document = new PDDocument()) {
      addTextPage(document, PDRectangle.LETTER, "Confidential salary review");
      StandardProtectionPolicy policy =
          new StandardProtectionPolicy(ownerPassword, userPassword, new AccessPermission());
      policy.setEncryptionKeyLength(128);
      document.protect(policy);
      document.save(file.toFile());
    }
    return file;
  }

  /** A PDF whose single page is nothing but {@code image}, the way a scanner writes one. */
  static Path imageOnlyPdf(Path file, BufferedImage image, float dpi) throws IOException {
    try (PDDocument document = new PDDocument()) {
      float width = image.getWidth() * 72f / dpi;
      float height = image.getHeight() * 72f / dpi;
      PDPage page = new PDPage(new PDRectangle(width, height));
      document.addPage(page);
      PDImageXObject xobject = LosslessFactory.createFromImage(document, image);
      try (PDPageContentStream out = new PDPageContentStream(document, page)) {
        out.drawImage(xobject, 0, 0, width, height);
      }
      document.save(file.toFile());
    }
    return file;
  }

  static BufferedImage textImage(int width, int height, String... lines) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 40));
    for (int i = 0; i < lines.length; i++) {
      g.drawString(lines[i], 40, 80 + i * 60);
    }
    g.dispose();
    return image;
  }

  static BufferedImage solid(int width, int height, Color color) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, width, height);
    g.dispose();
    return image;
  }

  /**
   * A PNG whose header declares {@code width x height} but whose data is a few bytes: what a
   * decompression bomb looks like before anyone decodes it.
   */
  static Path pngHeader(Path file, int width, int height) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    DataOutputStream ihdr = new DataOutputStream(header);
    ihdr.writeInt(width);
    ihdr.writeInt(height);
    ihdr.write(new byte[] {8, 2, 0, 0, 0}); // 8-bit RGB, deflate, no filter, no interlace
    chunk(out, "IHDR", header.toByteArray());
    chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
    chunk(out, "IEND", new byte[0]);
    Files.write(file, bytes.toByteArray());
    return file;
  }

  private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    out.writeInt(data.length);
    out.write(typeBytes);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeInt((int) crc.getValue());
  }

  static Path multiPageTiff(Path file, BufferedImage... pages) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(Files.newOutputStream(file))) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      for (BufferedImage page : pages) {
        writer.writeToSequence(new IIOImage(page, null, null), null);
      }
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
    return file;
  }

  /**
   * A CMYK JPEG as Photoshop writes them: four channels, stored inverted, flagged by an Adobe APP14
   * marker (transform 0). {@code ink} is C, M, Y, K in 0..255 of ink coverage.
   */
  static Path cmykJpeg(Path file, int width, int height, int[] ink) throws IOException {
    WritableRaster raster =
        Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
    int[] stored = {255 - ink[0], 255 - ink[1], 255 - ink[2], 255 - ink[3]};
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        raster.setPixel(x, y, stored);
      }
    }
    ByteArrayOutputStream encoded = new ByteArrayOutputStream();
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(encoded)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(raster, null, null), null);
    } finally {
      writer.dispose();
    }
    byte[] jpeg = encoded.toByteArray();
    byte[] app14 = {
      (byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0
    };
    byte[] out = new byte[jpeg.length + app14.length];
    System.arraycopy(jpeg, 0, out, 0, 2); // SOI
    System.arraycopy(app14, 0, out, 2, app14.length);
    System.arraycopy(jpeg, 2, out, 2 + app14.length, jpeg.length - 2);
    Files.write(file, out);
    return file;
  }

  /**
   * A JPEG of {@code image} carrying an EXIF segment (APP1, little-endian TIFF with one IFD entry)
   * that records {@code orientation}; {@code exifTail} replaces the IFD when given, to make it broken.
   */
  static Path jpegWithOrientation(Path file, BufferedImage image, int orientation, byte[] exifTail)
      throws IOException {
    ByteArrayOutputStream encoded = new ByteArrayOutputStream();
    ImageIO.write(image, "jpeg", encoded);
    byte[] jpeg = encoded.toByteArray();
    byte[] ifd = exifTail != null ? exifTail : new byte[] {
      1, 0, // one entry
      0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte) orientation, 0, 0, 0, // Orientation, SHORT, 1 value
      0, 0, 0, 0 // no next IFD
    };
    byte[] header = {'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0};
    int length = 2 + header.length + ifd.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2); // SOI
    out.write(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (length >> 8), (byte) length});
    out.write(header);
    out.write(ifd);
    out.write(jpeg, 2, jpeg.length - 2);
    Files.write(file, out.toByteArray());
    return file;
  }

  static Path resource(Path dir, String name) throws IOException {
    try (InputStream in = TestFiles.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      Path file = dir.resolve(name);
      Files.copy(in, file);
      return file;
    }
  }
}
