package dev.quire.datasets;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The EXIF orientation of a JPEG, 1 to 8 as TIFF numbers them: how the stored pixels must be
 * turned and mirrored to show the picture upright. Phones and cameras store a page photographed
 * sideways as the sensor saw it and record the turn here; read without it, the page is indexed
 * lying on its side, which neither OCR nor the model reads well.
 */
final class ExifOrientation {
  static final int UPRIGHT = 1;

  private ExifOrientation() {}

  /**
   * The orientation recorded in the EXIF segment of the JPEG that {@code input} holds, read from its
   * start, or {@link #UPRIGHT} if there is none. Leaves {@code input} back at its start.
   */
  static int of(ImageInputStream input) throws IOException {
    input.seek(0);
    try {
      List<JPEGSegment> segments = JPEGSegmentUtil.readSegments(input, JPEG.APP1, "Exif");
      if (segments.isEmpty()) {
        return UPRIGHT;
      }
      byte[] exif;
      try (InputStream data = segments.get(0).data()) {
        exif = data.readAllBytes();
      }
      // "Exif" is followed by two zero bytes; the segment's data starts after the first.
      int start = exif.length > 0 && exif[0] == 0 ? 1 : 0;
      Directory directory = new TIFFReader().read(
          new MemoryCacheImageInputStream(new ByteArrayInputStream(exif, start, exif.length - start)));
      Entry entry = directory.getEntryById(TIFF.TAG_ORIENTATION);
      if (entry == null || !(entry.getValue() instanceof Number value)) {
        return UPRIGHT;
      }
      int orientation = value.intValue();
      return orientation >= 1 && orientation <= 8 ? orientation : UPRIGHT;
    } finally {
      input.seek(0);
    }
  }

  /** {@code image} (TYPE_INT_RGB) turned upright for {@code orientation}; the same image at 1. */
  static BufferedImage upright(BufferedImage image, int orientation) {
    if (orientation == UPRIGHT) {
      return image;
    }
    int w = image.getWidth();
    int h = image.getHeight();
    boolean swaps = orientation >= 5;
    int outWidth = swaps ? h : w;
    int outHeight = swaps ? w : h;
    int[] in = ((DataBufferInt) PageImages.toRgb(image).getRaster().getDataBuffer()).getData();
    BufferedImage out = new BufferedImage(outWidth, outHeight, BufferedImage.TYPE_INT_RGB);
    int[] pixels = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
    for (int y = 0; y < outHeight; y++) {
      for (int x = 0; x < outWidth; x++) {
        // Where the pixel shown at (x, y) is stored.
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> { sx = w - 1 - x; sy = y; } // mirrored left to right
          case 3 -> { sx = w - 1 - x; sy = h - 1 - y; } // turned half way
          case 4 -> { sx = x; sy = h - 1 - y; } // mirrored top to bottom
          case 5 -> { sx = y; sy = x; } // mirrored along the main diagonal
          case 6 -> { sx = y; sy = h - 1 - x; } // to be turned a quarter clockwise
          case 7 -> { sx = w - 1 - y; sy = h - 1 - x; } // mirrored along the other diagonal
          case 8 -> { sx = w - 1 - y; sy = x; } // to be turned a quarter anticlockwise
          default -> throw new IllegalArgumentException("EXIF orientation " + orientation + " is not 1 to 8");
        }
        pixels[y * outWidth + x] = in[sy * w + sx];
      }
    }
    return out;
  }
}
