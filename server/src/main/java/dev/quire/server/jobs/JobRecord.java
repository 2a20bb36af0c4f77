package dev.quire.server.jobs;

import java.time.Instant;
import java.util.List;

/**
 * An indexing job as stored in {@code <collection>/jobs/<id>.json}: enough to show it and to run
 * it again after a restart.
 *
 * @param origin {@code api} or {@code sample}
 * @param files the documents to index, absolute paths on the server
 * @param uploads the subset of {@code files} the job owns (uploaded or fetched), deleted when it
 *     finishes
 * @param attempts how many times the job was started (more than one after a restart)
 * @param task for a document-task job, the task and its options (null: an indexing job, whose
 *     {@code files} are paths; a task job's are document ids)
 * @param rejected files of the request that never became part of the job (an upload that is not
 *     a document we read, or over the size limit); they join the result's skipped files
 */
public record JobRecord(
    String id,
    String collection,
    JobState state,
    String origin,
    String submittedBy,
    String requestId,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    List<String> files,
    List<String> uploads,
    String webhookUrl,
    Progress progress,
    Result result,
    String error,
    int attempts,
    TaskJob task,
    List<Skipped> rejected) {

  public JobRecord {
    files = List.copyOf(files);
    uploads = List.copyOf(uploads);
    // records saved before rejected files were kept have none
    rejected = rejected == null ? List.of() : List.copyOf(rejected);
  }

  /**
   * @param pagesTotal pages of the documents started so far (a document's count is known once it
   *     is opened)
   */
  public record Progress(
      int documentsTotal,
      int documentsDone,
      int pagesDone,
      int pagesTotal,
      String currentDocument,
      int currentPage,
      int currentPages) {

    public static final Progress NONE = new Progress(0, 0, 0, 0, null, 0, 0);

    /** Share of the work done, 0..1: whole documents, plus the current one's pages. */
    public double fraction() {
      if (documentsTotal <= 0) {
        return 0;
      }
      double current = currentPages > 0 ? (double) currentPage / currentPages : 0;
      return Math.min(1, (documentsDone + current) / documentsTotal);
    }
  }

  /** What a finished run did. */
  public record Result(
      List<String> indexed,
      List<String> unchanged,
      List<Skipped> skipped,
      int pagesIndexed,
      int pagesResumed,
      int pagesEmbedded,
      List<String> notes,
      double seconds) {
    public Result {
      indexed = List.copyOf(indexed);
      unchanged = List.copyOf(unchanged);
      skipped = List.copyOf(skipped);
      notes = List.copyOf(notes);
    }
  }

  /** A file, or one page of it, that was not indexed; {@code reason} is a stable code. */
  public record Skipped(String file, int page, String reason, String message) {}

  /**
   * A document task run over a collection's documents: its name (classify, extract) and its
   * options as the request gave them (doc_type, schema, labels, prompt, reveal_identifiers, model).
   */
  public record TaskJob(String name, com.fasterxml.jackson.databind.JsonNode options) {}

  JobRecord with(JobState newState) {
    return new JobRecord(
        id, collection, newState, origin, submittedBy, requestId, createdAt, startedAt,
        finishedAt, files, uploads, webhookUrl, progress, result, error, attempts, task, rejected);
  }
}
