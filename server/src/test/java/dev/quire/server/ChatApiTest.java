package dev.quire.server;

import static dev.quire.server.TestServers.ACME_READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import dev.quire.ColorTestEncoder;
import dev.quire.generation.backend.BackendSpec;
import dev.quire.generation.backend.Generators;
import dev.quire.generation.backend.RemoteChatGenerator;
import dev.quire.model.ComputeDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAI chat API of quire serve, driven by the official openai-java client against the
 * in-process tiny instruct checkpoint: whole and streamed answers equal transformers' greedy
 * answers (the goldens of tools/reference), an image as a data URL, models, and OpenAI-shaped
 * errors.
 */
class ChatApiTest {

  private static final Path INSTRUCT =
      Path.of("../model/src/test/resources/reference-instruct").toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path data;
  static Generators generators;
  static QuireServer server;
  static OpenAIClient client;
  static Http http;

  @BeforeAll
  static void start() throws IOException {
    generators = Generators.open(List.of(new BackendSpec.Local("small",
        INSTRUCT.resolve("instruct-tied"), null, ComputeDevice.CPU, 0, 2)));
    server = QuireServer.start(TestServers.config(data, Map.of()), new ColorTestEncoder(), generators);
    client = OpenAIOkHttpClient.builder()
        .baseUrl("http://127.0.0.1:" + server.port() + "/v1")
        .apiKey(ACME_READ)
        .maxRetries(0)
        .build();
    http = new Http(server.port(), ACME_READ);
  }

  @AfterAll
  static void stop() throws IOException {
    client.close();
    server.close();
    generators.close();
  }

  private static JsonNode golden(String name) throws IOException {
    return JSON.readTree(INSTRUCT.resolve("goldens/" + name + ".json").toFile()).get("rows").get(0);
  }

  private static ChatCompletionCreateParams.Builder systemUser(JsonNode golden) {
    return ChatCompletionCreateParams.builder()
        .model("instruct-tied")
        .addSystemMessage(golden.get("messages").get(0).get("content").asText())
        .addUserMessage(golden.get("messages").get(1).get("content").get(0).get("text").asText())
        .temperature(0.0)
        .maxCompletionTokens(32);
  }

  @Test
  void answersAsTransformersDoes() throws IOException {
    JsonNode golden = golden("instruct-tied-system-user");
    ChatCompletion completion = client.chat().completions().create(systemUser(golden).build());
    assertThat(completion.choices()).hasSize(1);
    assertThat(completion.choices().getFirst().message().content()).hasValue(
        golden.get("eos_stopped_text").asText());
    assertThat(completion.model()).isEqualTo("instruct-tied");
    assertThat(completion.usage().get().promptTokens()).isEqualTo(golden.get("prompt_ids").size());
    assertThat(completion.usage().get().completionTokens()).isEqualTo(golden.get("eos_stopped_ids").size());
    String finish = golden.get("stopped_at_eos").asBoolean() ? "stop" : "length";
    assertThat(completion.choices().getFirst().finishReason().asString()).isEqualTo(finish);
  }

  @Test
  void aRemoteBackendRelaysAnotherServersAnswer() throws IOException {
    // a second Quire whose backend is this one, over the OpenAI API: same answer, streamed too
    JsonNode golden = golden("instruct-tied-system-user");
    BackendSpec.OpenAi spec = new BackendSpec.OpenAi("upstream",
        java.net.URI.create("http://127.0.0.1:" + server.port() + "/v1"), "instruct-tied", "relayed",
        null, java.time.Duration.ofSeconds(30), 2, 2, 2);
    Path otherData = Files.createDirectories(data.resolve("relay"));
    try (Generators relay = new Generators(List.of(new RemoteChatGenerator(spec, ACME_READ)));
        QuireServer front = QuireServer.start(TestServers.config(otherData, Map.of()), new ColorTestEncoder(), relay)) {
      OpenAIClient frontClient = OpenAIOkHttpClient.builder()
          .baseUrl("http://127.0.0.1:" + front.port() + "/v1").apiKey(ACME_READ).maxRetries(0).build();
      ChatCompletion completion = frontClient.chat().completions().create(systemUser(golden).model("relayed").build());
      assertThat(completion.choices().getFirst().message().content()).hasValue(golden.get("eos_stopped_text").asText());
      StringBuilder text = new StringBuilder();
      try (StreamResponse<ChatCompletionChunk> stream =
          frontClient.chat().completions().createStreaming(systemUser(golden).model("relayed").build())) {
        stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
      }
      assertThat(text.toString()).isEqualTo(golden.get("eos_stopped_text").asText());
      frontClient.close();
    }
  }

