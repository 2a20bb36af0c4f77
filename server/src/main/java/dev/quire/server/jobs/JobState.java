package dev.quire.server.jobs;

/** Where an indexing job is in its life. */
public enum JobState {
  /** Waiting for the collection's worker (also: submitted before a restart, not yet resumed). */
  QUEUED,
  RUNNING,
  /** Stopped by a shutdown; pages stored so far are kept and the job resumes at the next start. */
  INTERRUPTED,
  COMPLETED,
  FAILED,
  /** Stopped by a client; pages stored so far stay staged for a later run of the same files. */
  CANCELLED;

  public boolean finished() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }
}
