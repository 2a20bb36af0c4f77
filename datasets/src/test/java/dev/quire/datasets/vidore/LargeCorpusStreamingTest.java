package dev.quire.datasets.vidore;

import static dev.quire.datasets.vidore.ParquetFixtures.writeTable;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus twice the size of the heap it is read with: the reader must stream row groups. Runs the
 * scan in a child JVM with -Xmx40m over 80 MB of incompressible page images.
 */
class LargeCorpusStreamingTest {

  private static final int PAGES = 160;
  private static final int IMAGE_BYTES = 512 * 1024;

  @Test
  void aCorpusLargerThanTheHeapStreams(@TempDir Path dir) throws Exception {
    writeV3Dataset(dir);
    String classpath = System.getProperty("surefire.real.class.path", System.getProperty("java.class.path"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(), "-Xmx40m", "--enable-native-access=ALL-UNNAMED",
        "-cp", classpath, CorpusScan.class.getName(), dir.toString())
        .redirectErrorStream(true)
        .start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("pages=" + PAGES + " bytes=" + (long) PAGES * IMAGE_BYTES);
  }

  /** Child JVM entry point: reads every page of a dataset and prints the count and bytes seen. */
  public static final class CorpusScan {
    public static void main(String[] args) throws IOException {
      EvalDataset dataset = EvalDataset.open(Path.of(args[0]));
      long pages = 0;
      long bytes = 0;
      try (Stream<CorpusPage> corpus = dataset.corpus()) {
        for (CorpusPage page : (Iterable<CorpusPage>) corpus::iterator) {
          pages++;
          bytes += page.imageBytes().remaining();
        }
      }
      System.out.println("pages=" + pages + " bytes=" + bytes + " queries=" + dataset.qrels().size());
    }
  }

  private static void writeV3Dataset(Path dir) throws IOException {
    MessageType corpus = MessageTypeParser.parseMessageType("""
        message schema {
          optional int64 corpus_id;
          optional group image { optional binary bytes; optional binary path (STRING); }
          optional binary markdown (STRING);
        }""");
    Random random = new Random(7);
    byte[] image = new byte[IMAGE_BYTES];
    Path corpusFile = Files.createDirectories(dir.resolve("corpus")).resolve("test-00000-of-00001.parquet");
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(corpusFile))
        .withType(corpus)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        // Hugging Face writes image tables in row groups of about 100 rows; 8 keeps each small here.
        .withRowGroupRowCountLimit(8)
        .withPageRowCountLimit(1)
        .build()) {
      SimpleGroupFactory rows = new SimpleGroupFactory(corpus);
      for (int i = 0; i < PAGES; i++) {
        random.nextBytes(image);
        Group row = rows.newGroup().append("corpus_id", (long) i).append("markdown", "page " + i);
        row.addGroup("image").append("bytes", Binary.fromConstantByteArray(image.clone()));
        writer.write(row);
      }
    }
    writeTable(dir.resolve("queries"), "message schema { optional int64 query_id; optional binary query (STRING); }",
        List.of(rowsOf -> rowsOf.append("query_id", 0L).append("query", "q")));
    writeTable(dir.resolve("qrels"),
        "message schema { optional int64 query_id; optional int64 corpus_id; optional int64 score; }",
        List.of(rowsOf -> rowsOf.append("query_id", 0L).append("corpus_id", 3L).append("score", 1L)));
  }
}
