package dev.quire.datasets.vidore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * One table of a Hugging Face dataset: the Parquet files of one split in one folder, e.g.
 * {@code corpus/test-00000-of-00003.parquet} and its siblings. Rows are streamed one row group at a
 * time and only the requested top-level columns are read, so image columns are never loaded unless
 * asked for and never more than one row group of them at once.
 *
 * <p>Read through parquet-java's {@link LocalInputFile}, never Hadoop's FileSystem.
 */
final class ParquetTable {

  private final Path folder;
  private final List<Path> files;
  private final MessageType schema;

  private ParquetTable(Path folder, List<Path> files, MessageType schema) {
    this.folder = folder;
    this.files = files;
    this.schema = schema;
  }

  /**
   * Opens the files {@code <split>-*.parquet} (or {@code <split>.parquet}) of a folder, in name
   * order, which is row order for Hugging Face shards.
   */
  static ParquetTable open(Path folder, String split) throws IOException {
    if (!Files.isDirectory(folder)) {
      throw new IOException("no folder " + folder);
    }
    List<Path> all;
    try (Stream<Path> listing = Files.list(folder)) {
      all = listing.filter(p -> p.getFileName().toString().endsWith(".parquet") && Files.isRegularFile(p))
          .sorted()
          .toList();
    }
    List<Path> files = all.stream()
        .filter(p -> {
          String name = p.getFileName().toString();
          return name.startsWith(split + "-") || name.equals(split + ".parquet");
        })
        .toList();
    if (files.isEmpty()) {
      throw new IOException("no Parquet file of split \"" + split + "\" (" + split + "-*.parquet) in " + folder
          + (all.isEmpty() ? "" : "; found " + all.stream().map(p -> p.getFileName().toString()).toList()));
    }
    MessageType schema;
    try (ParquetFileReader reader = openFile(files.getFirst())) {
      schema = reader.getFooter().getFileMetaData().getSchema();
    }
    return new ParquetTable(folder, files, schema);
  }

  Path folder() {
    return folder;
  }

  List<Path> files() {
    return files;
  }

  /** Rows in all files, from their footers (nothing else is read). */
  long rowCount() throws IOException {
    long rows = 0;
    for (Path file : files) {
      try (ParquetFileReader reader = openFile(file)) {
        rows += reader.getRecordCount();
      }
    }
    return rows;
  }

  boolean hasColumn(String name) {
    return schema.containsField(name);
  }

  /** Fails with the file and the columns present when a required column is missing. */
  void requireColumns(String... names) throws IOException {
    requireColumns(files.getFirst(), schema, names);
  }

  private static void requireColumns(Path file, MessageType schema, String... names) throws IOException {
    for (String name : names) {
      if (!schema.containsField(name)) {
        throw new IOException("column \"" + name + "\" missing from " + file + "; columns are "
            + schema.getFields().stream().map(Type::getName).toList());
      }
    }
  }

