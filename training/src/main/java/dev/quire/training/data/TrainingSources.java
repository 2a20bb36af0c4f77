package dev.quire.training.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.datasets.DocumentReader;
import dev.quire.datasets.DocumentRejectedException;
import dev.quire.datasets.LoadedDocument;
import dev.quire.datasets.ReaderConfig;
import dev.quire.samples.GroundTruth;
import dev.quire.samples.GroundTruthPage;
import dev.quire.samples.QuestionAnswer;
import dev.quire.samples.SyntheticCorpus;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Where training examples come from: the built-in synthetic corpus (its ground-truth questions,
 * each singling out one page), a folder of documents with a JSONL file of queries, a ViDoRe-train
 * Parquet table or a BEIR folder. Each checks every page it names (the file opens and the page
 * exists; a stored image's header reads) and skips, counts and names what it cannot use, instead
 * of failing a run hours in.
 */
public final class TrainingSources {
  private TrainingSources() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The synthetic corpus of {@code documents} documents generated from {@code seed} into {@code
   * folder} (kept there: a second call reads it), a share of its documents held out.
   */
  public static TrainingData synthetic(Path folder, int documents, long seed, double heldOutShare)
      throws IOException {
    if (!Files.isRegularFile(folder.resolve(GroundTruth.FILE_NAME))) {
      SyntheticCorpus.generate(folder, documents, seed);
    }
    List<TrainingExample> examples = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    int empty = 0;
    for (GroundTruthPage page : GroundTruth.read(folder)) {
      List<QuestionAnswer> questions = page.questions();
      for (int q = 0; q < questions.size(); q++) {
        String id = page.document() + "#" + page.page() + "#" + q;
        String text = questions.get(q).question();
        if (text == null || text.isBlank()) {
          empty++;
          skipped.add(id + ": empty query");
          continue;
        }
        examples.add(new TrainingExample(id, text, new PageRef.FilePage(folder.resolve(page.document()), page.page()), List.of()));
      }
    }
    return checked(examples, empty, skipped, heldOutShare, seed);
  }

  /**
   * Queries from a JSONL file, one object a line: {@code query}, {@code file} (relative to {@code
   * pages}), {@code page} (from 1), optional {@code id} and {@code negatives} (a list of {@code
   * {file, page}}). A line that is not such an object is skipped and named.
   */
  public static TrainingData queriesFile(Path pages, Path queries, long seed, double heldOutShare)
      throws IOException {
    List<TrainingExample> examples = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    int empty = 0;
    try (BufferedReader in = Files.newBufferedReader(queries, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        String where = queries.getFileName() + ":" + number;
        JsonNode row;
        try {
          row = JSON.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          skipped.add(where + ": not JSON (" + e.getOriginalMessage() + ")");
          continue;
        }
        String query = row.path("query").isTextual() ? row.get("query").asText() : null;
        if (query == null || query.isBlank()) {
          empty++;
          skipped.add(where + ": empty or missing query");
          continue;
        }
        try {
          PageRef positive = ref(pages, row);
          List<PageRef> negatives = new ArrayList<>();
          for (JsonNode negative : row.path("negatives")) {
            negatives.add(ref(pages, negative));
          }
          String id = row.path("id").isTextual() ? row.get("id").asText() : "line-" + number;
          examples.add(new TrainingExample(id, query, positive, negatives));
        } catch (IllegalArgumentException e) {
          skipped.add(where + ": " + e.getMessage());
        }
      }
    }
    return checked(examples, empty, skipped, heldOutShare, seed);
  }

  /**
   * A ViDoRe-train question-answer table (as {@code vidore/colpali_train_set}): the Parquet files
   * of {@code split} in {@code folder/data} or {@code folder}, one example per row with a {@code
   * query} and an {@code image}; an optional {@code neg_image} is the example's hard negative.
   * Pages are identified by {@code image_filename} (each row its own page without it) and grouped
   * into documents by a {@code doc_id} column, else by the file name without its page number, else
   * by page. Rows with an empty query or an unreadable image are skipped and named.
   */
  public static TrainingData vidore(Path folder, String split, long seed, double heldOutShare) throws IOException {
    return DatasetSources.vidore(folder, split, seed, heldOutShare);
  }

  /**
   * A BEIR folder ({@code corpus/}, {@code queries/}, {@code qrels/}, ViDoRe v2 or v3): one example
   * per query and page judged relevant (score above 0), pages grouped into documents by the
   * corpus's {@code doc-id}/{@code doc_id} column, else by page. Empty queries, pages without a
   * readable image and judged pages missing from the corpus are skipped and named.
   */
  public static TrainingData beir(Path folder, String split, long seed, double heldOutShare) throws IOException {
    return DatasetSources.beir(folder, split, seed, heldOutShare);
  }

  private static PageRef ref(Path pages, JsonNode node) {
    if (!node.path("file").isTextual() || !node.path("page").canConvertToInt()) {
      throw new IllegalArgumentException("needs a file (text) and a page (number): " + node);
    }
    Path file = pages.resolve(node.get("file").asText()).normalize();
    if (!file.startsWith(pages.normalize())) {
      throw new IllegalArgumentException("file '" + node.get("file").asText() + "' is outside " + pages);
    }
    return new PageRef.FilePage(file, node.get("page").asInt());
  }

  /**
   * Drops the examples that name a page that cannot be read (counted once per page), then splits
   * by document: a document's examples all train or all are held out.
   */
  private static TrainingData checked(List<TrainingExample> examples, int empty, List<String> skipped,
      double heldOutShare, long seed) {
    requireShare(heldOutShare);
    Map<Path, Integer> pageCounts = new HashMap<>();
    Map<Path, String> unreadableFiles = new HashMap<>();
    Set<PageRef> unreadable = new LinkedHashSet<>();
    try (DocumentReader reader = new DocumentReader(ReaderConfig.defaults().withOcr(false))) {
      List<TrainingExample> usable = new ArrayList<>();
      for (TrainingExample example : examples) {
        List<PageRef> named = new ArrayList<>(example.negatives());
        named.add(0, example.positive());
        String problem = null;
        for (PageRef ref : named) {
          // only the file sources come here; dataset pages are checked as their rows are read
          String why = check(reader, (PageRef.FilePage) ref, pageCounts, unreadableFiles);
          if (why != null) {
            if (unreadable.add(ref)) {
              skipped.add(ref + ": " + why);
            }
            problem = why;
          }
        }
        if (problem == null) {
          usable.add(example);
        }
      }
      return split(usable, new DataReport(usable.size(), empty, unreadable.size(), skipped), heldOutShare, seed);
    }
  }

  private static String check(DocumentReader reader, PageRef.FilePage ref, Map<Path, Integer> pageCounts,
      Map<Path, String> unreadableFiles) {
    if (unreadableFiles.containsKey(ref.file())) {
      return unreadableFiles.get(ref.file());
    }
    Integer count = pageCounts.get(ref.file());
    if (count == null) {
      try (LoadedDocument document = reader.open(ref.file())) {
        count = document.pageCount();
        pageCounts.put(ref.file(), count);
      } catch (DocumentRejectedException e) {
        unreadableFiles.put(ref.file(), e.reason().description());
        return e.reason().description();
      } catch (IOException e) {
        String why = "cannot be read (" + e.getMessage() + ")";
        unreadableFiles.put(ref.file(), why);
        return why;
      }
    }
    return ref.page() <= count ? null : "has " + count + " pages, not " + ref.page();
  }

  /**
   * Splits by document ({@link PageRef#document()} of the positive page): a seeded shuffle of the
   * sorted documents, the first share held out, so a document's examples all train or all are held
   * out.
   */
  static TrainingData split(List<TrainingExample> usable, DataReport report, double share, long seed) {
    TreeSet<String> documents = new TreeSet<>();
    usable.forEach(e -> documents.add(e.positive().document()));
    List<String> ordered = new ArrayList<>(documents);
    // a seeded shuffle of the sorted documents: the same split for the same files and seed
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = ordered.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      String t = ordered.get(i);
      ordered.set(i, ordered.get(j));
      ordered.set(j, t);
    }
    int held = share == 0 ? 0 : Math.max(1, (int) Math.round(ordered.size() * share));
    if (held >= ordered.size() && share > 0) {
      held = ordered.size() - 1; // never hold everything out
    }
    Set<String> heldOut = Set.copyOf(ordered.subList(0, Math.max(0, held)));
    List<TrainingExample> train = new ArrayList<>();
    List<TrainingExample> test = new ArrayList<>();
    for (TrainingExample e : usable) {
      (heldOut.contains(e.positive().document()) ? test : train).add(e);
    }
    return new TrainingData(train, test, report);
  }

  static void requireShare(double heldOutShare) {
    if (!(heldOutShare >= 0 && heldOutShare < 1)) {
      throw new IllegalArgumentException("the held-out share must be in [0, 1), got " + heldOutShare);
    }
  }
}
