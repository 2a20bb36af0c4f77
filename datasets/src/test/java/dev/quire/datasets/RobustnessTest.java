package dev.quire.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterProperty;

/** Garbage behind every magic number: the reader answers with a rejection, never a crash. */
class RobustnessTest {
  private final DocumentReader reader = new DocumentReader(ReaderConfig.defaults().withOcr(false));

  @AfterProperty
  void close() {
    reader.close();
  }

  @Provide
  Arbitrary<byte[]> magic() {
    return Arbitraries.of(
        new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A},
        new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF},
        new byte[] {'I', 'I', 42, 0},
        "GIF89a".getBytes(StandardCharsets.US_ASCII),
        "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII),
        new byte[] {'B', 'M', 0, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0},
        "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII),
        new byte[0]);
  }

  @Property(tries = 60)
  void anyBytesEitherReadOrAreRejected(
      @ForAll("magic") byte[] magic, @ForAll @Size(max = 300) byte[] body) throws Exception {
    Path file = Files.createTempFile("robust", ".bin");
    try {
      byte[] content = Arrays.copyOf(magic, magic.length + body.length);
      System.arraycopy(body, 0, content, magic.length, body.length);
      Files.write(file, content);
      try (LoadedDocument document = reader.open(file)) {
        for (int number = 1; number <= document.pageCount(); number++) {
          try {
            assertThat(document.page(number).image()).isNotNull();
          } catch (DocumentRejectedException e) {
            assertThat(e.page()).isEqualTo(number);
          }
        }
      } catch (DocumentRejectedException e) {
        assertThat(e.file()).isEqualTo(file.toAbsolutePath().normalize());
        assertThat(e.getMessage()).startsWith(e.file().toString());
      }
    } finally {
      Files.delete(file);
    }
  }
}
