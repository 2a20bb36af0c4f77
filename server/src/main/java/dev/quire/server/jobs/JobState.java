package dev.quire.server.jobs;

/** Where an indexing job is in its life. */
public enum JobState {
  /** Waiting for the collection's worker (also: submitted before a restart, not yet resumed). */
  QUEUED,
  RUNNING,
  /** Stopped by a shutdown; pages stored so far are kept and the job resumes at the next start. */
  INTERRUPTED,
  /** Every document was indexed (or already was). */
  COMPLETED,
  /** Some documents or pages were indexed and some could not be: the result lists them. */
  COMPLETED_WITH_ERRORS,
  /** Nothing could be indexed: the run threw, or every file was skipped. */
  FAILED,
  /** Stopped by a client; pages stored so far stay staged for a later run of the same files. */
  CANCELLED;

  public boolean finished() {
    return this == COMPLETED || this == COMPLETED_WITH_ERRORS || this == FAILED || this == CANCELLED;
  }
}
