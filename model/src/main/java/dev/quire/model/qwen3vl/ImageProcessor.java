package dev.quire.model.qwen3vl;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;

/**
 * Qwen2-VL image preprocessing as colpali-engine's ColQwen3Processor runs it: RGB conversion
 * (alpha dropped, not blended, as PIL's {@code convert("RGB")}), smart resize to a multiple of
 * patch x merge within the pixel budget, torch's antialiased bicubic resize, fused rescale and
 * normalise in float32, the still frame repeated over the temporal patch, and patches flattened
 * in 2x2 merge-block order.
 */
public final class ImageProcessor {

  private final ProcessorConfig config;

  public ImageProcessor(ProcessorConfig config) {
    this.config = config;
  }

  public ProcessorConfig config() {
    return config;
  }

  public ProcessedImage process(BufferedImage image) {
    int height = image.getHeight();
    int width = image.getWidth();
    byte[] rgb = toRgb(image);
    int[] size = targetSize(height, width);
    byte[] resized = BicubicResize.resize(rgb, height, width, size[0], size[1]);
    return patchify(resized, size[0], size[1]);
  }

  /**
   * The image as interleaved 8-bit RGB (H, W, 3), the way PIL converts what it decodes: raw
   * samples, no colour management; alpha dropped; grey replicated (16-bit grey clamped to 255,
   * 16-bit colour shifted to its high byte, as PIL does).
   */
  static byte[] toRgb(BufferedImage image) {
    int height = image.getHeight();
    int width = image.getWidth();
    byte[] out = new byte[height * width * 3];
    ColorModel model = image.getColorModel();
    Raster raster = image.getRaster();
    if (model instanceof IndexColorModel) {
      int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
      for (int i = 0; i < argb.length; i++) {
        out[3 * i] = (byte) (argb[i] >> 16);
        out[3 * i + 1] = (byte) (argb[i] >> 8);
        out[3 * i + 2] = (byte) argb[i];
      }
      return out;
    }
    int colours = model.getNumColorComponents();
    if (colours != 1 && colours != 3) {
      throw new IllegalArgumentException(
          "images with " + colours + " colour components (" + model.getColorSpace().getType()
              + ") are not supported: convert to RGB or greyscale first");
    }
    int bits = model.getComponentSize(0);
    if (bits == 8 && raster.getDataBuffer() instanceof DataBufferByte buffer
        && raster.getSampleModel() instanceof PixelInterleavedSampleModel layout) {
      // the common case (PNG and JPEG decode to interleaved bytes): read the buffer directly
      byte[] data = buffer.getData();
      int[] bands = layout.getBandOffsets();
      int pixelStride = layout.getPixelStride();
      int scanline = layout.getScanlineStride();
      int base = buffer.getOffset() - raster.getSampleModelTranslateY() * scanline
          - raster.getSampleModelTranslateX() * pixelStride;
      int red = bands[0];
      int green = colours == 1 ? bands[0] : bands[1];
      int blue = colours == 1 ? bands[0] : bands[2];
      int i = 0;
      for (int y = 0; y < height; y++) {
        int pixel = base + y * scanline;
        for (int x = 0; x < width; x++, pixel += pixelStride, i += 3) {
          out[i] = data[pixel + red];
          out[i + 1] = data[pixel + green];
          out[i + 2] = data[pixel + blue];
        }
      }
      return out;
    }
    int[] row = new int[width];
    for (int c = 0; c < 3; c++) {
      int band = colours == 1 ? 0 : c;
      for (int y = 0; y < height; y++) {
        raster.getSamples(0, y, width, 1, band, row);
        for (int x = 0; x < width; x++) {
          int value = row[x];
          if (bits > 8) {
            value = colours == 1 ? Math.min(value, 255) : value >> (bits - 8);
          }
          out[(y * width + x) * 3 + c] = (byte) value;
        }
      }
    }
    return out;
  }