  /**
   * Streams the rows with only the given top-level columns. The stream holds an open file: close
   * it. Read errors surface as {@link UncheckedIOException} naming the file.
   */
  Stream<Group> rows(List<String> columns) {
    List<Type> fields = new ArrayList<>();
    for (String column : columns) {
      fields.add(schema.getType(column));
    }
    MessageType projection = new MessageType(schema.getName(), fields);
    RowIterator rows = new RowIterator(projection);
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(rows, Spliterator.ORDERED | Spliterator.NONNULL), false)
        .onClose(rows::close);
  }

  private static ParquetFileReader openFile(Path file) throws IOException {
    // PlainParquetConfiguration keeps parquet-java off Hadoop's Configuration for the options.
    ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
    try {
      return new ParquetFileReader(new LocalInputFile(file), options);
    } catch (RuntimeException e) {
      // parquet-java reports a bad footer as a RuntimeException naming only the InputFile object.
      throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private final class RowIterator implements Iterator<Group> {
    private final MessageType projection;
    private int fileIndex = -1;
    private Path file;
    private ParquetFileReader reader;
    private RecordReader<Group> records;
    private long remainingInGroup;

    RowIterator(MessageType projection) {
      this.projection = projection;
    }

    @Override
    public boolean hasNext() {
      try {
        return advance();
      } catch (IOException e) {
        close();
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public Group next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      remainingInGroup--;
      try {
        return records.read();
      } catch (RuntimeException e) {
        close();
        throw new UncheckedIOException(new IOException("cannot read a row of " + file + ": " + e.getMessage(), e));
      }
    }

    /** Moves to the next row group with rows, opening the next file when one ends. */
    private boolean advance() throws IOException {
      while (remainingInGroup == 0) {
        if (reader != null) {
          PageReadStore group;
          try {
            group = reader.readNextRowGroup();
            if (group != null) {
              MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
              records = new ColumnIOFactory().getColumnIO(projection, fileSchema)
                  .getRecordReader(group, new GroupRecordConverter(projection));
            }
          } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
          }
          if (group != null) {
            remainingInGroup = group.getRowCount();
            continue;
          }
          closeReader();
        }
        if (fileIndex + 1 >= files.size()) {
          return false;
        }
        file = files.get(++fileIndex);
        reader = openFile(file);
        // parquet-java would read a column absent from one shard as nulls; name the shard instead.
        requireColumns(file, reader.getFooter().getFileMetaData().getSchema(),
            projection.getFields().stream().map(Type::getName).toArray(String[]::new));
        reader.setRequestedSchema(projection);
      }
      return true;
    }

    void close() {
      remainingInGroup = 0;
      fileIndex = files.size();
      closeReader();
    }

    private void closeReader() {
      if (reader != null) {
        try {
          reader.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } finally {
          reader = null;
          records = null;
        }
      }
    }
  }

  // Field access on rows read with a projection; a null value has no repetition.

  /** A string column's value, or null. */
  static String string(Group row, String field) {
    return row.getFieldRepetitionCount(field) == 0 ? null : row.getString(field, 0);
  }

  /** An id column (string or integer) as text, or null. */
  static String id(Group row, String field) {
    if (row.getFieldRepetitionCount(field) == 0) {
      return null;
    }
    Type type = row.getType().getType(field);
    if (!type.isPrimitive()) {
      throw new IllegalStateException("column \"" + field + "\" is not an id: " + type);
    }
    PrimitiveType.PrimitiveTypeName kind = type.asPrimitiveType().getPrimitiveTypeName();
    return switch (kind) {
      case INT64 -> Long.toString(row.getLong(field, 0));
      case INT32 -> Integer.toString(row.getInteger(field, 0));
      case BINARY -> row.getString(field, 0);
      default -> throw new IllegalStateException("column \"" + field + "\" has type " + kind + ", not an id");
    };
  }

  /**
   * A numeric column's value as a long, or null; floating-point values are truncated toward zero,
   * as Python's {@code int()} does in the BEIR loaders.
   */
  static Long integer(Group row, String field) {
    if (row.getFieldRepetitionCount(field) == 0) {
      return null;
    }
    PrimitiveType.PrimitiveTypeName kind = row.getType().getType(field).asPrimitiveType().getPrimitiveTypeName();
    return switch (kind) {
      case INT64 -> row.getLong(field, 0);
      case INT32 -> (long) row.getInteger(field, 0);
      case DOUBLE -> (long) row.getDouble(field, 0);
      case FLOAT -> (long) row.getFloat(field, 0);
      default -> throw new IllegalStateException("column \"" + field + "\" has type " + kind + ", not a number");
    };
  }

  /**
   * The encoded bytes of a Hugging Face {@code Image} column (a struct of {@code bytes} and
   * {@code path}), or null when the row has none.
   */
  static byte[] imageBytes(Group row, String field) {
    if (row.getFieldRepetitionCount(field) == 0) {
      return null;
    }
    Group image = row.getGroup(field, 0);
    GroupType type = image.getType();
    if (!type.containsField("bytes") || image.getFieldRepetitionCount("bytes") == 0) {
      return null;
    }
    return image.getBinary("bytes", 0).getBytes();
  }

  /** The {@code path} of a Hugging Face {@code Image} column, or null. */
  static String imagePath(Group row, String field) {
    if (row.getFieldRepetitionCount(field) == 0) {
      return null;
    }
    Group image = row.getGroup(field, 0);
    return image.getType().containsField("path") && image.getFieldRepetitionCount("path") > 0
        ? image.getString("path", 0)
        : null;
  }
}
