package dev.quire.index;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that is indexing (SIGKILL, at random moments) and checks that the index opens
 * with every acknowledged document complete in the page store, Lucene and the image files, no
 * document half-visible, and that rerunning the job finishes without duplicates.
 */
class CrashRecoveryTest {
  private static final int DOCUMENTS = 24;

  @TempDir Path directory;
  @TempDir Path logs;

  private final long seed = System.nanoTime();
  private final Random random = new Random(seed);

  /** A running job and the documents it acknowledged. */
  private record Run(Process process, BufferedReader output, Set<String> acknowledged, Path log) {
    /** Reads output until {@code count} more ACKs, or the end; returns whether it ended. */
    boolean awaitAcks(int count) throws IOException {
      int seen = 0;
      String line;
      while (seen < count && (line = output.readLine()) != null) {
        if (line.startsWith("ACK ")) {
          acknowledged.add(line.substring(4));
          seen++;
        } else if (line.equals("DONE")) {
          return true;
        }
      }
      return seen < count;
    }

    /**
     * SIGKILLs the job. ACKs already in the pipe were acknowledged before the kill: the process
     * handle (unlike {@link Process#destroyForcibly}) leaves the pipe open to read them.
     */
    void kill() throws Exception {
      process.toHandle().destroyForcibly();
      awaitAcks(Integer.MAX_VALUE);
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private Run start(int version) throws IOException {
    Path log = Files.createTempFile(logs, "job", ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "--enable-native-access=ALL-UNNAMED",
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            IndexingJob.class.getName(),
            directory.toString(),
            Integer.toString(DOCUMENTS),
            Integer.toString(version)));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
    BufferedReader output =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    return new Run(process, output, new HashSet<>(), log);
  }

  private Set<String> runAndKill(int version) throws Exception {
    Run run = start(version);
    try {
      if (random.nextInt(4) == 0) {
        Thread.sleep(200 + random.nextInt(1000)); // anywhere, opening and recovery included
      } else {
        run.awaitAcks(1 + random.nextInt(4));
        Thread.sleep(random.nextInt(30)); // somewhere inside the next document
      }
    } finally {
      run.kill();
    }
    return run.acknowledged();
  }

  private void runToTheEnd(int version) throws Exception {
    Run run = start(version);
    assertThat(run.awaitAcks(Integer.MAX_VALUE)).isTrue();
    assertThat(run.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(run.process().exitValue())
        .as("job log %s", Files.readString(run.log()))
        .isZero();
  }

  @Test
  void killedIndexingLeavesACompleteResumableIndex() throws Exception {
    Set<String> acknowledged = new HashSet<>();
    for (int round = 0; round < 3; round++) {
      acknowledged.addAll(runAndKill(1));
      verify(acknowledged, 1);
    }
    runToTheEnd(1);
    verifyComplete(1);

    // Replacing every document with a new version, killed midway, never mixes versions.
    Set<String> replaced = new HashSet<>();
    for (int round = 0; round < 2; round++) {
      replaced.addAll(runAndKill(2));
      verify(replaced, 2);
    }
    runToTheEnd(2);
    verifyComplete(2);
  }

  /** Every acknowledged document is at {@code version}; every document is wholly one version. */
  private void verify(Set<String> acknowledged, int version) throws Exception {
    String context = "seed " + seed + ", acknowledged " + acknowledged;
    try (PageIndex index = PageIndex.open(Fixtures.config(directory))) {
      long visiblePages = 0;
      for (DocumentRecord document : index.documents()) {
        int d = Integer.parseInt(document.documentId().substring("doc-".length()));
        int documentVersion = Integer.parseInt(document.contentHash().substring(1));
        if (acknowledged.contains(document.documentId())) {
          assertThat(documentVersion).as(context).isEqualTo(version);
        }
        verifyDocument(index, d, documentVersion, context);
        visiblePages += document.pageCount();
      }
      for (String id : acknowledged) {
        assertThat(index.document(id)).as(context).isPresent();
      }
      IndexStats stats = index.stats();
      assertThat(stats.pages()).as(context).isEqualTo(visiblePages);
      assertThat(stats.pagesWithVectors()).as(context).isEqualTo(visiblePages);
      assertThat(index.textIndex().pageCount(null)).as(context).isEqualTo((int) visiblePages);
      long[] withVectors = new long[1];
      try (VectorReader reader = index.vectors()) {
        reader.forEachPage(id -> withVectors[0]++);
      }
      assertThat(withVectors[0]).as(context).isEqualTo(visiblePages);
      long stagedPages =
          index.pageStore().read(tx -> tx.stagings().stream().mapToLong(s -> s.pages().size()).sum());
      assertThat(files("images")).as(context).isEqualTo(visiblePages + stagedPages);
      assertThat(files("thumbnails")).as(context).isEqualTo(visiblePages + stagedPages);
    }
  }

  private void verifyComplete(int version) throws Exception {
    Set<String> all = new HashSet<>();
    for (int d = 0; d < DOCUMENTS; d++) {
      all.add(IndexingJob.id(d));
    }
    verify(all, version);
    try (PageIndex index = PageIndex.open(Fixtures.config(directory))) {
      assertThat(index.documents()).hasSize(DOCUMENTS);
      long expectedPages = 0;
      for (int d = 0; d < DOCUMENTS; d++) {
        expectedPages += IndexingJob.pages(d, version);
      }
      assertThat(index.stats().pages()).isEqualTo(expectedPages);
      List<PageStore.StagingEntry> staged = index.pageStore().read(tx -> tx.stagings());
      assertThat(staged).isEmpty();
      assertThat(files("images")).isEqualTo(expectedPages);
    }
  }

  /** The document is complete at its version in the page store, Lucene and the image files. */
  private static void verifyDocument(PageIndex index, int d, int version, String context)
      throws Exception {
    String id = IndexingJob.id(d);
    int pages = IndexingJob.pages(d, version);
    assertThat(index.document(id).orElseThrow().pageCount()).as(context).isEqualTo(pages);
    try (VectorReader reader = index.vectors()) {
      for (int p = 1; p <= pages; p++) {
        PageInfo page = index.page(id, p).orElseThrow();
        assertThat(page.text()).as(context).isEqualTo(IndexingJob.text(d, version, p));
        PageVectors expected =
            Fixtures.vectors(IndexingJob.seed(d, version, p), IndexingJob.TOKENS);
        assertThat(reader.half(page.pageId()).toArray(JAVA_BYTE)).isEqualTo(expected.half());
        assertThat(reader.binary(page.pageId()).toArray(JAVA_BYTE)).isEqualTo(expected.binary());
        assertThat(index.pageImage(id, p).orElseThrow()).exists();
        assertThat(index.thumbnail(id, p).orElseThrow()).exists();
      }
    }
    assertThat(index.textIndex().pageCount(id)).as(context).isEqualTo(pages);
    List<TextHit> hits = index.searchText(IndexingJob.marker(d, version), 100, Set.of());
    assertThat(hits).as(context).hasSize(pages);
    assertThat(hits).allSatisfy(hit -> assertThat(hit.documentId()).isEqualTo(id));
  }

  private long files(String subdirectory) throws IOException {
    try (var files = Files.list(directory.resolve(subdirectory))) {
      return files.count();
    }
  }
}