  @Test
  void aJsonSchemaResponseFormatGivesValidJson() throws IOException {
    Map<String, Object> schema = Map.of("type", "object", "additionalProperties", false,
        "properties", Map.of("label", Map.of("enum", List.of("W-2", "invoice", "other")),
            "pages", Map.of("type", "integer")),
        "required", List.of("label", "pages"));
    Http.Response answered = http.post("/v1/chat/completions", Map.of("temperature", 0.8, "seed", 5,
        "max_tokens", 200, "response_format", Map.of("type", "json_schema",
            "json_schema", Map.of("name", "classification", "strict", true, "schema", schema)),
        "messages", List.of(Map.of("role", "user", "content", "Classify this document."))));
    assertThat(answered.status()).as(answered.body()).isEqualTo(200);
    JsonNode content = JSON.readTree(answered.json().path("choices").get(0).path("message").path("content").asText());
    assertThat(content.path("label").asText()).isIn("W-2", "invoice", "other");
    assertThat(content.path("pages").isIntegralNumber()).isTrue();
  }

  @Test
  void aClientThatHangsUpCancelsItsGeneration() throws Exception {
    // ignore_eos (vLLM's extension) keeps the tiny model going up to max_tokens unless cancelled
    String body = JSON.writeValueAsString(Map.of("stream", true, "ignore_eos", true, "max_tokens", 3500,
        "messages", List.of(Map.of("role", "user", "content", "Go on for a long time."))));
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
      byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "X-API-Key: " + ACME_READ + "\r\nContent-Type: application/json\r\nContent-Length: "
          + bytes.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
          socket.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
        // the status line and headers
      }
      assertThat(line).as("a first chunk").startsWith("data: ");
    } // hung up after the first chunk
    Path audit = data.resolve("audit.jsonl");
    JsonNode entry = null;
    for (int i = 0; i < 200 && entry == null; i++) {
      for (String record : Files.readAllLines(audit)) {
        JsonNode r = JSON.readTree(record);
        if (r.path("action").asText().equals("chat.completion")
            && r.path("details").path("finish_reason").asText().equals("cancelled")) {
          entry = r;
        }
      }
      Thread.sleep(100);
    }
    assertThat(entry).as("a cancelled chat.completion in the audit log").isNotNull();
    assertThat(entry.path("details").path("completion_tokens").asInt()).isLessThan(3500);
  }

  @Test
  void streamsTheSameAnswerInChunks() throws IOException {
    JsonNode golden = golden("instruct-tied-system-user");
    ChatCompletionCreateParams params = systemUser(golden)
        .streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder()
            .includeUsage(true).build())
        .build();
    StringBuilder text = new StringBuilder();
    List<String> finishes = new ArrayList<>();
    long[] usage = {-1};
    int chunks = 0;
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
      for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
        chunks++;
        for (ChatCompletionChunk.Choice choice : chunk.choices()) {
          choice.delta().content().ifPresent(text::append);
          choice.finishReason().ifPresent(f -> finishes.add(f.asString()));
        }
        chunk.usage().ifPresent(u -> usage[0] = u.completionTokens());
      }
    }
    assertThat(text.toString()).isEqualTo(golden.get("eos_stopped_text").asText());
    assertThat(chunks).isGreaterThan(3);
    assertThat(finishes).hasSize(1);
    assertThat(usage[0]).isEqualTo(golden.get("eos_stopped_ids").size());
  }

  @Test
  void readsAnImageGivenAsADataUrl() throws IOException {
    JsonNode golden = golden("instruct-tied-one-image");
    String png = Base64.getEncoder().encodeToString(Files.readAllBytes(INSTRUCT.resolve("images/photo.png")));
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
        .model("instruct-tied")
        .addUserMessageOfArrayOfContentParts(List.of(
            ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                    .url("data:image/png;base64," + png).build())
                .build()),
            ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder()
                .text("Describe the image.").build())))
        .temperature(0.0)
        .maxCompletionTokens(32)
        .build();
    ChatCompletion completion = client.chat().completions().create(params);
    assertThat(completion.choices().getFirst().message().content()).hasValue(
        golden.get("eos_stopped_text").asText());
    assertThat(completion.usage().get().promptTokens()).isEqualTo(golden.get("prompt_ids").size());
  }

  @Test
  void readsAPageQuireHoldsAndChecksTheCallerMayReadIt() throws Exception {
    Http writer = http.as(TestServers.ACME_WRITE);
    byte[] page = Files.readAllBytes(INSTRUCT.resolve("images/photo.png"));
    Http.Response submitted = writer.upload("/v1/index?collection=acme&create=true", Http.files("photo.png", page), Map.of());
    TestServers.awaitJob(writer, submitted.json().path("id").asText(), java.time.Duration.ofSeconds(60));
    String id = writer.get("/v1/documents?collection=acme").json().path("documents").get(0).path("document_id").asText();
    Map<String, Object> body = Map.of("temperature", 0, "max_tokens", 32, "messages", List.of(Map.of(
        "role", "user", "content", List.of(
            Map.of("type", "image_url", "image_url", Map.of("url", "quire://documents/" + id + "/pages/1?collection=acme")),
            Map.of("type", "text", "text", "Describe the image.")))));
    Http.Response answered = http.post("/v1/chat/completions", body);
    assertThat(answered.status()).as(answered.body()).isEqualTo(200);
    assertThat(answered.json().path("choices").get(0).path("message").path("content").asText()).isNotEmpty();
    // another tenant's key may not read acme's pages
    Http.Response foreign = http.as(TestServers.GLOBEX_WRITE).post("/v1/chat/completions", body);
    assertThat(foreign.status()).isEqualTo(403);
    assertThat(foreign.json().path("error").path("type").asText()).isEqualTo("permission_error");
    Http.Response missing = http.post("/v1/chat/completions", Map.of("messages", List.of(Map.of(
        "role", "user", "content", List.of(Map.of("type", "image_url", "image_url",
            Map.of("url", "quire://documents/" + id + "/pages/9?collection=acme")))))));
    assertThat(missing.status()).isEqualTo(404);
  }

  @Test
  void classifiesDocumentsInTheGatewaysShape() throws Exception {
    String png = Base64.getEncoder().encodeToString(Files.readAllBytes(INSTRUCT.resolve("images/photo.png")));
    Http.Response answered = http.post("/v1/classify", Map.of(
        "image_urls", List.of("data:image/png;base64," + png, "data:image/png;base64," + png),
        "prompt", "Two pages of one document."));
    assertThat(answered.status()).as(answered.body()).isEqualTo(200);
    JsonNode result = answered.json();
    assertThat(dev.quire.tasks.ClassifyTask.DEFAULT_LABELS).contains(result.path("type").asText());
    assertThat(result.path("confidence").asDouble()).isGreaterThan(0).isLessThanOrEqualTo(1);
    assertThat(result.path("page_count").asInt()).isEqualTo(2);
    assertThat(result.has("reasoning")).isTrue();
    assertThat(result.path("latency_ms").isIntegralNumber()).isTrue();

    Http.Response neither = http.post("/v1/classify", Map.of("prompt", "x"));
    assertThat(neither.status()).isEqualTo(400);
    assertThat(neither.errorCode()).isEqualTo("INVALID_REQUEST");
    Http.Response missing = http.post("/v1/classify", Map.of("document_id", "0123456789abcdef0123456789abcdef",
        "collection", "acme"));
    assertThat(missing.status()).isEqualTo(404);
  }

  @Test
  void extractsFieldsInTheGatewaysShape() throws Exception {
    String png = Base64.getEncoder().encodeToString(Files.readAllBytes(INSTRUCT.resolve("images/photo.png")));
    Http.Response answered = http.post("/v1/extract", Map.of(
        "image_urls", List.of("data:image/png;base64," + png, "data:image/png;base64," + png),
        "doc_type", "receipt"));
    assertThat(answered.status()).as(answered.body()).isEqualTo(200);
    JsonNode result = answered.json();
    assertThat(result.path("doc_type").asText()).isEqualTo("receipt");
    assertThat(result.path("data").isObject()).isTrue();
    assertThat(result.path("confidence").isObject()).isTrue();
    assertThat(result.path("page_count").asInt()).isEqualTo(2);
    assertThat(result.path("latency_ms").isIntegralNumber()).isTrue();
    for (JsonNode field : result.path("fields")) {
      assertThat(field.path("page").asInt()).isBetween(1, 2);
      assertThat(result.path("confidence").path(field.path("path").asText()).asDouble())
          .isEqualTo(field.path("confidence").asDouble());
    }

    Http.Response custom = http.post("/v1/extract", Map.of("image_urls", List.of("data:image/png;base64," + png),
        "schema", Map.of("type", "object", "properties", Map.of("caption", Map.of("type", "string", "maxLength", 12)))));
    assertThat(custom.status()).as(custom.body()).isEqualTo(200);
    assertThat(custom.json().path("doc_type").asText()).isEqualTo("custom");

    byte[] photo = Files.readAllBytes(INSTRUCT.resolve("images/photo.png"));
    Http.Response uploaded = http.upload("/v1/extract", Http.files("receipt.png", photo),
        Map.of("doc_type", "receipt", "prompt", "A till receipt."));
    assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(200);
    assertThat(uploaded.json().path("doc_type").asText()).isEqualTo("receipt");
    assertThat(uploaded.json().path("page_count").asInt()).isEqualTo(1);
    Http.Response uploadedClassify = http.upload("/v1/classify", Http.files("a.png", photo, "b.png", photo), Map.of());
    assertThat(uploadedClassify.status()).as(uploadedClassify.body()).isEqualTo(200);
    assertThat(uploadedClassify.json().path("page_count").asInt()).isEqualTo(2);
    Http.Response notADocument = http.upload("/v1/classify", Http.files("notes.txt",
        "just text".getBytes(java.nio.charset.StandardCharsets.UTF_8)), Map.of());
    assertThat(notADocument.status()).isEqualTo(415);
    Http.Response badSchemaField = http.upload("/v1/extract", Http.files("a.png", photo), Map.of("schema", "{nope"));
    assertThat(badSchemaField.status()).isEqualTo(400);
    assertThat(badSchemaField.body()).contains("schema field is not JSON");

    Http.Response unknownType = http.post("/v1/extract", Map.of("image_urls", List.of("data:image/png;base64," + png),
        "doc_type", "memo"));
    assertThat(unknownType.status()).isEqualTo(400);
    assertThat(unknownType.body()).contains("no built-in extraction schema for doc_type 'memo'");
    Http.Response badSchema = http.post("/v1/extract", Map.of("image_urls", List.of("data:image/png;base64," + png),
        "schema", Map.of("type", "objekt")));
    assertThat(badSchema.status()).isEqualTo(400);
    assertThat(badSchema.body()).contains("not valid JSON Schema");
    Http.Response reveal = http.post("/v1/extract", Map.of("image_urls", List.of("data:image/png;base64," + png),
        "doc_type", "W2", "reveal_identifiers", true));
    assertThat(reveal.status()).isEqualTo(403);
    assertThat(reveal.body()).contains("admin key");
  }

  @Test
  void answersQuestionsOverTheCollectionWithCheckedCitationsAndStreams() throws Exception {
    Http writer = http.as(TestServers.ACME_WRITE);
    byte[] page = Files.readAllBytes(INSTRUCT.resolve("images/wide.png"));
    Http.Response submitted = writer.upload("/v1/index?collection=acme&create=true", Http.files("wide.png", page), Map.of());
    TestServers.awaitJob(writer, submitted.json().path("id").asText(), java.time.Duration.ofSeconds(60));

    Http.Response answered = http.post("/v1/ask", Map.of("question", "What does the page show?",
        "collection", "acme", "k", 2));
    assertThat(answered.status()).as(answered.body()).isEqualTo(200);
    JsonNode answer = answered.json();
    assertThat(answer.path("question").asText()).isEqualTo("What does the page show?");
    assertThat(answer.path("answer").isTextual()).isTrue();
    assertThat(answer.path("found").isBoolean()).isTrue();
    assertThat(answer.path("sources").size()).isBetween(1, 2);
    JsonNode first = answer.path("sources").get(0);
    assertThat(first.path("number").asInt()).isEqualTo(1);
    assertThat(first.path("image_url").asText()).contains("/v1/documents/" + first.path("document_id").asText());
    for (JsonNode citation : answer.path("citations")) {
      assertThat(citation.path("number").asInt()).isBetween(1, answer.path("sources").size());
    }

    Http.Response streamed = http.post("/v1/ask", Map.of("question", "What does the page show?",
        "collection", "acme", "k", 1, "images", false, "stream", true));
    assertThat(streamed.status()).isEqualTo(200);
    String events = streamed.body();
    assertThat(events).startsWith("event: sources\n");
    assertThat(events).contains("event: answer\n");
    assertThat(events.indexOf("event: sources")).isLessThan(events.lastIndexOf("event: answer"));

    Http.Response empty = http.post("/v1/ask", Map.of("question", " ", "collection", "acme"));
    assertThat(empty.status()).isEqualTo(400);
    Http.Response tooMany = http.post("/v1/ask", Map.of("question", "x", "collection", "acme", "k", 50));
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.body()).contains("1..20");
    Http.Response foreign = http.post("/v1/ask", Map.of("question", "x", "collection", "globex"));
    assertThat(foreign.status()).isIn(403, 404);
  }

  @Test
  void labelsComeFromTheSettingsOrTheRequestAndEachKeyHasADailyPageQuota() throws Exception {
    Path quotaData = Files.createDirectories(data.resolve("quota"));
    Map<String, String> settings = Map.of("generation.tasks.labels", "memo, letter, other",
        "generation.quota.pagesPerDay", "3");
    String png = Base64.getEncoder().encodeToString(Files.readAllBytes(INSTRUCT.resolve("images/photo.png")));
    Map<String, Object> twoPages = Map.of("image_urls", List.of("data:image/png;base64," + png, "data:image/png;base64," + png));
    try (QuireServer limited = QuireServer.start(TestServers.config(quotaData, settings), new ColorTestEncoder(), generators)) {
      Http reader = new Http(limited.port(), ACME_READ);
      Http.Response first = reader.post("/v1/classify", twoPages);
      assertThat(first.status()).as(first.body()).isEqualTo(200);
      assertThat(first.json().path("type").asText()).isIn("memo", "letter", "other");
      assertThat(first.header("X-Quota-Remaining")).isEqualTo("1");
      Http.Response own = reader.post("/v1/classify", Map.of("image_urls", List.of("data:image/png;base64," + png),
          "labels", List.of("photo", "other")));
      assertThat(own.status()).as(own.body()).isEqualTo(200);
      assertThat(own.json().path("type").asText()).isIn("photo", "other");
      Http.Response over = reader.post("/v1/classify", twoPages);
      assertThat(over.status()).isEqualTo(429);
      assertThat(over.errorCode()).isEqualTo("QUOTA_EXCEEDED");
      assertThat(Long.parseLong(over.header("Retry-After"))).isBetween(1L, 86_401L);
      // another key has its own day
      Http.Response other = new Http(limited.port(), TestServers.ADMIN).post("/v1/classify", twoPages);
      assertThat(other.status()).as(other.body()).isEqualTo(200);
      Http.Response badLabels = reader.post("/v1/classify", Map.of("image_urls", List.of("data:image/png;base64," + png),
          "labels", List.of("a", "b")));
      assertThat(badLabels.status()).isEqualTo(400);
      assertThat(badLabels.body()).contains("'other'");
    }
    // the count survives a restart
    try (QuireServer restarted = QuireServer.start(TestServers.config(quotaData, settings), new ColorTestEncoder(), generators)) {
      Http.Response still = new Http(restarted.port(), ACME_READ).post("/v1/classify", twoPages);
      assertThat(still.status()).isEqualTo(429);
    }
    assertThatThrownBy(() -> TestServers.config(quotaData, Map.of("generation.tasks.labels", "memo,letter")))
        .hasMessageContaining("must include 'other'");
  }

  @Test
  void taskJobsRunOverACollectionReportProgressAndResumeAfterARestart() throws Exception {
    Path jobData = Files.createDirectories(data.resolve("jobs"));
    List<String> ids = new ArrayList<>();
    String jobId;
    try (QuireServer first = QuireServer.start(TestServers.config(jobData, Map.of()), new ColorTestEncoder(), generators)) {
      Http writer = new Http(first.port(), TestServers.ACME_WRITE);
      Http.Response indexed = writer.upload("/v1/index?collection=acme&create=true", Http.files(
          "photo.png", Files.readAllBytes(INSTRUCT.resolve("images/photo.png")),
          "wide.png", Files.readAllBytes(INSTRUCT.resolve("images/wide.png")),
          "tall.png", Files.readAllBytes(INSTRUCT.resolve("images/tall.png"))), Map.of());
      String indexJob = indexed.json().path("id").asText();
      TestServers.awaitJob(writer, indexJob, java.time.Duration.ofSeconds(60));
      for (JsonNode d : writer.get("/v1/documents?collection=acme").json().path("documents")) {
        ids.add(d.path("document_id").asText());
      }
      assertThat(ids).hasSize(3);

      Http reader = new Http(first.port(), ACME_READ);
      Http.Response submitted = reader.post("/v1/classify/jobs", Map.of("collection", "acme"));
      assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
      jobId = submitted.json().path("id").asText();
      assertThat(submitted.json().path("task").asText()).isEqualTo("classify");
      JsonNode done = TestServers.awaitJob(reader, jobId, java.time.Duration.ofSeconds(120));
      assertThat(done.path("state").asText()).isEqualTo("COMPLETED");
      assertThat(done.path("progress").path("documents_done").asInt()).isEqualTo(3);
      List<JsonNode> lines = new ArrayList<>();
      for (String line : reader.get("/v1/jobs/" + jobId + "/results").body().split("\n")) {
        lines.add(JSON.readTree(line));
      }
      assertThat(lines).extracting(l -> l.path("document_id").asText()).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(lines).allSatisfy(l -> assertThat(dev.quire.tasks.ClassifyTask.DEFAULT_LABELS).contains(l.path("type").asText()));

      Http.Response extractJob = reader.post("/v1/extract/jobs", Map.of("collection", "acme",
          "document_ids", List.of(ids.get(0)), "doc_type", "receipt"));
      assertThat(extractJob.status()).as(extractJob.body()).isEqualTo(202);
      JsonNode extracted = TestServers.awaitJob(reader, extractJob.json().path("id").asText(), java.time.Duration.ofSeconds(120));
      assertThat(extracted.path("state").asText()).isEqualTo("COMPLETED");
      JsonNode line = JSON.readTree(reader.get("/v1/jobs/" + extractJob.json().path("id").asText() + "/results").body());
      assertThat(line.path("doc_type").asText()).isEqualTo("receipt");
      assertThat(line.path("file_name").asText()).endsWith(".png");

      Http.Response unknown = reader.post("/v1/classify/jobs", Map.of("collection", "acme",
          "document_ids", List.of("0123456789abcdef0123456789abcdef")));
      assertThat(unknown.status()).isEqualTo(404);
      Http.Response badSchema = reader.post("/v1/extract/jobs", Map.of("collection", "acme", "doc_type", "memo"));
      assertThat(badSchema.status()).isEqualTo(400);
      Http.Response noResults = reader.get("/v1/jobs/" + indexJob + "/results");
      assertThat(noResults.status()).isEqualTo(404);
      assertThat(noResults.errorCode()).isEqualTo("JOB_HAS_NO_RESULTS");
    }
    // As a crash mid-job leaves it: the record says running, one document is written, a second half-written.
    Path jobs = jobData.resolve("collections/acme/jobs");
    if (!Files.isDirectory(jobs)) {
      try (var found = Files.walk(jobData)) {
        jobs = found.filter(p -> p.endsWith("jobs") && Files.isDirectory(p)).findFirst().orElseThrow();
      }
    }
    Path record = jobs.resolve(jobId + ".json");
    Path results = jobs.resolve(jobId + ".results.jsonl");
    ObjectNode running = (ObjectNode) JSON.readTree(record.toFile());
    running.put("state", "RUNNING");
    running.putNull("finished_at");
    Files.writeString(record, running.toString());
    List<String> written = Files.readAllLines(results);
    Files.writeString(results, written.get(0) + "\n" + written.get(1).substring(0, 20));
    try (QuireServer restarted = QuireServer.start(TestServers.config(jobData, Map.of()), new ColorTestEncoder(), generators)) {
      Http reader = new Http(restarted.port(), ACME_READ);
      JsonNode resumed = TestServers.awaitJob(reader, jobId, java.time.Duration.ofSeconds(120));
      assertThat(resumed.path("state").asText()).isEqualTo("COMPLETED");
      assertThat(resumed.path("attempts").asInt()).isEqualTo(2);
      List<String> after = reader.get("/v1/jobs/" + jobId + "/results").body().lines().toList();
      assertThat(after).hasSize(3);
      assertThat(after.getFirst()).isEqualTo(written.get(0));
      List<String> seen = new ArrayList<>();
      for (String line : after) {
        seen.add(JSON.readTree(line).path("document_id").asText());
      }
      assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
    }
  }

  @Test
  void withoutABackendClassifySaysHowToConfigureOne() throws Exception {
    Path otherData = Files.createDirectories(data.resolve("bare"));
    try (QuireServer bare = QuireServer.start(TestServers.config(otherData, Map.of()), new ColorTestEncoder())) {
      Http.Response refused = new Http(bare.port(), ACME_READ).post("/v1/classify",
          Map.of("image_urls", List.of("data:image/png;base64,AAAA")));
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.body()).contains("--generation-model");
    }
  }

  @Test
  void listsTheModelsAndRefusesUnknownOnesInOpenAiShape() {
    List<String> ids = new ArrayList<>();
    for (Model model : client.models().list().data()) {
      ids.add(model.id());
    }
    assertThat(ids).containsExactly("instruct-tied");
    NotFoundException missing = org.assertj.core.api.Assertions.catchThrowableOfType(NotFoundException.class,
        () -> client.chat().completions().create(ChatCompletionCreateParams.builder()
            .model("gpt-4o").addUserMessage("hi").build()));
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.getMessage()).contains("no backend serves model 'gpt-4o'");
  }

  @Test
  void badRequestsGetOpenAiErrors() {
    Http.Response many = http.post("/v1/chat/completions", Map.of("model", "instruct-tied", "n", 2,
        "messages", List.of(Map.of("role", "user", "content", "hi"))));
    assertThat(many.status()).isEqualTo(400);
    JsonNode error = many.json().get("error");
    assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.get("param").asText()).isEqualTo("n");
    assertThat(error.get("message").asText()).contains("n must be 1");

    Http.Response role = http.post("/v1/chat/completions", Map.of(
        "messages", List.of(Map.of("role", "wizard", "content", "hi"))));
    assertThat(role.status()).isEqualTo(400);
    assertThat(role.json().get("error").get("param").asText()).isEqualTo("messages[0].role");

    Http.Response image = http.post("/v1/chat/completions", Map.of("messages", List.of(Map.of(
        "role", "user", "content", List.of(Map.of("type", "image_url",
            "image_url", Map.of("url", "data:image/png;base64,bm90IGFuIGltYWdl")))))));
    assertThat(image.status()).isEqualTo(400);
    assertThat(image.json().get("error").get("message").asText()).isNotBlank();

    Http.Response anonymous = http.as(null).post("/v1/chat/completions", Map.of("messages", List.of()));
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.json().get("error").get("type").asText()).isEqualTo("authentication_error");

    Http.Response schema = http.post("/v1/chat/completions", Map.of("response_format",
        Map.of("type", "json_schema", "json_schema", Map.of("name", "x", "schema",
            Map.of("type", "string", "pattern", "^a$"))),
        "messages", List.of(Map.of("role", "user", "content", "hi"))));
    assertThat(schema.status()).isEqualTo(400);
    assertThat(schema.json().get("error").get("param").asText()).isEqualTo("response_format");
    assertThat(schema.json().get("error").get("message").asText()).contains("'pattern'");
  }
}
