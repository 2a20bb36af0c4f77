package dev.quire.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class FileTypeTest {

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static FileType sniff(byte[] magic, byte[] tail) {
    byte[] head = Arrays.copyOf(magic, magic.length + tail.length);
    System.arraycopy(tail, 0, head, magic.length, tail.length);
    return FileType.sniff(head, head.length);
  }

  @Property
  void magicBytesDecideWhateverFollows(@ForAll @Size(max = 64) byte[] tail) {
    assertThat(sniff(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A), tail))
        .isEqualTo(FileType.PNG);
    assertThat(sniff(bytes(0xFF, 0xD8, 0xFF), tail)).isEqualTo(FileType.JPEG);
    assertThat(sniff(bytes('I', 'I', 42, 0), tail)).isEqualTo(FileType.TIFF);
    assertThat(sniff(bytes('M', 'M', 0, 43), tail)).isEqualTo(FileType.TIFF);
    assertThat(sniff("GIF89a".getBytes(StandardCharsets.US_ASCII), tail)).isEqualTo(FileType.GIF);
    assertThat(sniff("RIFF\0\0\0\0WEBP".getBytes(StandardCharsets.US_ASCII), tail))
        .isEqualTo(FileType.WEBP);
    assertThat(sniff(bytes('B', 'M', 0, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0), tail))
        .isEqualTo(FileType.BMP);
    assertThat(sniff("%PDF-1.7".getBytes(StandardCharsets.US_ASCII), tail)).isEqualTo(FileType.PDF);
  }

  @Property
  void pdfHeaderMayFollowJunkWithinTheFirstKilobyte(@ForAll @IntRange(max = 1019) int junk) {
    byte[] head = new byte[junk + 8];
    Arrays.fill(head, (byte) ' ');
    System.arraycopy("%PDF-1.4".getBytes(StandardCharsets.US_ASCII), 0, head, junk, 8);
    assertThat(FileType.sniff(head, head.length)).isEqualTo(FileType.PDF);
  }

  @Property
  void plainTextIsNoDocument(@ForAll("text") String text) {
    byte[] head = text.getBytes(StandardCharsets.UTF_8);
    assertThat(FileType.sniff(head, head.length)).isNull();
  }

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.strings().withCharRange('a', 'z').withChars(' ', '\n', '.').ofMaxLength(200);
  }

  @Test
  void bmpNeedsAPlausibleHeaderNotJustTwoLetters() {
    byte[] text = "BM is how this memo starts".getBytes(StandardCharsets.US_ASCII);
    assertThat(FileType.sniff(text, text.length)).isNull();
  }

  @Test
  void truncatedMagicIsUnknown() {
    assertThat(FileType.sniff(bytes(0x89, 'P', 'N'), 3)).isNull();
    assertThat(FileType.sniff(new byte[0], 0)).isNull();
  }

  @Test
  void documentExtensionsAreCaseInsensitive() {
    assertThat(FileType.hasDocumentExtension(Path.of("a/Scan.TIFF"))).isTrue();
    assertThat(FileType.hasDocumentExtension(Path.of("a/photo.jpeg"))).isTrue();
    assertThat(FileType.hasDocumentExtension(Path.of("a/notes.txt"))).isFalse();
    assertThat(FileType.hasDocumentExtension(Path.of("a/.pdf"))).isFalse();
  }
}
