package dev.quire.index;

import static dev.quire.index.Fixtures.MODEL;
import static dev.quire.index.Fixtures.TOKENS;
import static dev.quire.index.Fixtures.config;
import static dev.quire.index.Fixtures.document;
import static dev.quire.index.Fixtures.page;
import static dev.quire.index.Fixtures.put;
import static dev.quire.index.Fixtures.seed;
import static dev.quire.index.Fixtures.vectors;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageIndexTest {
  @TempDir Path directory;

  private static List<Long> vectorPages(PageIndex index) {
    List<Long> ids = new ArrayList<>();
    try (VectorReader reader = index.vectors()) {
      reader.forEachPage(ids::add);
    }
    return ids;
  }

  @Test
  void roundTripsDocumentsPagesVectorsAndImages() throws Exception {
    try (PageIndex index = PageIndex.open(config(directory))) {
      assertThat(index.model()).isEmpty();
      put(index, "a", "h1", 3);
      try (DocumentWriter writer = index.write(document("text-only", "h2", 1), null)) {
        writer.addPage(new PageRecord(1, "Only words here.", "ocr", null, null));
        writer.commit();
      }

      assertThat(index.model()).contains(MODEL);
      assertThat(index.document("a")).contains(document("a", "h1", 3));
      assertThat(index.documents()).extracting(DocumentRecord::documentId)
          .containsExactly("a", "text-only");

      PageInfo second = index.page("a", 2).orElseThrow();
      assertThat(second.documentId()).isEqualTo("a");
      assertThat(second.text()).isEqualTo(Fixtures.text("a", 2));
      assertThat(second.hasVectors()).isTrue();
      assertThat(index.page(second.pageId())).contains(second);
      assertThat(index.page("a", 4)).isEmpty();
      assertThat(index.page("text-only", 1).orElseThrow().hasVectors()).isFalse();

      try (VectorReader reader = index.vectors()) {
        PageVectors expected = vectors(seed("a", 2), TOKENS);
        assertThat(reader.hasVectors(second.pageId())).isTrue();
        assertThat(reader.tokens(second.pageId())).isEqualTo(TOKENS);
        assertThat(reader.dimension(second.pageId())).isEqualTo(MODEL.dimension());
        assertThat(reader.half(second.pageId()).toArray(JAVA_BYTE)).isEqualTo(expected.half());
        assertThat(reader.binary(second.pageId()).toArray(JAVA_BYTE)).isEqualTo(expected.binary());
        long textOnly = index.page("text-only", 1).orElseThrow().pageId();
        assertThat(reader.hasVectors(textOnly)).isFalse();
        assertThatThrownBy(() -> reader.half(textOnly)).hasMessageContaining("no half");
      }
      assertThat(vectorPages(index)).hasSize(3).isSorted();

      Path image = index.pageImage("a", 2).orElseThrow();
      BufferedImage stored = ImageIO.read(image.toFile());
      BufferedImage original = Fixtures.image(80, 100, seed("a", 2));
      assertThat(stored.getRGB(40, 40)).isEqualTo(original.getRGB(40, 40));
      assertThat(ImageIO.read(index.thumbnail("a", 2).orElseThrow().toFile()).getWidth())
          .isEqualTo(64);
      assertThat(index.pageImage("text-only", 1)).isEmpty();

      IndexStats stats = index.stats();
      assertThat(stats.documents()).isEqualTo(2);
      assertThat(stats.pages()).isEqualTo(4);
      assertThat(stats.pagesWithVectors()).isEqualTo(3);
      assertThat(stats.dimension()).isEqualTo(16);
      assertThat(stats.model()).contains(MODEL);
      assertThat(stats.binaryCodes().bytes()).isPositive();
      assertThat(stats.images().bytesPerPage()).isPositive();
      assertThat(stats.totalBytes()).isGreaterThan(stats.pageStoreFileBytes());
    }
    // And everything survives a reopen.
    try (PageIndex index = PageIndex.open(config(directory))) {
      assertThat(index.document("a")).contains(document("a", "h1", 3));
      assertThat(index.searchText("river", 10, Set.of())).hasSize(3);
      assertThat(index.searchText("words", 10, Set.of())).hasSize(1);
      assertThat(vectorPages(index)).hasSize(3);
    }
  }

  @Test
  void vectorSegmentsAreViewsOfTheMapValidWhileTheReaderIsOpen() throws Exception {
    try (PageIndex index = PageIndex.open(config(directory))) {
      put(index, "a", "h", 1);
      long pageId = index.page("a", 1).orElseThrow().pageId();
      MemorySegment half;
      try (VectorReader reader = index.vectors()) {
        half = reader.half(pageId);
        MemorySegment binary = reader.binary(pageId);
        assertThat(half.isNative()).isTrue();
        assertThat(half.heapBase()).isEmpty();
        assertThat(half.isReadOnly()).isTrue();
        long[] map = mappedRange(directory.resolve("pages/data.mdb"));
        assertThat(half.address()).isBetween(map[0], map[1] - half.byteSize());
        assertThat(binary.address()).isBetween(map[0], map[1] - binary.byteSize());
      }
      MemorySegment closed = half;
      assertThatThrownBy(() -> closed.get(JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void blobOffsetsPointAtTheBlobsInTheReadersMemory() throws Exception {
    try (PageIndex index = PageIndex.open(config(directory))) {
      put(index, "a", "h", 2);
      long first = index.page("a", 1).orElseThrow().pageId();
      long second = index.page("a", 2).orElseThrow().pageId();
      MemorySegment memory;
      long at;
      try (VectorReader reader = index.vectors()) {
        memory = reader.memory();
        for (long pageId : new long[] {first, second}) {
          MemorySegment half = reader.half(pageId);
          MemorySegment binary = reader.binary(pageId);
          assertThat(reader.halfAt(pageId, half.byteSize())).isEqualTo(half.address());
          assertThat(reader.binaryAt(pageId, binary.byteSize())).isEqualTo(binary.address());
          assertThat(memory.asSlice(half.address(), half.byteSize()).mismatch(half)).isEqualTo(-1);
        }
        long size = reader.half(first).byteSize();
        assertThatThrownBy(() -> reader.halfAt(first, size + 2))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("half-precision vectors of page " + first + " hold " + size + " bytes");
        at = reader.binaryAt(second, reader.binary(second).byteSize());
      }
      long closedAt = at;
      assertThatThrownBy(() -> memory.get(JAVA_BYTE, closedAt)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void pageBlobsGiveOffsetAndTokensAndRefuseAnotherDimension() throws Exception {
    try (PageIndex index = PageIndex.open(config(directory))) {
      put(index, "a", "h", 2);
      long pageId = index.page("a", 2).orElseThrow().pageId();
      try (VectorReader reader = index.vectors()) {
        int dim = reader.dimension(pageId);
        VectorReader.PageBlob half = reader.halfBlob(pageId, dim);
        VectorReader.PageBlob binary = reader.binaryBlob(pageId, dim);
        assertThat(half).isEqualTo(new VectorReader.PageBlob(reader.half(pageId).address(), TOKENS));
        assertThat(binary).isEqualTo(new VectorReader.PageBlob(reader.binary(pageId).address(), TOKENS));
        assertThat(PageCodec.halfBytes(half.tokens(), dim)).isEqualTo(reader.half(pageId).byteSize());
        assertThatThrownBy(() -> reader.halfBlob(pageId, dim * 2))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("page " + pageId + " holds vectors of dimension " + dim + ", not " + dim * 2);
        assertThatThrownBy(() -> reader.binaryBlob(pageId + 1000, dim))
            .hasMessageContaining("no page " + (pageId + 1000));
      }
    }
  }

  /** The address range where this process maps {@code file}, from /proc/self/maps. */
  private static long[] mappedRange(Path file) throws IOException {
    String name = file.toRealPath().toString();
    long start = Long.MAX_VALUE;
    long end = 0;
    for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
      if (line.endsWith(" " + name)) {
        String[] range = line.substring(0, line.indexOf(' ')).split("-");
        start = Math.min(start, Long.parseUnsignedLong(range[0], 16));
        end = Math.max(end, Long.parseUnsignedLong(range[1], 16));
      }
    }
    assertThat(end).as("%s is mapped", name).isPositive();
    return new long[] {start, end};
  }

  @Test
  void mapGrowsPastItsInitialSize() throws Exception {
    int tokens = 1024; // 32 KiB of half vectors a page
    int pages = 80; // about 2.7 MiB in all, with a 1 MiB initial map
    try (PageIndex index = PageIndex.open(config(directory))) {
      long initial = index.pageStore().mapSize();
      try (DocumentWriter writer = index.write(document("big", "h", pages), MODEL)) {
        for (int p = 1; p <= pages; p++) {
          writer.addPage(new PageRecord(p, "page " + p, "pdf", null, vectors(p, tokens)));
        }
        writer.commit();
      }
      assertThat(index.pageStore().mapSize()).isGreaterThanOrEqualTo(4 * initial);
    }
    try (PageIndex index = PageIndex.open(config(directory));
        VectorReader reader = index.vectors()) {
      for (int p = 1; p <= pages; p++) {
        long pageId = index.page("big", p).orElseThrow().pageId();
        assertThat(reader.half(pageId).toArray(JAVA_BYTE)).isEqualTo(vectors(p, tokens).half());
      }
    }
  }

  @Test
  void replacingADocumentReplacesItsPagesInEveryStore() throws Exception {
    try (PageIndex index = PageIndex.open(config(directory))) {
      try (DocumentWriter writer = index.write(document("d", "v1", 3), MODEL)) {
        for (int p = 1; p <= 3; p++) {
          writer.addPage(
              new PageRecord(p, "alpha version", "pdf", Fixtures.image(40, 40, p), vectors(p, 4)));
        }
        writer.commit();
      }
      List<Path> oldImages = List.of(index.pageImage("d", 1).orElseThrow());
      put(index, "other", "x", 1);
      try (DocumentWriter writer = index.write(document("d", "v2", 2), MODEL)) {
        for (int p = 1; p <= 2; p++) {
          writer.addPage(
              new PageRecord(p, "beta version", "pdf", Fixtures.image(40, 40, p), vectors(p, 4)));
        }
        // Not yet committed: the old version is still the one visible.
        assertThat(index.searchText("alpha", 10, Set.of())).hasSize(3);
        writer.commit();
      }
      assertThat(index.searchText("alpha", 10, Set.of())).isEmpty();
      List<TextHit> beta = index.searchText("beta", 10, Set.of());
      assertThat(beta).hasSize(2);
      List<Long> newIds = beta.stream().map(TextHit::pageId).sorted().toList();
      long other = index.page("other", 1).orElseThrow().pageId();
      List<Long> expected = new ArrayList<>(newIds);
      expected.add(other);
      assertThat(vectorPages(index)).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(oldImages).allSatisfy(path -> assertThat(path).doesNotExist());
      assertThat(index.pageImage("d", 1).orElseThrow()).exists();
      assertThat(index.document("d").orElseThrow().contentHash()).isEqualTo("v2");
      assertThat(index.stats().pages()).isEqualTo(3);
      assertThat(index.stats().pagesWithVectors()).isEqualTo(3);
    }
  }

  @Test
  void deletingADocumentRemovesItFromEveryStore() throws Exception {
    try (PageIndex index = PageIndex.open(config(directory))) {
      put(index, "gone", "h", 2);
      put(index, "kept", "h", 1);
      Path image = index.pageImage("gone", 1).orElseThrow();
      Path thumbnail = index.thumbnail("gone", 1).orElseThrow();
      long goneId = index.page("gone", 1).orElseThrow().pageId();

      assertThat(index.deleteDocument("gone")).isTrue();
      assertThat(index.deleteDocument("gone")).isFalse();

      assertThat(index.document("gone")).isEmpty();
      assertThat(index.page(goneId)).isEmpty();
      assertThat(index.searchText("river", 10, Set.of()))
          .extracting(TextHit::documentId)
          .containsExactly("kept");
      assertThat(vectorPages(index)).containsExactly(index.page("kept", 1).orElseThrow().pageId());
      assertThat(image).doesNotExist();
      assertThat(thumbnail).doesNotExist();
      IndexStats stats = index.stats();
      assertThat(stats.documents()).isEqualTo(1);
      assertThat(stats.pages()).isEqualTo(1);
      assertThat(stats.pagesWithVectors()).isEqualTo(1);
    }
  }

  @Test
  void warmingReadsTheBinaryCodesOfEveryPageWithVectorsAndStopsWhenAsked() throws Exception {
    try (PageIndex index = PageIndex.open(config(directory))) {
      put(index, "a", "h", 3);
      put(index, "b", "h", 2);
      try (DocumentWriter writer = index.write(document("text-only", "h", 1), null)) {
        writer.addPage(new PageRecord(1, "Only words here.", "ocr", null, null));
        writer.commit();
      }
      index.deleteDocument("b");
      long perPage = vectors(seed("a", 1), TOKENS).binary().length;
      assertThat(index.warmBinaryCodes(() -> false)).isEqualTo(3 * perPage);
      assertThat(index.warmBinaryCodes(() -> true)).isZero();
    }
  }

  @Test
  void readAheadHintsAcceptAnyPageAndChangeNothing() throws Exception {
    try (PageIndex index = PageIndex.open(config(directory))) {
      put(index, "a", "h", 3);
      long[] ids = vectorPages(index).stream().mapToLong(Long::longValue).toArray();
      long[] withUnknown = Arrays.copyOf(ids, ids.length + 1);
      withUnknown[ids.length] = Long.MAX_VALUE;
      try (VectorReader reader = index.vectors()) {
        reader.willRead(withUnknown, true);
        reader.willRead(withUnknown, false);
        PageVectors expected = vectors(seed("a", 1), TOKENS);
        long first = index.page("a", 1).orElseThrow().pageId();
        assertThat(reader.half(first).toArray(JAVA_BYTE)).isEqualTo(expected.half());
        assertThat(reader.binary(first).toArray(JAVA_BYTE)).isEqualTo(expected.binary());
      }
    }
  }

  @Test
  void anotherModelIsRefusedNamingBoth() throws Exception {
    ModelStamp other = new ModelStamp("other-model", "sha256:9999", 16);
    try (PageIndex index = PageIndex.open(config(directory))) {
      put(index, "a", "h", 1);
      assertThatThrownBy(() -> index.write(document("b", "h", 1), other))
          .isInstanceOf(ModelMismatchException.class)
          .hasMessageContaining("test-model")
          .hasMessageContaining("other-model");
      try (DocumentWriter writer = index.write(document("c", "h", 1), MODEL)) {
        PageVectors wide = PageCodec.encode(Pages.unitVectors(1, 2, 32), 2, 32);
        assertThatThrownBy(() -> writer.addPage(new PageRecord(1, "x", "pdf", null, wide)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("dimension 32")
            .hasMessageContaining("dimension 16");
      }
      try (DocumentWriter writer = index.write(document("d", "h", 1), null)) {
        assertThatThrownBy(() -> writer.addPage(page("d", 1, false)))
            .hasMessageContaining("without a model");
      }
    }
    try (PageIndex index = PageIndex.open(config(directory))) {
      assertThat(index.model()).contains(MODEL);
      assertThatThrownBy(() -> index.vectors(other)).isInstanceOf(ModelMismatchException.class);
      try (VectorReader reader = index.vectors(MODEL)) {
        assertThat(reader.hasVectors(index.page("a", 1).orElseThrow().pageId())).isTrue();
      }
    }
  }

  @Test
  void anotherLanguageIsRefused() throws Exception {
    try (PageIndex index = PageIndex.open(config(directory))) {
      put(index, "a", "h", 1);
    }
    assertThatThrownBy(
            () -> PageIndex.open(config(directory).withLanguage(TextLanguage.FRENCH)).close())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("built for english")
        .hasMessageContaining("opened as french");
    // Without a language the index opens with its own.
    try (PageIndex index = PageIndex.open(config(directory).withLanguage(null))) {
      assertThat(index.language()).isEqualTo(TextLanguage.ENGLISH);
    }
  }

  @Test
  void badInputIsRefusedWithTheValueAndTheReason() throws Exception {
    try (PageIndex index = PageIndex.open(config(directory))) {
      String longId = "x".repeat(600);
      assertThatThrownBy(() -> index.write(document(longId, "h", 1), MODEL))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("600 bytes");
      assertThatThrownBy(() -> new PageRecord(-1, "", "pdf", null, null))
          .hasMessageContaining("-1");
      assertThatThrownBy(() -> document(" ", "h", 1)).hasMessageContaining("blank");
      assertThatThrownBy(() -> new PageVectors(0, 16, new byte[1], new byte[1]))
          .hasMessageContaining("at least 1, got 0");
      assertThat(index.documents()).isEmpty();
    }
  }

  @Test
  void aManifestOfAnotherFormatOrUnreadableIsRefused() throws Exception {
    try (PageIndex index = PageIndex.open(config(directory))) {
      put(index, "a", "h", 1);
    }
    Path manifest = directory.resolve("manifest.json");
    String good = Files.readString(manifest);
    Files.writeString(manifest, good.replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"));
    assertThatThrownBy(() -> PageIndex.open(config(directory)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("format version 99");
    Files.writeString(manifest, "{ not json");
    assertThatThrownBy(() -> PageIndex.open(config(directory)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot read index manifest");
    Files.delete(manifest);
    assertThatThrownBy(() -> PageIndex.open(config(directory)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("has data but no manifest.json");
    Files.writeString(manifest, good);
    try (PageIndex index = PageIndex.open(config(directory))) {
      assertThat(index.document("a")).isPresent();
    }
  }

  @Test
  void aSecondOpenOfTheSameIndexIsRefused() throws Exception {
    try (PageIndex index = PageIndex.open(config(directory))) {
      assertThatThrownBy(() -> PageIndex.open(config(directory)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("already open");
      assertThat(index.documents()).isEmpty();
    }
  }

  @Test
  void aPageOutsideTheDocumentIsRefusedAndAMissingPageIsAbsent() throws Exception {
    try (PageIndex index = PageIndex.open(config(directory))) {
      try (DocumentWriter writer = index.write(document("short", "h", 3), MODEL)) {
        assertThatThrownBy(() -> writer.addPage(page("short", 4, false)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("pages 1..3, not page 4");
        writer.addPage(page("short", 1, false));
        writer.addPage(page("short", 3, false));
        writer.commit();
      }
      assertThat(index.page("short", 1)).isPresent();
      assertThat(index.page("short", 2)).isEmpty();
      assertThat(index.page("short", 3)).isPresent();
    }
  }

  @Test
  void anUncommittedWriterShowsNothing() throws Exception {
    try (PageIndex index = PageIndex.open(config(directory))) {
      try (DocumentWriter writer = index.write(document("short", "h", 3), MODEL)) {
        writer.addPage(page("short", 1, false));
        writer.addPage(page("short", 2, false));
      }
      assertThat(index.document("short")).isEmpty();
      assertThat(index.searchText("river", 10, Set.of())).isEmpty();
      assertThat(vectorPages(index)).isEmpty();
    }
  }

  @Test
  void anInterruptedDocumentResumesWhereItStopped() throws Exception {
    try (PageIndex index = PageIndex.open(config(directory))) {
      try (DocumentWriter writer = index.write(document("long", "h", 4), MODEL)) {
        assertThat(writer.stagedPages()).isEmpty();
        writer.addPage(page("long", 1, true));
        writer.addPage(page("long", 2, true));
        assertThatThrownBy(() -> index.write(document("long", "h", 4), MODEL))
            .hasMessageContaining("already has an open writer");
      } // abandoned
      assertThat(index.document("long")).isEmpty();
    }
    try (PageIndex index = PageIndex.open(config(directory))) {
      try (DocumentWriter writer = index.write(document("long", "h", 4), MODEL)) {
        assertThat(writer.stagedPages()).containsExactlyInAnyOrder(1, 2);
        writer.addPage(page("long", 2, true)); // a page staged twice is replaced
        writer.addPage(page("long", 3, true));
        writer.addPage(page("long", 4, true));
        writer.commit();
      }
      assertThat(index.searchText("river", 10, Set.of())).hasSize(4);
      assertThat(vectorPages(index)).hasSize(4);
      assertThat(imageFiles()).hasSize(4);
    }
  }

  @Test
  void stagingOfOtherContentOrTooOldIsDiscarded() throws Exception {
    try (PageIndex index = PageIndex.open(config(directory))) {
      try (DocumentWriter writer = index.write(document("doc", "old-hash", 2), MODEL)) {
        writer.addPage(page("doc", 1, true));
      }
      assertThat(imageFiles()).hasSize(1);
      try (DocumentWriter writer = index.write(document("doc", "new-hash", 2), MODEL)) {
        assertThat(writer.stagedPages()).isEmpty();
        assertThat(imageFiles()).isEmpty();
        writer.addPage(page("doc", 1, true));
      }
      try (DocumentWriter writer = index.write(document("doc", "new-hash", 2), null)) {
        assertThat(writer.stagedPages()).as("another model does not resume").isEmpty();
      }
      try (DocumentWriter writer = index.write(document("later", "h", 1), MODEL)) {
        writer.addPage(page("later", 1, true));
      }
      assertThat(index.discardStaged("later")).isTrue();
      assertThat(index.discardStaged("later")).isFalse();
      try (DocumentWriter writer = index.write(document("stale", "h", 1), MODEL)) {
        writer.addPage(page("stale", 1, true));
      }
    }
    assertThat(imageFiles()).hasSize(1);
    IndexConfig discardAtOnce =
        new IndexConfig(directory, TextLanguage.ENGLISH, 1L << 20, 64, Duration.ZERO);
    try (PageIndex index = PageIndex.open(discardAtOnce)) {
      assertThat(imageFiles()).isEmpty();
      try (DocumentWriter writer = index.write(document("stale", "h", 1), MODEL)) {
        assertThat(writer.stagedPages()).isEmpty();
      }
    }
  }

  @Test
  void orphanedImageFilesAreRemovedAtOpen() throws Exception {
    try (PageIndex index = PageIndex.open(config(directory))) {
      put(index, "a", "h", 1);
    }
    Path orphan = directory.resolve("images/987654.png");
    Path orphanThumbnail = directory.resolve("thumbnails/987654.jpg");
    Path foreign = directory.resolve("images/notes.txt");
    Files.writeString(orphan, "x");
    Files.writeString(orphanThumbnail, "x");
    Files.writeString(foreign, "kept: not ours");
    try (PageIndex index = PageIndex.open(config(directory))) {
      assertThat(orphan).doesNotExist();
      assertThat(orphanThumbnail).doesNotExist();
      assertThat(foreign).exists();
      assertThat(index.pageImage("a", 1).orElseThrow()).exists();
    }
  }

  @Test
  void theTextIndexIsRebuiltFromThePageStoreWhenLost() throws Exception {
    try (PageIndex index = PageIndex.open(config(directory))) {
      put(index, "a", "h", 2);
    }
    try (PageIndex index = PageIndex.open(config(directory))) {
      put(index, "b", "h", 1); // prunes the change log up to what Lucene committed
    }
    try (var files = Files.walk(directory.resolve("text"))) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
    try (PageIndex index = PageIndex.open(config(directory))) {
      assertThat(index.searchText("river", 10, Set.of())).hasSize(3);
    }
  }

  @Test
  void concurrentReadersSeeWholeDocumentsWhileOneWriterWorks() throws Exception {
    int documents = 12;
    int pages = 3;
    try (PageIndex index = PageIndex.open(config(directory))) {
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      AtomicBoolean done = new AtomicBoolean();
      Runnable reader =
          () -> {
            try {
              while (!done.get()) {
                int[] count = new int[1];
                try (VectorReader vectors = index.vectors()) {
                  vectors.forEachPage(
                      id -> {
                        assertThat(vectors.half(id).byteSize()).isEqualTo(PageCodec.halfBytes(TOKENS, 16));
                        count[0]++;
                      });
                }
                assertThat(count[0] % pages).as("pages in a snapshot").isZero();
                Map<String, Integer> perDocument = new HashMap<>();
                for (TextHit hit : index.searchText("river", 100, Set.of())) {
                  assertThat(hit.snippet().matched()).contains("river");
                  perDocument.merge(hit.documentId(), 1, Integer::sum);
                }
                perDocument.forEach(
                    (id, n) -> assertThat(n).as("pages of %s", id).isEqualTo(pages));
              }
            } catch (Throwable t) {
              failures.add(t);
            }
          };
      List<Thread> readers = List.of(new Thread(reader), new Thread(reader));
      readers.forEach(Thread::start);
      for (int d = 0; d < documents; d++) {
        put(index, "doc" + (d % 5), "h" + d, pages);
      }
      done.set(true);
      for (Thread thread : readers) {
        thread.join();
      }
      assertThat(failures).isEmpty();
      assertThat(index.documents()).hasSize(5);
      assertThat(index.textIndex().pageCount(null)).isEqualTo(5 * pages);
    }
  }

  private List<Path> imageFiles() throws IOException {
    try (var files = Files.list(directory.resolve("images"))) {
      return files.toList();
    }
  }
}
