package dev.quire.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch's output file resumes after a kill at any point: nothing lost, nothing twice. */
class BatchOutputTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> COLUMNS = List.of("file", "path", "value");

  @TempDir Path dir;

  private static ObjectNode record(String file, String path, String value) {
    return JSON.createObjectNode().put("file", file).put("path", path).put("value", value);
  }

  private BatchOutput open(BatchOutput.Format format, Path file) throws Exception {
    return BatchOutput.file(format, COLUMNS, "file", new PrintWriter(new StringWriter()), file);
  }

  @Test
  void aKillMidDocumentIsUndoneAndTheRerunSkipsWhatWasWritten() throws Exception {
    for (BatchOutput.Format format : List.of(BatchOutput.Format.JSONL, BatchOutput.Format.CSV)) {
      Path file = dir.resolve("out-" + format + "." + format.name().toLowerCase());
      try (BatchOutput out = open(format, file)) {
        assertThat(out.done()).isEmpty();
        out.append("/a.pdf", List.of(record("/a.pdf", "total", "1"), record("/a.pdf", "tax", "2")));
        out.append("/b.pdf", List.of(record("/b.pdf", "total", "3")));
        // killed: half of c's rows reached the file, and half of its journal line
      }
      Files.writeString(file, format == BatchOutput.Format.CSV ? "/c.pdf,total,4\n/c.pd" : "{\"file\":\"/c.pdf\",\"pa",
          StandardOpenOption.APPEND);
      Files.writeString(dir.resolve(file.getFileName() + ".progress"), "99", StandardOpenOption.APPEND);
      try (BatchOutput out = open(format, file)) {
        assertThat(out.done()).containsExactlyInAnyOrder("/a.pdf", "/b.pdf");
        out.append("/c.pdf", List.of(record("/c.pdf", "total", "4")));
        out.finish();
      }
      String text = Files.readString(file, StandardCharsets.UTF_8);
      assertThat(text.lines().filter(l -> l.contains("/c.pdf"))).as(format.name()).hasSize(1);
      assertThat(text.lines().filter(l -> l.contains("/a.pdf"))).hasSize(2);
      if (format == BatchOutput.Format.CSV) {
        assertThat(text).startsWith("file,path,value\n").doesNotContain("/c.pd\n");
      }
      assertThat(dir.resolve(file.getFileName() + ".progress")).doesNotExist();
      // a completed file, rerun: everything in it is done
      try (BatchOutput out = open(format, file)) {
        assertThat(out.done()).containsExactlyInAnyOrder("/a.pdf", "/b.pdf", "/c.pdf");
      }
    }
  }

  @Test
  void aKillBeforeTheFirstDocumentOfARerunLosesNothingEarlier() throws Exception {
    Path file = dir.resolve("out.jsonl");
    try (BatchOutput out = open(BatchOutput.Format.JSONL, file)) {
      out.append("/a.pdf", List.of(record("/a.pdf", "total", "1")));
      out.finish();
    }
    try (BatchOutput out = open(BatchOutput.Format.JSONL, file)) {
      assertThat(out.done()).containsExactly("/a.pdf");
    }
    // that second run was killed writing its first document
    Files.writeString(file, "{\"file\":\"/b.pdf\"", StandardOpenOption.APPEND);
    try (BatchOutput out = open(BatchOutput.Format.JSONL, file)) {
      assertThat(out.done()).containsExactly("/a.pdf");
      out.finish();
    }
    assertThat(Files.readAllLines(file)).hasSize(1).allMatch(l -> l.contains("/a.pdf"));
  }

  @Test
  void jsonIsForStandardOutputOnly() {
    assertThatThrownBy(() -> open(BatchOutput.Format.JSON, dir.resolve("x.json")))
        .hasMessageContaining("jsonl or csv");
    assertThatThrownBy(() -> BatchOutput.Format.parse("xml")).hasMessageContaining("jsonl, json or csv");
  }
}
