package dev.quire.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiscoveryTest {
  @TempDir Path root;

  private final DocumentReader reader = new DocumentReader(ReaderConfig.defaults().withOcr(false));

  private Path file(String relative, String content) throws Exception {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }

  @Test
  void walksNestedFoldersInNameOrderSkippingHiddenEntriesAndLoops() throws Exception {
    Path b =
        TestFiles.textPdf(Files.createDirectories(root.resolve("b")).resolve("report.pdf"), "x");
    Path a2 = file("a/z-last.png", "not really a png, but named like one");
    Path a1 = file("a/deeper/still/scan.TIFF", "named like a tiff");
    Path noExtension = TestFiles.textPdf(root.resolve("a/statement-without-extension"), "y");
    file("a/notes.txt", "plain text is not a document");
    file("a/.hidden.pdf", "hidden file");
    file(".git/config.pdf", "hidden folder");
    file("ground-truth.jsonl", "{}");
    // A link back to an ancestor: following it naively never ends.
    Files.createSymbolicLink(root.resolve("a/deeper/loop"), root.resolve("a"));
    // A link to a file already found: listed once.
    Files.createSymbolicLink(root.resolve("c-link.pdf"), b);
    Files.createSymbolicLink(root.resolve("dangling.pdf"), root.resolve("missing.pdf"));

    List<Path> found = reader.discover(List.of(root));

    assertThat(found).containsExactly(a1, noExtension, a2, b);
    assertThat(reader.discover(List.of(root))).isEqualTo(found);
  }

  @Test
  void filesNamedDirectlyAreKeptWhateverTheirName() throws Exception {
    Path odd = file("export.dat", "whatever it is, the user asked for it");
    Path pdf = TestFiles.textPdf(root.resolve("doc.pdf"), "z");
    assertThat(reader.discover(List.of(odd, root.resolve("."), pdf))).containsExactly(odd, pdf);
  }

  @Test
  void aMissingRootIsAnError() {
    assertThatThrownBy(() -> reader.discover(List.of(root.resolve("nope"))))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("nope");
  }
}
