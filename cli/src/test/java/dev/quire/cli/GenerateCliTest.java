package dev.quire.cli;

import static dev.quire.cli.CliTest.quire;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code quire generate} on the tiny instruct checkpoints of tools/reference: the answer
 * transformers gives (ids, text, where it stops), streamed or as JSON, with and without an image;
 * bad input as a one-line error.
 */
class GenerateCliTest {

  private static final Path REFERENCE =
      Path.of("../model/src/test/resources/reference-instruct").toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode golden(String name) throws IOException {
    return JSON.readTree(REFERENCE.resolve("goldens/" + name + ".json").toFile()).get("rows").get(0);
  }

  private static List<Integer> ints(JsonNode array) {
    List<Integer> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asInt()));
    return out;
  }

  @Test
  void jsonGivesTransformersAnswerAndWhereItStopped() throws IOException {
    JsonNode golden = golden("instruct-tied-user");
    String prompt = golden.get("messages").get(0).get("content").asText();
    Result result = quire("generate", "--model", REFERENCE.resolve("instruct-tied").toString(),
        "--device", "cpu", "--greedy", "--json", prompt);
    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode json = JSON.readTree(result.out());
    assertThat(ints(json.get("prompt_token_ids"))).isEqualTo(ints(golden.get("prompt_ids")));
    assertThat(ints(json.get("token_ids"))).isEqualTo(ints(golden.get("eos_stopped_ids")));
    assertThat(json.get("text").asText()).isEqualTo(golden.get("eos_stopped_text").asText());
    assertThat(json.get("finish_reason").asText()).isEqualTo("stop");
    assertThat(json.get("logprobs")).hasSize(json.get("token_ids").size());
    assertThat(json.get("timings").get("prompt_tokens").asInt()).isEqualTo(golden.get("prompt_ids").size());
    assertThat(json.get("timings").has("decode_tokens_per_s")).isTrue();
  }

  @Test
  void streamsTheAnswerAndReadsImages() throws IOException {
    JsonNode golden = golden("instruct-untied-one-image");
    Result streamed = quire("generate", "--model", REFERENCE.resolve("instruct-untied").toString(),
        "--device", "cpu", "--temperature", "0", "--image",
        REFERENCE.resolve("images/photo.png").toString(), "Describe the image.");
    assertThat(streamed.exitCode()).as(streamed.err()).isZero();
    assertThat(streamed.out()).isEqualTo(golden.get("eos_stopped_text").asText() + System.lineSeparator());
    Result limited = quire("generate", "--model", REFERENCE.resolve("instruct-untied").toString(),
        "--device", "cpu", "--greedy", "--json", "--max-new-tokens", "4", "--logprobs", "2", "--image",
        REFERENCE.resolve("images/photo.png").toString(), "Describe the image.");
    JsonNode json = JSON.readTree(limited.out());
    assertThat(ints(json.get("token_ids"))).isEqualTo(ints(golden.get("greedy_ids")).subList(0, 4));
    assertThat(json.get("finish_reason").asText()).isEqualTo("length");
    assertThat(json.get("top_logprobs")).hasSize(4);
    assertThat(json.get("top_logprobs").get(0).get(0).get("token_id").asInt())
        .isEqualTo(json.get("token_ids").get(0).asInt());
  }

  @Test
  void samplingFollowsTheCheckpointAndASeedRepeatsIt() throws IOException {
    String model = REFERENCE.resolve("instruct-tied").toString();
    Result first = quire("generate", "--model", model, "--device", "cpu", "--json", "--seed", "3",
        "--max-new-tokens", "12", "Hello");
    Result second = quire("generate", "--model", model, "--device", "cpu", "--json", "--seed", "3",
        "--max-new-tokens", "12", "Hello");
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(JSON.readTree(first.out()).get("token_ids")).isEqualTo(JSON.readTree(second.out()).get("token_ids"));
    Result bad = quire("generate", "--model", model, "--top-p", "1.5", "Hello");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).contains("top-p lies in (0, 1]");
  }

  @Test
  void aSchemaGuidesTheAnswer() throws IOException {
    Path schema = java.nio.file.Files.createTempFile("schema", ".json");
    java.nio.file.Files.writeString(schema, "{\"type\": \"object\", \"properties\": {\"kind\":"
        + " {\"enum\": [\"invoice\", \"receipt\"]}, \"total\": {\"type\": \"number\"}},"
        + " \"required\": [\"kind\", \"total\"]}");
    Result result = quire("generate", "--model", REFERENCE.resolve("instruct-tied").toString(),
        "--device", "cpu", "--seed", "4", "--max-new-tokens", "120", "--json", "--schema",
        schema.toString(), "What is this?");
    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode answer = JSON.readTree(JSON.readTree(result.out()).get("text").asText());
    assertThat(answer.get("kind").asText()).isIn("invoice", "receipt");
    assertThat(answer.get("total").isNumber()).isTrue();
    java.nio.file.Files.writeString(schema, "{\"type\": \"string\", \"format\": \"date\"}");
    Result refused = quire("generate", "--model", REFERENCE.resolve("instruct-tied").toString(),
        "--schema", schema.toString(), "When?");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("keyword 'format' is outside the supported subset");
  }

  @Test
  void classifyGivesOneRecordPerDocumentAndKeepsGoingPastBadFiles() throws IOException {
    Result result = quire("classify", "--model", REFERENCE.resolve("instruct-tied").toString(),
        "--device", "cpu", REFERENCE.resolve("images/photo.png").toString(), "/no/such/scan.pdf",
        REFERENCE.resolve("images/tall.png").toString());
    assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
    List<JsonNode> records = new ArrayList<>();
    for (String line : result.out().strip().split("\n")) {
      records.add(JSON.readTree(line));
    }
    assertThat(records).hasSize(3);
    for (int i : new int[] {0, 2}) {
      JsonNode r = records.get(i);
      assertThat(dev.quire.tasks.ClassifyTask.DEFAULT_LABELS).contains(r.get("type").asText());
      assertThat(r.get("confidence").asDouble()).isGreaterThan(0).isLessThanOrEqualTo(1);
      assertThat(r.get("page_count").asInt()).isEqualTo(1);
    }
    assertThat(records.get(1).get("error").asText()).contains("/no/such/scan.pdf");
    Result labelled = quire("classify", "--model", REFERENCE.resolve("instruct-tied").toString(),
        "--device", "cpu", "--labels", "memo,letter,other", "--format", "json",
        REFERENCE.resolve("images/wide.png").toString());
    assertThat(labelled.exitCode()).as(labelled.err()).isZero();
    assertThat(JSON.readTree(labelled.out()).get(0).get("type").asText()).isIn("memo", "letter", "other");
  }

  @Test
  void extractGivesTheApisShapePerDocumentAndEmitsBuiltInSchemas(@org.junit.jupiter.api.io.TempDir Path dir)
      throws IOException {
    Result result = quire("extract", "--model", REFERENCE.resolve("instruct-tied").toString(),
        "--device", "cpu", "--doc-type", "receipt", REFERENCE.resolve("images/photo.png").toString(),
        "/no/such/receipt.png");
    assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
    String[] lines = result.out().strip().split("\n");
    assertThat(lines).hasSize(2);
    JsonNode first = JSON.readTree(lines[0]);
    assertThat(first.get("doc_type").asText()).isEqualTo("receipt");
    assertThat(first.get("data").isObject()).isTrue();
    assertThat(first.get("confidence").isObject()).isTrue();
    assertThat(first.get("page_count").asInt()).isEqualTo(1);
    for (JsonNode field : first.get("fields")) {
      assertThat(field.get("page").asInt()).isEqualTo(1);
      // a random model rambles: a long value's probability may underflow to 0
      JsonNode confidence = field.get("confidence");
      if (confidence.isNull()) {
        // only a value the token limit cut has no whole span to take a probability over
        assertThat(first.get("warnings").toString()).contains("cut off");
      } else {
        assertThat(confidence.asDouble()).isBetween(0.0, 1.0);
      }
    }
    assertThat(JSON.readTree(lines[1]).get("error").asText()).contains("/no/such/receipt.png");

    Path schema = dir.resolve("schema.json");
    java.nio.file.Files.writeString(schema, "{\"type\": \"object\", \"properties\": {\"title\": {\"type\": \"string\"}}}");
    Result custom = quire("extract", "--model", REFERENCE.resolve("instruct-tied").toString(),
        "--device", "cpu", "--schema", schema.toString(), "--format", "json",
        REFERENCE.resolve("images/wide.png").toString());
    assertThat(custom.exitCode()).as(custom.err()).isZero();
    assertThat(JSON.readTree(custom.out()).get(0).get("doc_type").asText()).isEqualTo("custom");

    Result emitted = quire("extract", "--emit-schema", "W-2");
    assertThat(emitted.exitCode()).isZero();
    assertThat(JSON.readTree(emitted.out()).at("/properties/employee_ssn/x-quire-kind").asText()).isEqualTo("ssn");
    Result unknown = quire("extract", "--emit-schema", "memo");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("no built-in extraction schema for doc_type 'memo'");
    java.nio.file.Files.writeString(schema, "{\"type\": \"objekt\"}");
    Result bad = quire("extract", "--model", REFERENCE.resolve("instruct-tied").toString(),
        "--schema", schema.toString(), REFERENCE.resolve("images/wide.png").toString());
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("not valid JSON Schema");
  }

  @Test
  void askAnswersOverAnIndexAndListsThePagesShown(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Path index = dir.resolve("index");
    Result indexed = quire("index", "--index", index.toString(), REFERENCE.resolve("images/photo.png").toString(),
        REFERENCE.resolve("images/wide.png").toString());
    assertThat(indexed.exitCode()).as(indexed.err()).isZero();
    Result asked = quire("ask", "--index", index.toString(), "--model", REFERENCE.resolve("instruct-tied").toString(),
        "--device", "cpu", "--pages", "2", "--no-images", "--json", "What", "is", "shown?");
    assertThat(asked.exitCode()).as(asked.err()).isZero();
    JsonNode answer = JSON.readTree(asked.out());
    assertThat(answer.path("question").asText()).isEqualTo("What is shown?");
    assertThat(answer.path("found").isBoolean()).isTrue();
    assertThat(answer.path("latency_ms").isIntegralNumber()).isTrue();
    Result noModel = quire("ask", "--index", index.toString(), "hello?");
    assertThat(noModel.exitCode()).isEqualTo(2);
    assertThat(noModel.err()).contains("needs --model DIR");
    Result noIndex = quire("ask", "--index", dir.resolve("none").toString(), "--model",
        REFERENCE.resolve("instruct-tied").toString(), "hello?");
    assertThat(noIndex.exitCode()).isNotZero();
    assertThat(noIndex.err()).contains("no index at");
  }

  @Test
  void aClassifyBatchKilledWithSigkillResumesWithoutDuplicates(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path folder = java.nio.file.Files.createDirectories(dir.resolve("scans"));
    for (int i = 0; i < 8; i++) {
      java.nio.file.Files.copy(REFERENCE.resolve(i % 2 == 0 ? "images/photo.png" : "images/wide.png"),
          folder.resolve("scan-" + i + ".png"));
    }
    java.nio.file.Files.writeString(folder.resolve("broken.pdf"), "%PDF-1.7 not really");
    Path results = dir.resolve("results.jsonl");
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
        "-cp", System.getProperty("java.class.path"), QuireCli.class.getName(), "classify", "--quiet",
        "--model", REFERENCE.resolve("instruct-tied").toString(), "--device", "cpu",
        "--output", results.toString(), folder.toString());
    Process child = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("child.log").toFile()).start();
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline && child.isAlive()
        && (!java.nio.file.Files.exists(results) || java.nio.file.Files.readAllLines(results).size() < 2)) {
      Thread.sleep(20);
    }
    boolean killedMidway = child.isAlive();
    child.destroyForcibly().waitFor();

    Result rerun = quire("classify", "--quiet", "--model", REFERENCE.resolve("instruct-tied").toString(),
        "--device", "cpu", "--output", results.toString(), folder.toString());
    // 1 when this run met broken.pdf, 0 when the killed run had already recorded its failure
    assertThat(rerun.exitCode()).as(rerun.err()).isIn(0, 1);
    if (killedMidway) {
      assertThat(rerun.out()).contains("already in " + results);
    }
    List<JsonNode> records = new ArrayList<>();
    for (String line : java.nio.file.Files.readAllLines(results)) {
      records.add(JSON.readTree(line));
    }
    assertThat(records).hasSize(9);
    assertThat(records.stream().map(r -> r.get("file").asText()).distinct()).hasSize(9);
    assertThat(records).filteredOn(r -> r.has("error")).singleElement()
        .satisfies(r -> assertThat(r.get("file").asText()).endsWith("broken.pdf"));
    assertThat(dir.resolve("results.jsonl.progress")).doesNotExist();

    Result csv = quire("classify", "--quiet", "--model", REFERENCE.resolve("instruct-tied").toString(),
        "--device", "cpu", "--format", "csv", REFERENCE.resolve("images/tall.png").toString());
    assertThat(csv.exitCode()).as(csv.err()).isZero();
    assertThat(csv.out()).startsWith("file,type,confidence,reasoning,page_count,latency_ms,warnings,error\n");
    assertThat(csv.out().lines()).hasSize(2);
    Result badFormat = quire("classify", "--model", REFERENCE.resolve("instruct-tied").toString(),
        "--format", "json", "--output", dir.resolve("x.json").toString(), folder.toString());
    assertThat(badFormat.exitCode()).isEqualTo(2);
    assertThat(badFormat.err()).contains("jsonl or csv");
  }

  @Test
  void evalTasksReplaysTheCommittedRecordingToTheCommittedScores(@org.junit.jupiter.api.io.TempDir Path dir)
      throws IOException {
    Result replayed = quire("eval", "tasks", "--builtin", "synthetic", "--replay", "builtin:tiny-random",
        "--quiet", "--out", dir.resolve("out").toString());
    assertThat(replayed.exitCode()).as(replayed.err() + replayed.out()).isZero();
    assertThat(replayed.out()).contains("## Classification", "## Extraction", "## Ask", "[OK]").doesNotContain("[FAIL]");
    assertThat(dir.resolve("out/confusion.png")).exists();
    assertThat(java.nio.file.Files.readString(dir.resolve("out/report.md")))
        .contains("`quire eval tasks --builtin synthetic --replay builtin:tiny-random");
    Result otherSettings = quire("eval", "tasks", "--replay", "builtin:tiny-random", "--documents", "3");
    assertThat(otherSettings.exitCode()).isEqualTo(2);
    assertThat(otherSettings.err()).contains("recorded with the defaults");
    Result noBackend = quire("eval", "tasks");
    assertThat(noBackend.exitCode()).isEqualTo(2);
    assertThat(noBackend.err()).contains("give one backend");
  }

  @Test
  void classifyAndExtractTheDocumentsASearchFinds(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path corpus = java.nio.file.Files.createDirectories(dir.resolve("corpus"));
    for (String[] doc : new String[][] {{"handbook.pdf", "The vacation policy grants twenty days."},
        {"invoice.pdf", "Invoice 42: total due 108 dollars."}, {"memo.pdf", "Vacation requests go to HR."}}) {
      writePdf(corpus.resolve(doc[0]), doc[1]);
    }
    Path index = dir.resolve("index");
    assertThat(quire("index", "--quiet", "--no-ocr", "--index", index.toString(), corpus.toString()).exitCode()).isZero();
    Result classified = quire("classify", "--quiet", "--index", index.toString(), "--search", "vacation",
        "--model", REFERENCE.resolve("instruct-tied").toString(), "--device", "cpu", "--format", "csv");
    assertThat(classified.exitCode()).as(classified.err()).isZero();
    List<String> lines = classified.out().lines().toList();
    assertThat(lines.getFirst()).startsWith("document_id,file,type,");
    assertThat(lines).hasSize(3);
    assertThat(String.join("\n", lines)).contains("handbook.pdf", "memo.pdf").doesNotContain("invoice.pdf");
    Result extracted = quire("extract", "--quiet", "--index", index.toString(), "--search", "invoice total",
        "--top", "1", "--doc-type", "invoice", "--model", REFERENCE.resolve("instruct-tied").toString(), "--device", "cpu");
    assertThat(extracted.exitCode()).as(extracted.err()).isZero();
    JsonNode record = JSON.readTree(extracted.out().strip());
    assertThat(record.get("file").asText()).endsWith("invoice.pdf");
    assertThat(record.get("document_id").asText()).isNotBlank();
    assertThat(record.get("doc_type").asText()).isEqualTo("invoice");
    Result both = quire("classify", "--index", index.toString(), "--search", "x", "--model",
        REFERENCE.resolve("instruct-tied").toString(), corpus.toString());
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("not both");
  }

  @Test
  void indexAndSearchWithTheShippedTextModelFindAParaphrase(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path corpus = java.nio.file.Files.createDirectories(dir.resolve("corpus"));
    for (String[] doc : new String[][] {{"invoice.pdf", "Balance due on this invoice: 1,240.00 dollars."},
        {"weather.pdf", "Tomorrow will be sunny with a light breeze."}}) {
      writePdf(corpus.resolve(doc[0]), doc[1]);
    }
    Path index = dir.resolve("index");
    Result indexed = quire("index", "--quiet", "--no-ocr", "--text-model", "bge-small", "--text-vectors", "float32",
        "--index", index.toString(), corpus.toString());
    assertThat(indexed.exitCode()).as(indexed.err()).isZero();
    Result hybrid = quire("search", "--index", index.toString(), "--text-model", "bge-small", "--first-stage",
        "hybrid", "--json", "-k", "1", "money", "owed");
    assertThat(hybrid.exitCode()).as(hybrid.err()).isZero();
    assertThat(JSON.readTree(hybrid.out()).at("/hits/0/file_name").asText()).isEqualTo("invoice.pdf");
    Result convex = quire("search", "--index", index.toString(), "--text-model", "bge-small", "--first-stage",
        "hybrid", "--fusion", "convex", "--dense-weight", "0.9", "--json", "-k", "1", "money", "owed");
    assertThat(convex.exitCode()).as(convex.err()).isZero();
    assertThat(JSON.readTree(convex.out()).at("/hits/0/file_name").asText()).isEqualTo("invoice.pdf");
    Result badFusion = quire("search", "--index", index.toString(), "--text-model", "bge-small", "--first-stage",
        "hybrid", "--fusion", "max", "money");
    assertThat(badFusion.exitCode()).isNotZero();
    assertThat(badFusion.err()).contains("expected rrf or convex");
    Result badWeight = quire("search", "--index", index.toString(), "--text-model", "bge-small", "--first-stage",
        "hybrid", "--dense-weight", "2", "money");
    assertThat(badWeight.exitCode()).isNotZero();
    assertThat(badWeight.err()).contains("dense weight must be in [0, 1], got 2.0");
    Result without = quire("search", "--index", index.toString(), "--first-stage", "dense", "money", "owed");
    assertThat(without.exitCode()).isNotZero();
    assertThat(without.err()).contains("no text embedding model was given");
    Result bad = quire("search", "--index", index.toString(), "--text-model", "bert", "x");
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.err()).contains("bge-small, none or a BGE-M3 folder").contains("'bert' is not a folder");

    Path later = dir.resolve("index-later");
    assertThat(quire("index", "--quiet", "--no-ocr", "--index", later.toString(), corpus.toString()).exitCode()).isZero();
    Result reembedded = quire("index", "--quiet", "--reembed-text", "--text-model", "bge-small", "--index", later.toString());
    assertThat(reembedded.exitCode()).as(reembedded.err()).isZero();
    assertThat(reembedded.out()).contains("Embedded the text of 2 pages");
    Result again = quire("index", "--quiet", "--reembed-text", "--text-model", "bge-small", "--index", later.toString());
    assertThat(again.out()).contains("Embedded the text of 0 pages");
    Result needsModel = quire("index", "--reembed-text", "--index", later.toString());
    assertThat(needsModel.exitCode()).isEqualTo(2);
    assertThat(needsModel.err()).contains("--text-model bge-small");
  }

  @Test
  void aBgeM3FolderIsTheTextModelAndAnIndexRefusesAnotherModel(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path bgeM3 = Path.of("../text-embedding/src/test/resources/dev/quire/textembedding/bge-m3/tiny-a")
        .toAbsolutePath().normalize();
    Path corpus = java.nio.file.Files.createDirectories(dir.resolve("corpus"));
    writePdf(corpus.resolve("invoice.pdf"), "Balance due on this invoice: 1,240.00 dollars.");
    writePdf(corpus.resolve("weather.pdf"), "Tomorrow will be sunny with a light breeze.");
    Path index = dir.resolve("index");
    Result indexed = quire("index", "--quiet", "--no-ocr", "--text-model", bgeM3.toString(),
        "--index", index.toString(), corpus.toString());
    assertThat(indexed.exitCode()).as(indexed.err()).isZero();
    Result dense = quire("search", "--index", index.toString(), "--text-model", bgeM3.toString(),
        "--first-stage", "dense", "--json", "-k", "2", "balance due");
    assertThat(dense.exitCode()).as(dense.err()).isZero();
    assertThat(JSON.readTree(dense.out()).at("/hits").size()).isEqualTo(2);
    // vectors of the tiny BGE-M3 are not bge-small's: the index says so
    Result other = quire("search", "--index", index.toString(), "--text-model", "bge-small",
        "--first-stage", "dense", "balance due");
    assertThat(other.exitCode()).isNotZero();
    assertThat(other.err()).contains("bge-m3");
    Path notAModel = java.nio.file.Files.createDirectories(dir.resolve("empty"));
    Result missing = quire("search", "--index", index.toString(), "--text-model", notAModel.toString(), "x");
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.err()).contains("has no config.json");
  }

  /** A one-page PDF whose text layer holds {@code text}. */
  private static void writePdf(Path file, String text) throws IOException {
    try (org.apache.pdfbox.pdmodel.PDDocument pdf = new org.apache.pdfbox.pdmodel.PDDocument()) {
      org.apache.pdfbox.pdmodel.PDPage page = new org.apache.pdfbox.pdmodel.PDPage();
      pdf.addPage(page);
      try (var content = new org.apache.pdfbox.pdmodel.PDPageContentStream(pdf, page)) {
        content.beginText();
        content.setFont(new org.apache.pdfbox.pdmodel.font.PDType1Font(
            org.apache.pdfbox.pdmodel.font.Standard14Fonts.FontName.HELVETICA), 14);
        content.newLineAtOffset(72, 700);
        content.showText(text);
        content.endText();
      }
      pdf.save(file.toFile());
    }
  }

  @Test
  void badInputIsAOneLineError() {
    Result noModel = quire("generate", "hello");
    assertThat(noModel.exitCode()).isEqualTo(2);
    assertThat(noModel.err()).contains("needs --model DIR");
    Result noImage = quire("generate", "--model", REFERENCE.resolve("instruct-tied").toString(),
        "--image", "/no/such/page.png", "hello");
    assertThat(noImage.exitCode()).isEqualTo(1);
    assertThat(noImage.err()).contains("cannot read image /no/such/page.png").doesNotContain("at dev.quire");
    Path retrieval = Path.of("../model/src/test/resources/reference/colqwen3-tiny-128").toAbsolutePath().normalize();
    Result notInstruct = quire("generate", "--model", retrieval.toString(), "hello");
    assertThat(notInstruct.exitCode()).isEqualTo(1);
    assertThat(notInstruct.err()).contains("no lm_head.weight").contains("cannot produce token logits");
  }
}
