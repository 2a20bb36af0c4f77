package dev.quire.samples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The ground truth of a synthetic corpus: {@value #FILE_NAME}, one JSON object per page. */
public final class GroundTruth {
  public static final String FILE_NAME = "ground-truth.jsonl";

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private GroundTruth() {}

  /** The pages of the corpus in {@code dir}, in file order. */
  public static List<GroundTruthPage> read(Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no synthetic-corpus ground truth here");
    }
    List<GroundTruthPage> pages = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          pages.add(JSON.readValue(line, GroundTruthPage.class));
        } catch (JsonProcessingException e) {
          throw new IOException(file + " line " + number + ": " + e.getOriginalMessage(), e);
        }
      }
    }
    return pages;
  }

  static void write(Path dir, List<GroundTruthPage> pages) throws IOException {
    try (BufferedWriter out =
        Files.newBufferedWriter(dir.resolve(FILE_NAME), StandardCharsets.UTF_8)) {
      for (GroundTruthPage page : pages) {
        out.write(JSON.writeValueAsString(page));
        out.write('\n');
      }
    }
  }
}
