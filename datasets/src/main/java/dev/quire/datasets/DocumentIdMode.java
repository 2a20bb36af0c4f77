package dev.quire.datasets;

/** How a document's id is derived. */
public enum DocumentIdMode {
  /** From the absolute, normalised path: the same file keeps its id when its content changes. */
  PATH,
  /** From the SHA-256 of the content: identical files share one id, so they dedupe. */
  CONTENT
}
