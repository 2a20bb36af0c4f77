package dev.quire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import dev.quire.generation.backend.BackendSpec;
import dev.quire.model.ComputeDevice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigLoaderTest {

  @TempDir Path dir;

  @Test
  void withNothingSetTheServerIsLocalOpenAndServesTheSample() throws InvalidConfigException {
    ServerConfig config = ServerConfigLoader.load(null, Map.of(), Map.of());
    assertThat(config.http().host()).isEqualTo("127.0.0.1");
    assertThat(config.http().port()).isEqualTo(7860);
    assertThat(config.openAccess()).isTrue();
    assertThat(config.sample().enabled()).isTrue();
    assertThat(config.limits().maxUploadBytes()).isEqualTo(20L << 20);
    assertThat(config.rateLimit().window()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.model()).isNull();
  }

  @Test
  void flagsBeatVariablesWhichBeatTheFile() throws Exception {
    Path file = dir.resolve("quire.yaml");
    Files.writeString(file, "http:\n  port: 9000\n  host: 127.0.0.2\nlimits:\n  maxUploadBytes: 5MB\n");
    ServerConfig fileOnly = ServerConfigLoader.load(file, Map.of(), Map.of());
    assertThat(fileOnly.http().port()).isEqualTo(9000);
    assertThat(fileOnly.limits().maxUploadBytes()).isEqualTo(5L << 20);

    ServerConfig withEnv = ServerConfigLoader.load(file, Map.of("QUIRE_HTTP_PORT", "9100", "QUIRE_LIMITS_MAX_UPLOAD_BYTES", "1.5 KiB"), Map.of());
    assertThat(withEnv.http().port()).isEqualTo(9100);
    assertThat(withEnv.limits().maxUploadBytes()).isEqualTo(1536);
    assertThat(withEnv.http().host()).isEqualTo("127.0.0.2");

    ServerConfig withFlag = ServerConfigLoader.load(file, Map.of("QUIRE_HTTP_PORT", "9100"), Map.of("http.port", "9200"));
    assertThat(withFlag.http().port()).isEqualTo(9200);
  }

  @Test
  void generationBackendsAreNamedInTheFileOrGivenAsOneModel() throws Exception {
    Path file = dir.resolve("generation.yaml");
    Files.writeString(file, "generation:\n  backends:\n    small:\n      type: local\n"
        + "      model: /models/qwen3-vl-2b\n      device: cpu\n      maxQueued: 3\n"
        + "    large:\n      type: local\n      model: /models/qwen3-vl-8b\n      id: qwen3-vl-8b-instruct\n");
    ServerConfig config = ServerConfigLoader.load(file, Map.of(), Map.of());
    assertThat(config.generationBackends()).hasSize(2);
    BackendSpec.Local small = (BackendSpec.Local) config.generationBackends().get(0);
    assertThat(small.name()).isEqualTo("small");
    assertThat(small.modelId()).isEqualTo("qwen3-vl-2b");
    assertThat(small.device()).isEqualTo(ComputeDevice.CPU);
    assertThat(small.maxQueued()).isEqualTo(3);
    assertThat(((BackendSpec.Local) config.generationBackends().get(1)).modelId())
        .isEqualTo("qwen3-vl-8b-instruct");
    ServerConfig shorthand = ServerConfigLoader.load(null,
        Map.of("QUIRE_GENERATION_MODEL", "/models/qwen3-vl-4b"), Map.of());
    assertThat(shorthand.generationBackends()).singleElement()
        .extracting(BackendSpec::name).isEqualTo("local");
    assertThat(ServerConfigLoader.load(null, Map.of(), Map.of()).generationBackends()).isEmpty();
    Path tasks = dir.resolve("tasks.yaml");
    Files.writeString(tasks, Files.readString(file) + "  tasks:\n    classify: large\n");
    assertThat(ServerConfigLoader.load(tasks, Map.of(), Map.of()).taskBackends()).containsEntry("classify", "large");
    Path wrongTask = dir.resolve("wrong-task.yaml");
    Files.writeString(wrongTask, Files.readString(file) + "  tasks:\n    classify: huge\n");
    assertThatThrownBy(() -> ServerConfigLoader.load(wrongTask, Map.of(), Map.of()))
        .hasMessageContaining("generation.tasks.classify names backend 'huge'");

    Path remote = dir.resolve("remote.yaml");
    Files.writeString(remote, "generation:\n  backends:\n    gpu:\n      type: openai\n"
        + "      url: http://gpu-box:8000/v1\n      model: Qwen/Qwen3-VL-8B-Instruct\n"
        + "      api_key_env: GPU_KEY\n      timeout: 90s\n      maxConcurrent: 8\n");
    BackendSpec.OpenAi gpu = (BackendSpec.OpenAi) ServerConfigLoader.load(remote, Map.of(), Map.of())
        .generationBackends().getFirst();
    assertThat(gpu.url().toString()).isEqualTo("http://gpu-box:8000/v1");
    assertThat(gpu.modelId()).isEqualTo("Qwen/Qwen3-VL-8B-Instruct");
    assertThat(gpu.apiKeyEnv()).isEqualTo("GPU_KEY");
    assertThat(gpu.timeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(gpu.maxConcurrent()).isEqualTo(8);
    Path vllm = dir.resolve("vllm.yaml");
    Files.writeString(vllm, "generation:\n  backends:\n    gpu:\n      type: vllm\n      model: x\n");
    assertThatThrownBy(() -> ServerConfigLoader.load(vllm, Map.of(), Map.of()))
        .hasMessageContaining("generation.backends.gpu.type is 'vllm'; known types: local, openai");
    Path unknown = dir.resolve("unknown.yaml");
    Files.writeString(unknown, "generation:\n  backends:\n    a:\n      type: local\n      model: x\n      gpus: 2\n");
    assertThatThrownBy(() -> ServerConfigLoader.load(unknown, Map.of(), Map.of()))
        .hasMessageContaining("unknown field 'gpus'");
  }

  @Test
  void theTextModelIsBgeSmallNoneOrAFolder() throws Exception {
    assertThat(ServerConfigLoader.load(null, Map.of(), Map.of()).textModel()).isEqualTo("bge-small");
    assertThat(ServerConfigLoader.load(null, Map.of(), Map.of("textModel", " NONE ")).textModel()).isEqualTo("none");
    Path folder = Files.createDirectories(dir.resolve("bge-m3"));
    Files.writeString(folder.resolve("config.json"), "{}");
    assertThat(ServerConfigLoader.load(null, Map.of("QUIRE_TEXT_MODEL", folder.toString()), Map.of()).textModel())
        .isEqualTo(folder.toString());
    assertThatThrownBy(() -> ServerConfigLoader.load(null, Map.of(), Map.of("textModel", "bert")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("textModel: text model is bge-small, none or a BGE-M3 folder: 'bert' is not a folder");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> ServerConfigLoader.load(null, Map.of(), Map.of("textModel", empty.toString())))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("has no config.json");
  }

  @Test
  void variableNamesFollowTheSettingNames() {
    assertThat(ServerConfigLoader.variableOf("http.port")).isEqualTo("QUIRE_HTTP_PORT");
    assertThat(ServerConfigLoader.variableOf("limits.maxUploadBytes")).isEqualTo("QUIRE_LIMITS_MAX_UPLOAD_BYTES");
    assertThat(ServerConfigLoader.variableOf("apiKeys")).isEqualTo("QUIRE_API_KEYS");
  }

  @Test
  void badValuesAreRefusedNamingTheSettingAndWhereItCameFrom() throws IOException {
    assertThatThrownBy(() -> ServerConfigLoader.load(null, Map.of("QUIRE_HTTP_PORT", "eighty"), Map.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("http.port must be a whole number, got 'eighty'")
        .hasMessageContaining("environment variable QUIRE_HTTP_PORT");
    assertThatThrownBy(() -> ServerConfigLoader.load(null, Map.of(), Map.of("rateLimit.window", "soon")))
        .hasMessageContaining("rateLimit.window must be a duration");
    Path file = dir.resolve("typo.yaml");
    Files.writeString(file, "http:\n  prot: 80\n");
    assertThatThrownBy(() -> ServerConfigLoader.load(file, Map.of(), Map.of()))
        .hasMessageContaining("unknown setting 'http.prot'")
        .hasMessageContaining(file.toString());
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "http: [1, 2\n");
    assertThatThrownBy(() -> ServerConfigLoader.load(broken, Map.of(), Map.of()))
        .hasMessageContaining("not valid YAML");
    assertThatThrownBy(() -> ServerConfigLoader.load(null, Map.of(), Map.of("allowedRoots", dir.resolve("nope").toString())))
        .hasMessageContaining("allowedRoots").hasMessageContaining("not an existing folder");
  }

  @Test
  void keysComeFromTheEnvironmentHashedAndValidated() throws InvalidConfigException {
    ServerConfig config =
        ServerConfigLoader.load(null, Map.of("QUIRE_API_KEYS", "app:0123456789abcdef0123:a,b:write; ops:fedcba9876543210fedc:*:admin"), Map.of());
    assertThat(config.apiKeys()).hasSize(2);
    ServerConfig.ApiKeySpec app = config.apiKeys().get(0);
    assertThat(app.sha256()).isEqualTo(ServerConfigLoader.sha256Hex("0123456789abcdef0123"));
    assertThat(app.collections()).containsExactlyInAnyOrder("a", "b");
    assertThat(app.write()).isTrue();
    assertThat(config.apiKeys().get(1).admin()).isTrue();

    assertThatThrownBy(() -> ServerConfigLoader.load(null, Map.of("QUIRE_API_KEYS", "app:short:a:read"), Map.of()))
        .hasMessageContaining("shorter than 16").hasMessageNotContaining("short:");
    assertThatThrownBy(() -> ServerConfigLoader.load(null, Map.of("QUIRE_API_KEYS", "app:0123456789abcdef0123:Bad Name:read"), Map.of()))
        .hasMessageContaining("not a valid collection name");
    assertThatThrownBy(() -> ServerConfigLoader.load(null, Map.of("QUIRE_API_KEYS", "app:0123456789abcdef0123"), Map.of()))
        .hasMessageContaining("name:key:collections:access").hasMessageNotContaining("0123456789abcdef0123");
  }

  @Test
  void listeningBeyondLoopbackNeedsKeys() {
    assertThatThrownBy(() -> ServerConfigLoader.load(null, Map.of(), Map.of("http.host", "0.0.0.0")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("no API keys are configured");
  }

  @Test
  void theExampleFileIsValid() throws Exception {
    Path file = dir.resolve("example.yaml");
    try (InputStream in = QuireServer.class.getResourceAsStream("quire-serve.example.yaml")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Files.createDirectories(dir.resolve("docs"));
      Files.writeString(file, text.replace("/srv/documents", dir.resolve("docs").toString()));
    }
    ServerConfig config = ServerConfigLoader.load(file, Map.of(), Map.of());
    assertThat(config.apiKeys()).hasSize(3);
    assertThat(config.webhooks().enabled()).isTrue();
    assertThat(config.http().host()).isEqualTo("0.0.0.0");
  }
}
