package dev.quire.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * How many pages each key has had the model read today (UTC), against a daily limit: the
 * document tasks are the expensive calls, so they are counted in pages shown. The counts are
 * written through to a file in the data folder (replaced atomically), so a restart does not
 * hand out a second day's worth.
 */
final class TaskQuota {

  /** Whether a charge fits, what is left, and when the day turns. */
  record Decision(boolean allowed, long limit, long remaining, long retryAfterSeconds) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final long pagesPerDay;
  private final Clock clock;
  private LocalDate day;
  private final Map<String, Long> used = new HashMap<>();

  TaskQuota(Path file, long pagesPerDay, Clock clock) {
    this.file = file;
    this.pagesPerDay = pagesPerDay;
    this.clock = clock;
    this.day = today();
    if (pagesPerDay > 0 && Files.isRegularFile(file)) {
      try {
        JsonNode saved = JSON.readTree(file.toFile());
        if (day.toString().equals(saved.path("day").asText())) {
          saved.path("used").properties().forEach(e -> used.put(e.getKey(), e.getValue().asLong()));
        }
      } catch (IOException e) {
        // an unreadable file counts nothing: the limit still holds from here on
      }
    }
  }

  boolean limited() {
    return pagesPerDay > 0;
  }

  /** Charges {@code pages} to {@code key} if they fit in today's limit. */
  synchronized Decision charge(String key, int pages) {
    long retry = Duration.between(clock.instant(), today().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC))
        .toSeconds() + 1;
    if (pagesPerDay <= 0) {
      return new Decision(true, 0, Long.MAX_VALUE, 0);
    }
    if (!today().equals(day)) {
      day = today();
      used.clear();
    }
    long spent = used.getOrDefault(key, 0L);
    if (spent + pages > pagesPerDay) {
      return new Decision(false, pagesPerDay, pagesPerDay - spent, retry);
    }
    used.put(key, spent + pages);
    save();
    return new Decision(true, pagesPerDay, pagesPerDay - spent - pages, retry);
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  private void save() {
    ObjectNode state = JSON.createObjectNode();
    state.put("day", day.toString());
    ObjectNode counts = state.putObject("used");
    used.forEach(counts::put);
    try {
      Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(temporary, state.toString());
      try {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("saving the task quota to " + file, e);
    }
  }
}
