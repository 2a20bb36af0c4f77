package dev.quire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.samples.CorpusManifest;
import dev.quire.samples.GroundTruth;
import dev.quire.samples.GroundTruthPage;
import dev.quire.samples.SyntheticCorpus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a user runs it: exit codes and what is printed. */
class CliTest {

  @TempDir static Path dir;
  static Path corpus;
  static CorpusManifest manifest;

  record Result(int exitCode, String out, String err) {}

  @BeforeAll
  static void corpus() throws IOException {
    corpus = dir.resolve("corpus");
    manifest = SyntheticCorpus.generate(corpus, 6, 11);
  }

  static Result quire(String... args) {
    CommandLine cli = QuireCli.commandLine(args);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void indexSearchInfoDocumentsAndDelete() throws IOException {
    String index = dir.resolve("index-main").toString();
    Result indexed = quire("index", "--quiet", "--index", index, corpus.toString());
    assertThat(indexed.exitCode()).as(indexed.err()).isZero();
    assertThat(indexed.out())
        .contains("Indexed 6 documents (" + manifest.pageCount() + " pages")
        .contains("no model given");

    GroundTruthPage page = GroundTruth.read(corpus).stream()
        .filter(p -> !p.scanned() && !p.questions().isEmpty())
        .findFirst()
        .orElseThrow();
    String question = page.questions().get(0).question();
    Result search = quire("search", "--index", index, "-k", "3", question);
    assertThat(search.exitCode()).as(search.err()).isZero();
    assertThat(search.out().lines().findFirst().orElseThrow())
        .startsWith("  1.")
        .contains(page.document() + "  p." + page.page());
    assertThat(search.out()).contains("[bm25 |").contains("note: BM25 only");

    Result json = quire("search", "--json", "--index", index, "-k", "2", question);
    // the HTTP API's snake_case shape
    assertThat(json.out()).contains("\"hits\"").contains("\"document_id\"").contains("\"file_name\"")
        .contains("\"total_ms\"").contains("\"stages\"").doesNotContain("pageNumber").doesNotContain("\"collection\"")
        .doesNotContain("image_url").doesNotContain(": -1,");

    Result info = quire("info", "--index", index);
    assertThat(info.out())
        .contains("Documents        6")
        .contains("Pages            " + manifest.pageCount())
        .contains("none: BM25 only")
        .contains("page images");

    Result documents = quire("documents", "--index", index);
    assertThat(documents.out().lines()).hasSize(6);

    Path first = corpus.resolve(manifest.documents().get(0).file());
    Result deleted = quire("delete", "--index", index, first.toString());
    assertThat(deleted.exitCode()).isZero();
    assertThat(deleted.out()).startsWith("deleted ");
    assertThat(quire("documents", "--index", index).out().lines()).hasSize(5);
    Result again = quire("delete", "--index", index, first.toString());
    assertThat(again.exitCode()).isEqualTo(3);
    assertThat(again.out()).startsWith("no document ");
  }

  @Test
  void unreadableFilesAreReportedAndSkipped() throws IOException {
    Path mixed = Files.createDirectories(dir.resolve("mixed"));
    Files.copy(corpus.resolve(manifest.documents().get(1).file()), mixed.resolve("good.pdf"));
    Files.writeString(mixed.resolve("corrupt.pdf"), "%PDF-1.4\n1 0 obj <</Type /Catalog");
    Path notes = Files.writeString(dir.resolve("notes.pdf"), "just text, named like a PDF");
    Result result =
        quire("index", "--quiet", "--index", dir.resolve("index-mixed").toString(), mixed.toString(),
            notes.toString());
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("Indexed 1 documents").contains("2 skipped");
    assertThat(result.out()).containsPattern("skipped .*corrupt\\.pdf: CORRUPT");
    assertThat(result.out()).containsPattern("skipped .*notes\\.pdf: UNKNOWN_TYPE");
  }

  @Test
  void errorsAreOneClearLineWithANonZeroExitCode() {
    Result missing = quire("search", "--index", dir.resolve("nowhere").toString(), "revenue");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).startsWith("quire: error: no index at").doesNotContain("Exception");

    Result empty = quire("search", "--index", dir.toString(), " ");
    assertThat(empty.exitCode()).isEqualTo(2);
    assertThat(empty.err()).contains("query must not be empty");
    Result badStage = quire("search", "--index", dir.toString(), "--first-stage", "magic", "x");
    assertThat(badStage.exitCode()).isEqualTo(1);
    assertThat(badStage.err()).contains("unknown first stage 'magic'");

    Result usage = quire("index");
    assertThat(usage.exitCode()).isEqualTo(2);
    assertThat(usage.err()).contains("quire index needs files or folders to index");
  }

  @Test
  void helpListsEveryCommandAndEachCommandHasItsOwnUsage() {
    Result help = quire("help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("demo", "index", "search", "info", "documents", "delete", "serve", "embed", "eval");
    assertThat(quire("--help").out()).isEqualTo(help.out());
    assertThat(quire("search", "--help").out()).startsWith("Usage: quire search");

    Result unknown = quire("serch", "revenue");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("Unmatched arguments").contains("search");
  }

  @Test
  void anIndexJobKilledWithSigkillFinishesOnTheNextRunWithoutDuplicates() throws Exception {
    Path big = dir.resolve("big-corpus");
    CorpusManifest bigManifest = SyntheticCorpus.generate(big, 24, 5);
    Path index = dir.resolve("index-killed");
    List<String> command = List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
        "-cp", System.getProperty("java.class.path"),
        QuireCli.class.getName(), "index", "--quiet", "--no-ocr", "--index", index.toString(), big.toString());
    Process child = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("child.log").toFile()).start();
    // Kill it once some documents are committed but before it can finish.
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline && child.isAlive() && !committedSome(index)) {
      Thread.sleep(50);
    }
    Thread.sleep(300);
    boolean killedMidway = child.isAlive();
    child.destroyForcibly().waitFor();

    Result rerun = quire("index", "--quiet", "--no-ocr", "--index", index.toString(), big.toString());
    assertThat(rerun.exitCode()).as(rerun.err() + rerun.out()).isZero();
    if (killedMidway) {
      assertThat(rerun.out()).doesNotContain("Indexed 24 documents");
    }
    Result info = quire("info", "--index", index.toString());
    assertThat(info.out())
        .contains("Documents        24")
        .contains("Pages            " + bigManifest.pageCount() + "\n");
    Result third = quire("index", "--quiet", "--no-ocr", "--index", index.toString(), big.toString());
    assertThat(third.out()).contains("Indexed 0 documents").contains("24 unchanged");
  }

  private static boolean committedSome(Path index) {
    Path images = index.resolve("images");
    try (var files = Files.exists(images) ? Files.walk(images) : java.util.stream.Stream.<Path>empty()) {
      return files.filter(Files::isRegularFile).count() > 12;
    } catch (IOException | java.io.UncheckedIOException e) {
      return false;
    }
  }

  @Test
  void evalRecordsTheCommandAsTyped() throws IOException {
    Path out = dir.resolve("eval-out");
    Result eval = quire("eval", "--builtin", "synthetic", "--documents", "3", "--queries-limit", "2",
        "--variants", "bm25", "--quiet", "--cache", dir.resolve("eval-cache").toString(),
        "--out", out.toString());
    assertThat(eval.err()).doesNotContain("error");
    assertThat(Files.readString(out.resolve("report.md")))
        .contains("`quire eval --builtin synthetic --documents 3");
  }
}
