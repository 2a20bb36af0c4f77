package dev.quire.server.jobs;

import dev.quire.server.collections.Collection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Runs a document-task job: the task over the job's documents, a JSON line per document appended
 * (and forced to disk) to {@code results}. Documents already in that file (a run interrupted by a
 * shutdown or a crash) are skipped, so a resumed job neither repeats nor loses one.
 */
public interface TaskExecutor {

  /** What a run did: documents answered, documents that failed, pages read, whether it stopped early. */
  record Outcome(List<String> done, List<JobRecord.Skipped> failed, int pages, boolean cancelled) {
    public Outcome {
      done = List.copyOf(done);
      failed = List.copyOf(failed);
    }
  }

  /** Reports each document as it starts and ends. */
  interface Progress {
    void started(String documentId, int pages);

    void finished(String documentId);
  }

  Outcome run(Collection collection, JobRecord job, Path results, Progress progress,
      BooleanSupplier cancelled) throws IOException;
}
