package dev.quire.datasets.vidore;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * One page of a benchmark corpus: its id, its encoded image (PNG or JPEG as stored in the dataset)
 * decoded only when asked, and its text when the dataset has one (v3 {@code markdown}, or a
 * {@code text_description} column).
 */
public final class CorpusPage {

  private final String id;
  private final byte[] image;
  private final String text;

  CorpusPage(String id, byte[] image, String text) {
    this.id = id;
    this.image = image;
    this.text = text;
  }

  /** The page id used in qrels and runs (v1: the image file name; v2, v3: the corpus id). */
  public String id() {
    return id;
  }

  /** The encoded image bytes, read-only and not copied. */
  public ByteBuffer imageBytes() {
    return ByteBuffer.wrap(image).asReadOnlyBuffer();
  }

  /**
   * Decodes the image (each call decodes again).
   *
   * @throws IOException if the bytes are not an image format ImageIO can read
   */
  public BufferedImage decodeImage() throws IOException {
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image));
    if (decoded == null) {
      throw new IOException("page " + id + ": " + image.length + " image bytes in a format no ImageIO reader"
          + " accepts (starting " + hexPrefix() + ")");
    }
    return decoded;
  }

  /** The page text, if the dataset has one for this page. */
  public Optional<String> text() {
    return Optional.ofNullable(text);
  }

  @Override
  public String toString() {
    return "CorpusPage[" + id + ", " + image.length + " image bytes" + (text == null ? "" : ", text") + "]";
  }

  private String hexPrefix() {
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(8, image.length); i++) {
      hex.append(String.format("%02x", image[i]));
    }
    return hex.toString();
  }
}
