package dev.quire.datasets.vidore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/** Small ViDoRe tables written by tests, one Parquet file per folder as Hugging Face names them. */
public final class ParquetFixtures {

  private ParquetFixtures() {}

  /** Writes {@code folder/test-00000-of-00001.parquet}: one row per filler, in order. */
  public static void writeTable(Path folder, String schema, List<Consumer<Group>> rows) throws IOException {
    MessageType type = MessageTypeParser.parseMessageType(schema);
    Path file = Files.createDirectories(folder).resolve("test-00000-of-00001.parquet");
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(type).build()) {
      SimpleGroupFactory factory = new SimpleGroupFactory(type);
      for (Consumer<Group> filler : rows) {
        Group row = factory.newGroup();
        filler.accept(row);
        writer.write(row);
      }
    }
  }
}
