package dev.quire.model.qwen3vl;

/**
 * torch's antialiased bicubic resize of uint8 images ({@code _upsample_bicubic2d_aa}, the path
 * torchvision takes for {@code resize(uint8, BICUBIC, antialias=True)}), reproduced bit for bit:
 * Keys cubic with a = -0.5, support widened by the scale when shrinking, weights normalised in
 * double, quantised to int16 with a precision chosen from the largest weight, integer
 * accumulation, arithmetic shift, clamp. Horizontal pass first (its results are uint8), then
 * vertical. It is close to Pillow's resize but not equal (Pillow keeps 22-bit weights).
 */
final class BicubicResize {

  private static final double A = -0.5;

  /** Per output index: the first input index and the integer weights, plus their precision. */
  record Weights(int[] first, int[][] weights, int precision) {}

  /** Rows of the image the horizontal pass handles at once (a multiple of any vector's lanes). */
  static final int BLOCK = 16;

  private static final boolean SIMD =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  private BicubicResize() {}

  static double cubic(double x) {
    x = Math.abs(x);
    if (x < 1.0) {
      return ((A + 2) * x - (A + 3)) * x * x + 1;
    }
    if (x < 2.0) {
      return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    }
    return 0.0;
  }

  /** HelperInterpBase::_compute_weights_aa and _compute_indices_int16_weights_aa, in double. */
  static Weights weights(int inSize, int outSize) {
    double scale = (double) inSize / outSize;
    double support = scale >= 1.0 ? 2.0 * scale : 2.0; // the filter widens when shrinking
    double inverse = scale >= 1.0 ? 1.0 / scale : 1.0;
    int[] first = new int[outSize];
    double[][] normalised = new double[outSize][];
    double largest = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < outSize; i++) {
      double center = scale * (i + 0.5);
      int start = Math.max((int) (center - support + 0.5), 0); // (int) truncates like the C++ cast
      int count = Math.min((int) (center + support + 0.5), inSize) - start;
      double[] w = new double[count];
      double total = 0.0;
      for (int j = 0; j < count; j++) {
        w[j] = cubic((j + start - center + 0.5) * inverse);
        total += w[j]; // sequential, the C++ loop's order
      }
      for (int j = 0; j < count; j++) {
        w[j] = total != 0.0 ? w[j] / total : w[j];
        largest = Math.max(largest, w[j]);
      }
      first[i] = start;
      normalised[i] = w;
    }
    int precision = 0;
    while (precision < 22 && (long) (0.5 + largest * (1L << (precision + 1))) < (1L << 15)) {
      precision++;
    }
    int[][] quantised = new int[outSize][];
    double unit = 1L << precision;
    for (int i = 0; i < outSize; i++) {
      double[] w = normalised[i];
      int[] q = new int[w.length];
      for (int j = 0; j < w.length; j++) {
        q[j] = (int) (w[j] < 0 ? w[j] * unit - 0.5 : w[j] * unit + 0.5);
      }
      quantised[i] = q;
    }
    return new Weights(first, quantised, precision);
  }

  /** Resizes an interleaved RGB (H, W, 3) image; a pass whose size is unchanged is skipped. */
  static byte[] resize(byte[] rgb, int height, int width, int outHeight, int outWidth) {
    return resize(rgb, height, width, outHeight, outWidth, SIMD);
  }

  /** {@link #resize} with the SIMD or the scalar kernels (tests compare both). */
  static byte[] resize(byte[] rgb, int height, int width, int outHeight, int outWidth, boolean simd) {
    if (outHeight == height && outWidth == width) {
      return rgb;
    }
    int[][] planes;
    int w = width;
    if (outWidth != width) {
      planes = horizontal(rgb, height, width, outWidth, simd);
      w = outWidth;
    } else {
      planes = new int[3][];
      for (int c = 0; c < 3; c++) {
        planes[c] = plane(rgb, height * width, c);
      }
    }
    if (outHeight != height) {
      Weights weights = weights(height, outHeight);
      for (int c = 0; c < 3; c++) {
        int[] out = new int[outHeight * w];
        for (int o = 0; o < outHeight; o++) {
          if (simd) {
            BicubicResizeSimd.verticalRow(planes[c], w, weights.first[o], weights.weights[o],
                weights.precision, out, o * w);
          } else {
            verticalRow(planes[c], w, weights.first[o], weights.weights[o], weights.precision, out,
                o * w, 0);
          }
        }
        planes[c] = out;
      }
    }
    byte[] out = new byte[outHeight * w * 3];
    for (int c = 0; c < 3; c++) {
      int[] plane = planes[c];
      for (int i = 0; i < plane.length; i++) {
        out[3 * i + c] = (byte) plane[i];
      }
    }
    return out;
  }

  /**
   * The horizontal pass over blocks of {@link #BLOCK} rows stored transposed (column after
   * column, the block's rows side by side), so one output column of the block is a weighted sum
   * of contiguous input columns. Returns the three channel planes of the (height, outWidth) result.
   */
  private static int[][] horizontal(byte[] rgb, int height, int width, int outWidth, boolean simd) {
    Weights weights = weights(width, outWidth);
    int[][] planes = new int[3][height * outWidth];
    int[][] blocks = new int[3][width * BLOCK];
    int[] red = blocks[0];
    int[] green = blocks[1];
    int[] blue = blocks[2];
    int[] result = new int[outWidth * BLOCK];
    int[] rowStart = new int[BLOCK];
    for (int y0 = 0; y0 < height; y0 += BLOCK) {
      int rows = Math.min(BLOCK, height - y0);
      for (int r = 0; r < BLOCK; r++) {
        rowStart[r] = (y0 + Math.min(r, rows - 1)) * width * 3; // a short last block repeats a row
      }
      // transpose the block: sequential writes, and its source rows stay in L1 across columns
      for (int x = 0, to = 0; x < width; x++) {
        for (int r = 0; r < BLOCK; r++, to++) {
          int from = rowStart[r] + 3 * x;
          red[to] = rgb[from] & 0xFF;
          green[to] = rgb[from + 1] & 0xFF;
          blue[to] = rgb[from + 2] & 0xFF;
        }
      }
      for (int c = 0; c < 3; c++) {
        for (int x = 0; x < outWidth; x++) {
          if (simd) {
            BicubicResizeSimd.blockColumn(blocks[c], weights.first[x], weights.weights[x],
                weights.precision, result, x * BLOCK);
          } else {
            blockColumn(blocks[c], weights.first[x], weights.weights[x], weights.precision, result,
                x * BLOCK, 0);
          }
        }
        int[] plane = planes[c];
        for (int r = 0; r < rows; r++) {
          for (int x = 0, to = (y0 + r) * outWidth; x < outWidth; x++) {
            plane[to + x] = result[x * BLOCK + r];
          }
        }
      }
    }
    return planes;
  }

  /**
   * One output column of a transposed block, for its rows from {@code from} on. Accumulation as
   * torch: from {@code 1 << (precision - 1)} in int32 (|weights| < 2^15 and their sum < 2^16, so
   * 255 x the sum fits), an arithmetic shift, a clamp to 0..255. The SIMD kernel's twin.
   */
  static void blockColumn(int[] block, int first, int[] taps, int precision, int[] out, int at,
      int from) {
    int half = 1 << (precision - 1);
    for (int r = from; r < BLOCK; r++) {
      int acc = half;
      for (int j = 0; j < taps.length; j++) {
        acc += taps[j] * block[(first + j) * BLOCK + r];
      }
      out[at + r] = Math.min(Math.max(acc >> precision, 0), 255);
    }
  }

  /** Output row of the vertical pass from column {@code from} on: the SIMD kernel's twin. */
  static void verticalRow(int[] src, int rowLength, int first, int[] taps, int precision,
      int[] out, int at, int from) {
    int half = 1 << (precision - 1);
    for (int i = from; i < rowLength; i++) {
      int acc = half;
      for (int j = 0; j < taps.length; j++) {
        acc += taps[j] * src[(first + j) * rowLength + i];
      }
      out[at + i] = Math.min(Math.max(acc >> precision, 0), 255);
    }
  }

  private static int[] plane(byte[] rgb, int pixels, int channel) {
    int[] plane = new int[pixels];
    for (int i = 0; i < pixels; i++) {
      plane[i] = rgb[3 * i + channel] & 0xFF;
    }
    return plane;
  }
}
