package dev.quire.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.server.jobs.JobRecord;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A document-task job's results: a JSON line per document, each forced to disk before the next
 * document starts. A run that resumes first cuts a line a crash left half-written, then skips the
 * documents the file already holds.
 */
final class ResultsFile implements Closeable {

  private final FileChannel channel;

  private ResultsFile(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * The documents {@code file} already holds (answered ones into {@code done}, failed ones into
   * {@code failed}), after cutting a half-written last line.
   */
  static Set<String> resume(Path file, ObjectMapper json, List<String> done, List<JobRecord.Skipped> failed)
      throws IOException {
    Set<String> seen = new HashSet<>();
    if (!Files.exists(file)) {
      return seen;
    }
    byte[] bytes = Files.readAllBytes(file);
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    if (end < bytes.length) {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(end);
      }
    }
    for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode record = json.readTree(line);
      String id = record.path("document_id").asText();
      if (seen.add(id)) {
        if (record.has("error")) {
          failed.add(new JobRecord.Skipped(id, 0, "TASK_FAILED", record.get("error").asText()));
        } else {
          done.add(id);
        }
      }
    }
    return seen;
  }

  static ResultsFile open(Path file) throws IOException {
    return new ResultsFile(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND));
  }

  void append(JsonNode line) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap((line.toString() + "\n").getBytes(StandardCharsets.UTF_8));
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
    channel.force(false);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
