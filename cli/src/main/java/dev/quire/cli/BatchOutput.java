package dev.quire.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where a batch's records go: standard output, or a file that survives kill -9 and resumes.
 *
 * <p>A file is appended one document at a time: its records are written and forced to disk,
 * then a line naming the document and the file's new length goes to a journal beside it
 * ({@code FILE.progress}), forced too. A rerun truncates the file to the journal's last length
 * (dropping a document cut off mid-write) and skips the documents the journal names: nothing is
 * lost or written twice. The journal is removed when a batch completes; a file without one is
 * read for the documents it holds.
 */
final class BatchOutput implements Closeable {

  /** The formats a batch writes: a record per line, one JSON array, or CSV rows. */
  enum Format {
    JSONL, JSON, CSV;

    static Format parse(String value) {
      try {
        return valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--format is jsonl, json or csv, not " + value);
      }
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CsvMapper CSV = new CsvMapper();

  private final Format format;
  private final List<String> columns;
  private final String keyField;
  private final PrintWriter stdout;
  private final ArrayNode all;
  private final Path file;
  private final Path journal;
  private final FileChannel channel;
  private final FileChannel journalChannel;
  private final Set<String> done = new HashSet<>();

  private BatchOutput(Format format, List<String> columns, String keyField, PrintWriter stdout,
      Path file) throws IOException {
    this.format = format;
    this.columns = List.copyOf(columns);
    this.keyField = keyField;
    this.stdout = stdout;
    this.all = JSON.createArrayNode();
    this.file = file;
    if (file == null) {
      journal = null;
      channel = null;
      journalChannel = null;
      if (format == Format.CSV) {
        stdout.print(csvLine(columns));
      }
      return;
    }
    if (format == Format.JSON) {
      throw new IllegalArgumentException("--output writes jsonl or csv (a record per document,"
          + " resumable); json is one array, for standard output");
    }
    journal = file.resolveSibling(file.getFileName() + ".progress");
    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    journalChannel = FileChannel.open(journal, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    recover();
    if (channel.size() == 0 && format == Format.CSV) {
      write(channel, csvLine(columns));
    }
  }

  /** Records to standard output. */
  static BatchOutput stdout(Format format, List<String> csvColumns, String keyField, PrintWriter out)
      throws IOException {
    return new BatchOutput(format, csvColumns, keyField, out, null);
  }

  /** Records appended to {@code file}, resuming what a previous run left there. */
  static BatchOutput file(Format format, List<String> csvColumns, String keyField, PrintWriter out,
      Path file) throws IOException {
    return new BatchOutput(format, csvColumns, keyField, out, file);
  }

  /** The documents already written (a resumed file's). */
  Set<String> done() {
    return Set.copyOf(done);
  }

  /** Writes one document's records (a CSV row each); durable before this returns. */
  void append(String document, List<ObjectNode> records) throws IOException {
    StringBuilder text = new StringBuilder();
    for (ObjectNode record : records) {
      if (format == Format.CSV) {
        text.append(csvLine(row(record)));
      } else if (format == Format.JSONL) {
        text.append(JSON.writeValueAsString(record)).append('\n');
      } else {
        all.add(record);
      }
    }
    if (channel == null) {
      stdout.print(text);
      stdout.flush();
    } else {
      write(channel, text.toString());
      channel.force(false);
      write(journalChannel, channel.size() + "\t" + document.replace('\n', ' ') + "\n");
      journalChannel.force(false);
    }
    done.add(document);
  }

  /** The batch is complete: a JSON array is printed, the journal removed. */
  void finish() throws IOException {
    if (format == Format.JSON && channel == null) {
      stdout.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
      stdout.flush();
    }
    if (journal != null) {
      journalChannel.close();
      Files.deleteIfExists(journal);
    }
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
      journalChannel.close();
    }
  }

  private void recover() throws IOException {
    String[] lines = new String(read(journalChannel), StandardCharsets.UTF_8).split("\n", -1);
    long length = -1;
    StringBuilder whole = new StringBuilder();
    // the last element is what follows the last newline: empty, or a line the kill cut off
    for (int i = 0; i < lines.length - 1; i++) {
      int tab = lines[i].indexOf('\t');
      if (tab > 0) {
        length = Long.parseLong(lines[i].substring(0, tab));
        if (tab + 1 < lines[i].length()) {
          done.add(lines[i].substring(tab + 1));
        }
        whole.append(lines[i]).append('\n');
      }
    }
    if (length >= 0) {
      channel.truncate(length);
      journalChannel.truncate(0);
      write(journalChannel, whole.toString());
    } else {
      if (channel.size() > 0) {
        readCompleteFile();
      }
      // where this run starts, with what the file holds: a kill before the first document ends
      // is undone to here
      channel.force(false);
      StringBuilder baseline = new StringBuilder(channel.size() + "\t\n");
      for (String document : done) {
        baseline.append(channel.size()).append('\t').append(document).append('\n');
      }
      write(journalChannel, baseline.toString());
      journalChannel.force(false);
    }
    channel.position(channel.size());
    journalChannel.position(journalChannel.size());
  }

  /** A file from a completed batch (no journal): the documents it holds. */
  private void readCompleteFile() throws IOException {
    byte[] bytes = read(channel);
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--; // a line cut off (the file was not left by Quire, or by a kill before journals)
    }
    channel.truncate(end);
    String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
    if (format == Format.JSONL) {
      for (String line : text.split("\n")) {
        if (!line.isBlank()) {
          JsonNode record = JSON.readTree(line);
          done.add(record.path(keyField).asText());
        }
      }
    } else {
      try (BufferedReader in = new BufferedReader(new StringReader(text))) {
        var rows = CSV.readerFor(java.util.Map.class).with(CsvSchema.emptySchema().withHeader())
            .<java.util.Map<String, String>>readValues(in);
        while (rows.hasNext()) {
          done.add(rows.next().getOrDefault(keyField, ""));
        }
      }
    }
  }

  private static byte[] read(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
    channel.read(buffer, 0);
    return buffer.array();
  }

  private static void write(FileChannel channel, String text) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }

  private List<String> row(ObjectNode record) {
    return columns.stream().map(c -> {
      JsonNode value = record.get(c);
      return value == null || value.isNull() ? "" : value.isValueNode() ? value.asText() : value.toString();
    }).toList();
  }

  private static String csvLine(List<String> values) throws IOException {
    return CSV.writer(CsvSchema.emptySchema().withoutHeader()).writeValueAsString(values.toArray(new String[0]));
  }
}
