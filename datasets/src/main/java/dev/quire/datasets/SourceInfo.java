package dev.quire.datasets;

import java.nio.file.Path;

/**
 * What identifies a source file, known without decoding any page.
 *
 * @param documentId stable id, see {@link DocumentIdMode}
 * @param path the file as given (absolute and normalised)
 * @param contentHash SHA-256 of the file's bytes, lowercase hex
 * @param sizeBytes file size
 * @param mediaType detected from the magic bytes, e.g. {@code application/pdf}, {@code image/png}
 */
public record SourceInfo(
    String documentId, Path path, String contentHash, long sizeBytes, String mediaType) {}
