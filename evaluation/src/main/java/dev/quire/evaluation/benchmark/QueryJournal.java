package dev.quire.evaluation.benchmark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.evaluation.ScoredDoc;
import dev.quire.evaluation.format.FormatException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every finished search of a run, one JSON line each, appended and flushed as it finishes: a run
 * that is stopped resumes from here. A line cut short by a kill is dropped on opening (only that
 * search is redone); any other unreadable line is an error quoting the file and line.
 *
 * <p>Line: {@code {"variant": "...", "query": "...", "searchMs": 1.2, "encodeMs": 0.0,
 * "hits": [["page", 12.5], ...]}}, the variant being its name and {@link Variant#signature()}.
 */
final class QueryJournal implements Closeable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One search: the ranked pages and what it took. */
  record Entry(String variant, String queryId, List<ScoredDoc> hits, double searchMillis, double encodeMillis) {
    Entry {
      hits = List.copyOf(hits);
    }
  }

  private final Map<String, Entry> entries;
  private final BufferedWriter out;

  private QueryJournal(Map<String, Entry> entries, BufferedWriter out) {
    this.entries = entries;
    this.out = out;
  }

  /** Opens (or creates) a journal, reading what it holds. */
  static QueryJournal open(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Map<String, Entry> entries = new HashMap<>();
    if (Files.exists(file)) {
      dropUnfinishedLine(file);
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        long number = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          number++;
          if (!line.isBlank()) {
            Entry entry = parse(file, number, line);
            entries.put(key(entry.variant(), entry.queryId()), entry);
          }
        }
      }
    }
    BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return new QueryJournal(entries, out);
  }

  Optional<Entry> find(String variant, String queryId) {
    return Optional.ofNullable(entries.get(key(variant, queryId)));
  }

  /** Records a search and flushes it to the file. */
  void append(Entry entry) throws IOException {
    ObjectNode line = JSON.createObjectNode();
    line.put("variant", entry.variant());
    line.put("query", entry.queryId());
    line.put("searchMs", entry.searchMillis());
    line.put("encodeMs", entry.encodeMillis());
    ArrayNode hits = line.putArray("hits");
    for (ScoredDoc hit : entry.hits()) {
      hits.addArray().add(hit.docId()).add(hit.score());
    }
    out.write(JSON.writeValueAsString(line));
    out.write('\n');
    out.flush();
    entries.put(key(entry.variant(), entry.queryId()), entry);
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  private static String key(String variant, String queryId) {
    return variant + '\n' + queryId;
  }

  /** Cuts the file after its last line break: whatever follows was being written when it stopped. */
  private static void dropUnfinishedLine(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = channel.size();
      long keep = size;
      ByteBuffer one = ByteBuffer.allocate(1);
      while (keep > 0) {
        one.clear();
        channel.read(one, keep - 1);
        if (one.get(0) == '\n') {
          break;
        }
        keep--;
      }
      if (keep < size) {
        channel.truncate(keep);
      }
    }
  }

  private static Entry parse(Path file, long number, String line) throws FormatException {
    try {
      JsonNode node = JSON.readTree(line);
      JsonNode hits = node.path("hits");
      if (!node.path("variant").isTextual() || !node.path("query").isTextual() || !hits.isArray()
          || !node.path("searchMs").isNumber() || !node.path("encodeMs").isNumber()) {
        throw new FormatException(file.toString(), number, line,
            "not a journal line {\"variant\", \"query\", \"searchMs\", \"encodeMs\", \"hits\"}; remove the file"
                + " or run with --fresh");
      }
      List<ScoredDoc> docs = new ArrayList<>(hits.size());
      for (JsonNode hit : hits) {
        if (!hit.isArray() || hit.size() != 2 || !hit.get(0).isTextual() || !hit.get(1).isNumber()) {
          throw new FormatException(file.toString(), number, line, "a hit is not [\"page id\", score]");
        }
        docs.add(new ScoredDoc(hit.get(0).asText(), hit.get(1).asDouble()));
      }
      return new Entry(node.get("variant").asText(), node.get("query").asText(), docs,
          node.get("searchMs").asDouble(), node.get("encodeMs").asDouble());
    } catch (JsonProcessingException e) {
      throw new FormatException(file.toString(), number, line,
          "not valid JSON (" + e.getOriginalMessage() + "); remove the file or run with --fresh");
    }
  }
}
