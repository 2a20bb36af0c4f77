package dev.quire.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class DocumentIdTest {
  private static final String HASH = "a".repeat(64);

  @Provide
  Arbitrary<List<String>> segments() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withChars('-', '_', ' ')
        .ofMinLength(1)
        .ofMaxLength(12)
        .filter(s -> !s.isBlank() && !s.equals(".") && !s.equals(".."))
        .list()
        .ofMinSize(1)
        .ofMaxSize(6);
  }

  @Property
  void pathIdsAreStableUnderNormalisation(@ForAll("segments") List<String> segments) {
    Path plain = Path.of("/data", segments.toArray(String[]::new));
    Path detoured =
        Path.of("/data", "x", "..", ".").resolve(Path.of("", segments.toArray(String[]::new)));
    String id = DocumentReader.documentId(plain, HASH, DocumentIdMode.PATH);
    assertThat(id).hasSize(DocumentReader.ID_HEX_CHARS).matches("[0-9a-f]+");
    assertThat(DocumentReader.documentId(detoured, HASH, DocumentIdMode.PATH)).isEqualTo(id);
    assertThat(
            DocumentReader.documentId(
                plain.resolveSibling(plain.getFileName() + "2"), HASH, DocumentIdMode.PATH))
        .isNotEqualTo(id);
  }

  @Property
  void contentIdsIgnoreThePath(@ForAll("segments") List<String> segments) {
    Path path = Path.of("/data", segments.toArray(String[]::new));
    String hash = "0123456789abcdef".repeat(4);
    assertThat(DocumentReader.documentId(path, hash, DocumentIdMode.CONTENT))
        .isEqualTo(hash.substring(0, 32));
  }
}
