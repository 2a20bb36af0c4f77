package dev.quire.model.qwen3vl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.model.safetensors.SafetensorsFile;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageProcessorTest {

  private static ImageProcessor processor;
  private static JsonNode goldens;

  @BeforeAll
  static void load() throws IOException {
    processor = new ImageProcessor(ProcessorConfig.read(Fixtures.path("colqwen3-tiny-128")));
    goldens = Fixtures.json("processor.json");
  }

  private static JsonNode described(String name) {
    for (JsonNode image : goldens.get("images")) {
      if (image.get("name").asText().equals(name)) {
        return image;
      }
    }
    throw new AssertionError("no image " + name);
  }

  private static BufferedImage read(String name) throws IOException {
    return ImageIO.read(Fixtures.path("images/" + name + ".png").toFile());
  }

  @Test
  void bothProcessorConfigLayoutsGiveTheSameSettings() throws IOException {
    ProcessorConfig nested = ProcessorConfig.read(Fixtures.path("colqwen3-tiny-128"));
    ProcessorConfig flat = ProcessorConfig.read(Fixtures.path("colqwen3-tiny-320"));
    assertThat(nested.minPixels()).isEqualTo(4096).isEqualTo(flat.minPixels());
    assertThat(nested.maxPixels()).isEqualTo(32768).isEqualTo(flat.maxPixels());
    assertThat(nested.tile()).isEqualTo(32).isEqualTo(flat.tile());
    assertThat(nested.withMaxVisualTokens(768).maxPixels()).isEqualTo(768 * 32 * 32);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tall_page", "wide_slide", "large_scan", "tiny_icon"})
  void rgbConversionDropsAlphaAndReplicatesGrey(String name) throws IOException {
    byte[] rgb = ImageProcessor.toRgb(read(name));
    assertThat(Fixtures.sha256(rgb)).isEqualTo(described(name).get("input_rgb_sha256").asText());
  }

  @ParameterizedTest
  @ValueSource(strings = {"tall_page", "wide_slide", "large_scan", "tiny_icon"})
  void resizeIsBitExactWithTorch(String name) throws IOException {
    BufferedImage image = read(name);
    JsonNode golden = described(name);
    int[] size = processor.targetSize(image.getHeight(), image.getWidth());
    assertThat(size).containsExactly(
        golden.get("resized_height").asInt(), golden.get("resized_width").asInt());
    byte[] resized = BicubicResize.resize(
        ImageProcessor.toRgb(image), image.getHeight(), image.getWidth(), size[0], size[1]);
    try (SafetensorsFile file = SafetensorsFile.open(Fixtures.path("processor.safetensors"))) {
      assertThat(resized).isEqualTo(file.tensor(name + ".resized").toByteArray());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tall_page", "wide_slide", "large_scan", "tiny_icon"})
  void pixelValuesHashLikeTheReference(String name) throws IOException {
    JsonNode golden = described(name);
    ProcessedImage processed = processor.process(read(name));
    JsonNode grid = golden.get("image_grid_thw");
    assertThat(new int[] {processed.gridT(), processed.gridH(), processed.gridW()})
        .containsExactly(grid.get(0).asInt(), grid.get(1).asInt(), grid.get(2).asInt());
    assertThat(processed.patchDim()).isEqualTo(1536);
    ByteBuffer bytes =
        ByteBuffer.allocate(processed.patches().length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(processed.patches());
    assertThat(Fixtures.sha256(bytes.array()))
        .isEqualTo(golden.get("pixel_values_float32_le_sha256").asText());
  }

  @Test
  void tinyIconPixelValuesEqualTheReferenceTensor() throws IOException {
    ProcessedImage processed = processor.process(read("tiny_icon"));
    try (SafetensorsFile file = SafetensorsFile.open(Fixtures.path("processor.safetensors"))) {
      assertThat(processed.patches())
          .containsExactly(file.tensor("tiny_icon.pixel_values").toFloatArray());
    }
  }

  @Test
  void smartResizeRoundsHalvesToEven() {
    // 80 / 32 = 2.5 rounds to 2 (not 3), 112 / 32 = 3.5 rounds to 4
    ProcessorConfig wide = new ProcessorConfig(16, 2, 2, 1, 1 << 30, new float[] {.5f, .5f, .5f},
        new float[] {.5f, .5f, .5f}, 1 / 255.0);
    assertThat(new ImageProcessor(wide).targetSize(80, 112)).containsExactly(64, 128);
  }

  @Test
  void normalisationUsesEachChannelsOwnMeanAndStd() {
    // every fixture has mean = std = 0.5 on all channels, which hides a swapped mean and std or
    // a wrong channel; CLIP's statistics are distinct per channel and between mean and std
    float[] mean = {0.48145466f, 0.4578275f, 0.40821073f};
    float[] std = {0.26862954f, 0.26130258f, 0.27577711f};
    ProcessorConfig clip = new ProcessorConfig(16, 2, 2, 1, 1 << 30, mean, std, 1 / 255.0);
    int[] value = {10, 128, 250};
    byte[] rgb = new byte[32 * 32 * 3];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) value[i % 3];
    }
    ProcessedImage processed = new ImageProcessor(clip).patchify(rgb, 32, 32);
    int perChannel = 2 * 16 * 16;
    for (int patch = 0; patch < processed.patchCount(); patch++) {
      for (int c = 0; c < 3; c++) {
        double expected = (value[c] / 255.0 - mean[c]) / std[c];
        for (int k = 0; k < perChannel; k++) {
          assertThat((double) processed.patches()[patch * 3 * perChannel + c * perChannel + k])
              .as("patch %d channel %d float %d", patch, c, k).isCloseTo(expected, within(1e-5));
        }
      }
    }
  }

  @Test
  void sixteenBitImagesConvertLikePil() {
    // PIL opens 16-bit grey as I;16 and clamps it to 255 in convert("RGB"); 16-bit colour keeps the high byte
    BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    grey.getRaster().setSample(0, 0, 0, 200);
    grey.getRaster().setSample(1, 0, 0, 6000);
    assertThat(ImageProcessor.toRgb(grey)).containsExactly(200, 200, 200, 255, 255, 255);
    ColorModel model = new ComponentColorModel(
        ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
        Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
    BufferedImage colour = new BufferedImage(model, model.createCompatibleWritableRaster(1, 1), false, null);
    colour.getRaster().setPixel(0, 0, new int[] {1000, 30000, 65535});
    assertThat(ImageProcessor.toRgb(colour)).containsExactly(3, 117, (byte) 255);
  }

  @Test
  void palettesAreLookedUp() {
    byte[] red = {(byte) 255, 0};
    byte[] green = {0, (byte) 128};
    byte[] blue = {0, 7};
    BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED,
        new IndexColorModel(1, 2, red, green, blue));
    indexed.getRaster().setSample(1, 0, 0, 1);
    assertThat(ImageProcessor.toRgb(indexed)).containsExactly((byte) 255, 0, 0, 0, (byte) 128, 7);
  }

  @Test
  void extremeAspectRatiosAreRefused() {
    assertThatThrownBy(() -> processor.targetSize(10, 2010))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aspect ratio");
  }
}
