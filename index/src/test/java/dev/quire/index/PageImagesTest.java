package dev.quire.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageImagesTest {
  @TempDir Path directory;

  @Test
  void pngIsLosslessAtEveryDeflateLevel() throws Exception {
    BufferedImage image = Fixtures.image(50, 70, 42);
    for (int level : new int[] {0, 1, 4, 9}) {
      BufferedImage decoded =
          ImageIO.read(new ByteArrayInputStream(PageImages.encodePng(image, level)));
      for (int y = 0; y < 70; y += 7) {
        for (int x = 0; x < 50; x += 5) {
          assertThat(decoded.getRGB(x, y)).isEqualTo(image.getRGB(x, y));
        }
      }
    }
  }

  @Test
  void thumbnailsKeepTheAspectRatioAndAreNeverEnlarged() {
    BufferedImage page = Fixtures.image(1700, 2200, 1);
    BufferedImage thumbnail = PageImages.scaleToWidth(page, 256);
    assertThat(thumbnail.getWidth()).isEqualTo(256);
    assertThat(thumbnail.getHeight()).isEqualTo(331);
    BufferedImage small = PageImages.scaleToWidth(Fixtures.image(100, 50, 1), 256);
    assertThat(small.getWidth()).isEqualTo(100);
    assertThat(small.getHeight()).isEqualTo(50);
  }

  @Test
  void transparentPixelsBecomeWhiteInTheJpegThumbnail() throws Exception {
    BufferedImage transparent = new BufferedImage(40, 40, BufferedImage.TYPE_INT_ARGB);
    BufferedImage decoded =
        ImageIO.read(
            new ByteArrayInputStream(
                PageImages.encodeJpeg(PageImages.scaleToWidth(transparent, 32))));
    assertThat(decoded.getWidth()).isEqualTo(32);
    assertThat(decoded.getRGB(16, 16) & 0xFFFFFF).isGreaterThan(0xF0F0F0);
  }

  @Test
  void writtenFilesAreFoundAndOrphansRemoved() throws Exception {
    PageImages images = new PageImages(directory, 32);
    String kept = images.write(7, Fixtures.image(64, 64, 7));
    String orphan = images.write(8, Fixtures.image(64, 64, 8));
    assertThat(images.image(kept)).exists();
    assertThat(ImageIO.read(images.thumbnail(kept).toFile()).getWidth()).isEqualTo(32);
    assertThat(images.removeOrphans(pageId -> pageId == 7)).isEqualTo(2);
    assertThat(images.image(orphan)).doesNotExist();
    assertThat(images.thumbnail(orphan)).doesNotExist();
    assertThat(images.image(kept)).exists();
    images.delete(kept);
    assertThat(images.imageBytes()).isZero();
    assertThat(images.thumbnailBytes()).isZero();
  }
}