  /**
   * {@code smart_resize}: (height, width) rounded to multiples of patch x merge, scaled into
   * [min_pixels, max_pixels] keeping the aspect ratio, in double precision with Python's
   * round-half-to-even.
   */
  public int[] targetSize(int height, int width) {
    int factor = config.tile();
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("image has no pixels: " + width + "x" + height);
    }
    double ratio = (double) Math.max(height, width) / Math.min(height, width);
    if (ratio > 200) {
      throw new IllegalArgumentException(
          "image " + width + "x" + height + ": absolute aspect ratio must be smaller than 200, got "
              + ratio);
    }
    long h = (long) Math.rint((double) height / factor) * factor;
    long w = (long) Math.rint((double) width / factor) * factor;
    if (h * w > config.maxPixels()) {
      double beta = Math.sqrt(((double) height * width) / config.maxPixels());
      h = Math.max(factor, (long) Math.floor(height / beta / factor) * factor);
      w = Math.max(factor, (long) Math.floor(width / beta / factor) * factor);
    } else if (h * w < config.minPixels()) {
      double beta = Math.sqrt(config.minPixels() / ((double) height * width));
      h = (long) Math.ceil(height * beta / factor) * factor;
      w = (long) Math.ceil(width * beta / factor) * factor;
    }
    return new int[] {Math.toIntExact(h), Math.toIntExact(w)};
  }

  /**
   * Normalises a resized (H, W, 3) image and flattens it to patch rows: for block row, block
   * column, row and column inside the 2x2 block, the patch's floats ordered (channel, temporal,
   * y, x) with the still frame repeated for every temporal slot: Conv3d's weight layout.
   */
  ProcessedImage patchify(byte[] rgb, int height, int width) {
    int p = config.patchSize();
    int t = config.temporalPatchSize();
    int m = config.mergeSize();
    if (height % (p * m) != 0 || width % (p * m) != 0) {
      throw new IllegalArgumentException(
          "image " + width + "x" + height + " is not a multiple of " + p * m + " on both sides");
    }
    float[][] table = normalisationTable();
    int gridH = height / p;
    int gridW = width / p;
    int patchDim = 3 * t * p * p;
    float[] out = new float[gridH * gridW * patchDim];
    int index = 0;
    for (int blockRow = 0; blockRow < gridH / m; blockRow++) {
      for (int blockCol = 0; blockCol < gridW / m; blockCol++) {
        for (int inRow = 0; inRow < m; inRow++) {
          for (int inCol = 0; inCol < m; inCol++) {
            int top = (blockRow * m + inRow) * p;
            int left = (blockCol * m + inCol) * p;
            int base = index * patchDim;
            for (int c = 0; c < 3; c++) {
              float[] lookup = table[c];
              for (int y = 0; y < p; y++) {
                int src = ((top + y) * width + left) * 3 + c;
                int dst = base + c * t * p * p + y * p;
                for (int x = 0; x < p; x++) {
                  out[dst + x] = lookup[rgb[src + 3 * x] & 0xFF];
                }
              }
              // the still frame fills every temporal slot
              int frame = base + c * t * p * p;
              for (int k = 1; k < t; k++) {
                System.arraycopy(out, frame, out, frame + k * p * p, p * p);
              }
            }
            index++;
          }
        }
      }
    }
    return new ProcessedImage(1, gridH, gridW, patchDim, out);
  }

  /**
   * Per channel and byte value, the normalised float: transformers fuses rescale into mean and
   * std ({@code mean / rescale} in float32), then torchvision computes {@code (x - mean) / std}
   * in float32.
   */
  private float[][] normalisationTable() {
    float inverse = (float) (1.0 / config.rescaleFactor());
    float[][] table = new float[3][256];
    for (int c = 0; c < 3; c++) {
      float mean = config.mean()[c] * inverse;
      float std = config.std()[c] * inverse;
      for (int v = 0; v < 256; v++) {
        table[c][v] = (v - mean) / std;
      }
    }
    return table;
  }
}
