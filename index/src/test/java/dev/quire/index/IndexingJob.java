package dev.quire.index;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The indexing job run (and killed) by {@link CrashRecoveryTest} in a child JVM: indexes documents
 * 0..n-1 at one version, resuming staged pages, skipping documents already at that version, and
 * prints {@code ACK <id>} after each commit returns.
 */
public final class IndexingJob {
  static final int TOKENS = 4;

  private IndexingJob() {}

  static String id(int document) {
    return "doc-" + document;
  }

  static int pages(int document, int version) {
    return version == 1 ? 2 + document % 3 : 1 + document % 4;
  }

  /** A word that appears only in this document at this version. */
  static String marker(int document, int version) {
    return "d" + document + "v" + version;
  }

  static String text(int document, int version, int page) {
    return "Report " + marker(document, version) + " page " + page + " about harbours.";
  }

  static long seed(int document, int version, int page) {
    return Fixtures.seed(id(document) + "@" + version, page);
  }

  static PageRecord page(int document, int version, int page) {
    return new PageRecord(
        page,
        text(document, version, page),
        "pdf",
        Fixtures.image(24, 32, seed(document, version, page)),
        Fixtures.vectors(seed(document, version, page), TOKENS));
  }

  public static void main(String[] args) throws Exception {
    Path directory = Path.of(args[0]);
    int documents = Integer.parseInt(args[1]);
    int version = Integer.parseInt(args[2]);
    String hash = "v" + version;
    try (PageIndex index = PageIndex.open(Fixtures.config(directory))) {
      for (int d = 0; d < documents; d++) {
        String id = id(d);
        Optional<DocumentRecord> existing = index.document(id);
        if (existing.isPresent() && existing.get().contentHash().equals(hash)) {
          continue;
        }
        int pages = pages(d, version);
        try (DocumentWriter writer =
            index.write(Fixtures.document(id, hash, pages), Fixtures.MODEL)) {
          Set<Integer> staged = writer.stagedPages();
          for (int p = 1; p <= pages; p++) {
            if (!staged.contains(p)) {
              writer.addPage(page(d, version, p));
            }
          }
          writer.commit();
        }
        System.out.println("ACK " + id);
        System.out.flush();
      }
    }
    System.out.println("DONE");
  }
}
