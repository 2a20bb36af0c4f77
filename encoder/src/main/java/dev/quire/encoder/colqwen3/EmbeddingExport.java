package dev.quire.encoder.colqwen3;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.model.AtomicFiles;
import dev.quire.encoder.MultiVector;
import dev.quire.model.safetensors.SafetensorsWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Writes the embeddings of images or queries to a file, so anyone can compare Quire with another
 * implementation on their own inputs ({@code quire embed}).
 *
 * <p>Safetensors ({@code .safetensors}): the layout colpali-engine returns, left-padded to the
 * longest input: {@code embeddings} F32 [n, length, dim] (zero rows on padding),
 * {@code attention_mask} I64 [n, length], {@code input_ids} I64 [n, length] (padded with
 * {@code <|endoftext|>}), and for images {@code image_grid_thw} I64 [n, 3]; the metadata holds
 * the model name, checkpoint hash, kind, query prefix and the inputs (a JSON list). JSON
 * ({@code .json}): the same per input, unpadded.
 */
public final class EmbeddingExport {

  /** File formats, chosen by the output's extension. */
  public enum Format { SAFETENSORS, JSON }

  private EmbeddingExport() {}

  /** JSON for a {@code .json} file name, safetensors otherwise. */
  public static Format formatOf(Path out) {
    return out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")
        ? Format.JSON : Format.SAFETENSORS;
  }

  /** Embeds the image files and writes them to {@code out}. */
  public static void writeImages(ColQwen3Encoder encoder, List<Path> images, Path out)
      throws IOException {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("no images to embed");
    }
    List<BufferedImage> pages = new ArrayList<>();
    for (Path image : images) {
      pages.add(readImage(image));
    }
    List<String> names = images.stream().map(Path::toString).toList();
    write(encoder, "images", names, encoder.embedPages(pages), out);
  }

  /** Embeds the queries and writes them to {@code out}. */
  public static void writeQueries(ColQwen3Encoder encoder, List<String> queries, Path out)
      throws IOException {
    if (queries.isEmpty()) {
      throw new IllegalArgumentException("no queries to embed");
    }
    write(encoder, "queries", queries, encoder.embedQueries(queries), out);
  }

  static BufferedImage readImage(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("image " + file + " does not exist");
    }
    BufferedImage image = ImageIO.read(file.toFile());
    if (image == null) {
      throw new IOException("image " + file + ": no ImageIO reader understands this format");
    }
    return image;
  }

  private static void write(ColQwen3Encoder encoder, String kind, List<String> inputs,
      List<EmbeddedInput> embedded, Path out) throws IOException {
    ObjectMapper json = new ObjectMapper();
    String prefix = kind.equals("queries") ? encoder.options().queryPrefix() : "";
    if (formatOf(out) == Format.JSON) {
      ObjectNode root = json.createObjectNode();
      root.put("model", encoder.info().name());
      root.put("checkpoint_hash", encoder.info().checkpointHash());
      root.put("dimension", encoder.info().dimension());
      root.put("kind", kind);
      if (kind.equals("queries")) {
        root.put("query_prefix", prefix);
      }
      ArrayNode items = root.putArray("items");
      for (int i = 0; i < embedded.size(); i++) {
        EmbeddedInput e = embedded.get(i);
        ObjectNode item = items.addObject();
        item.put("input", inputs.get(i));
        ArrayNode ids = item.putArray("input_ids");
        for (int id : e.tokenIds()) {
          ids.add(id);
        }
        int[] grid = e.imageGrid();
        if (grid != null) {
          ArrayNode thw = item.putArray("image_grid_thw");
          for (int g : grid) {
            thw.add(g);
          }
        }
        ArrayNode rows = item.putArray("embeddings");
        MultiVector v = e.vectors();
        for (int t = 0; t < v.tokens(); t++) {
          ArrayNode row = rows.addArray();
          for (float f : v.token(t)) {
            row.add(f);
          }
        }
      }
      AtomicFiles.write(out, stream -> json.enable(SerializationFeature.INDENT_OUTPUT).writeValue(stream, root));
      return;
    }
    int n = embedded.size();
    int dim = encoder.info().dimension();
    int length = embedded.stream().mapToInt(e -> e.tokenIds().length).max().orElseThrow();
    float[] vectors = new float[n * length * dim];
    long[] mask = new long[n * length];
    long[] ids = new long[n * length];
    long[] grids = new long[n * 3];
    Arrays.fill(ids, encoder.padTokenId());
    for (int i = 0; i < n; i++) {
      EmbeddedInput e = embedded.get(i);
      int[] tokens = e.tokenIds();
      int pad = length - tokens.length; // left padding, as colpali's processor
      for (int t = 0; t < tokens.length; t++) {
        ids[i * length + pad + t] = tokens[t];
        mask[i * length + pad + t] = 1;
      }
      System.arraycopy(e.vectors().values(), 0, vectors, (i * length + pad) * dim, tokens.length * dim);
      int[] grid = e.imageGrid(); // a copy per call
      if (grid != null) {
        for (int g = 0; g < 3; g++) {
          grids[i * 3 + g] = grid[g];
        }
      }
    }
    SafetensorsWriter writer = new SafetensorsWriter()
        .metadata("model", encoder.info().name())
        .metadata("checkpoint_hash", encoder.info().checkpointHash())
        .metadata("kind", kind)
        .metadata("query_prefix", prefix)
        .metadata("inputs", json.writeValueAsString(inputs))
        .putF32("embeddings", new long[] {n, length, dim}, vectors)
        .putI64("attention_mask", new long[] {n, length}, mask)
        .putI64("input_ids", new long[] {n, length}, ids);
    if (kind.equals("images")) {
      writer.putI64("image_grid_thw", new long[] {n, 3}, grids);
    }
    writer.write(out);
  }
}
