package dev.quire.server.jobs;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A job as clients see it: file names rather than server paths (a document-task job's
 * {@code documents} are document ids, its {@code task} classify or extract; null for indexing).
 *
 * @param fraction share of the work done, 0..1
 * @param rejected files of the request refused before the job began (also in the result's
 *     skipped files once it ends)
 */
public record JobView(
    String id,
    String collection,
    JobState state,
    String submittedBy,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    List<String> documents,
    JobRecord.Progress progress,
    double fraction,
    JobRecord.Result result,
    String error,
    int attempts,
    String task,
    List<JobRecord.Skipped> rejected) {

  public static JobView of(JobRecord r) {
    return new JobView(
        r.id(),
        r.collection(),
        r.state(),
        r.submittedBy(),
        r.createdAt(),
        r.startedAt(),
        r.finishedAt(),
        r.files().stream().map(f -> String.valueOf(Path.of(f).getFileName())).toList(),
        r.progress(),
        r.state() == JobState.COMPLETED || r.state() == JobState.COMPLETED_WITH_ERRORS
            ? 1.0
            : r.progress().fraction(),
        r.result(),
        r.error(),
        r.attempts(),
        r.task() == null ? null : r.task().name(),
        r.rejected());
  }
}
