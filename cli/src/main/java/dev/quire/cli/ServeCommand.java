package dev.quire.cli;

import dev.quire.encoder.colqwen3.ColQwen3Encoder;
import dev.quire.generation.backend.Generators;
import dev.quire.server.InvalidConfigException;
import dev.quire.server.QuireServer;
import dev.quire.server.ServerConfig;
import dev.quire.server.ServerConfigLoader;
import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the HTTP API and the web UI until stopped (Ctrl+C or SIGTERM stop it gracefully). */
@Command(
    name = "serve",
    description = {
      "Serve the HTTP API and the web UI (default http://127.0.0.1:7860/).",
      "With no settings, the first start generates and indexes a sample corpus in the background.",
      "Settings come from a YAML file (--config or $QUIRE_CONFIG), QUIRE_* variables and flags;",
      "every setting's variable is QUIRE_ plus its name in upper snake case (http.port:",
      "QUIRE_HTTP_PORT). API keys: QUIRE_API_KEYS=name:key:collections:read|write|admin;..."
    })
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "Settings file (YAML or JSON).")
  Path config;

  @Option(names = "--host", description = "Address to listen on (default 127.0.0.1).")
  String host;

  @Option(names = "--port", description = "Port (default 7860).")
  Integer port;

  @Option(names = "--data", paramLabel = "DIR", description = "Data folder (default ./quire-data).")
  Path data;

  @Option(
      names = "--allowed-root",
      paramLabel = "DIR",
      description = "A server folder index requests may name (repeatable).")
  List<Path> allowedRoots;

  @Mixin ModelOptions model;

  @Option(names = "--no-sample", description = "Do not generate and index the sample corpus.")
  boolean noSample;

  @Option(names = "--generation-model", paramLabel = "DIR",
      description = "A Qwen3-VL instruct checkpoint that answers /v1/chat/completions in process"
          + " (a backend named local; more in the settings file's generation.backends).")
  Path generationModel;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    if (host != null) {
      flags.put("http.host", host);
    }
    if (port != null) {
      flags.put("http.port", port.toString());
    }
    if (data != null) {
      flags.put("dataDirectory", data.toString());
    }
    if (allowedRoots != null) {
      flags.put(
          "allowedRoots",
          allowedRoots.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
    }
    if (model.model != null) {
      flags.put("model", model.model.toString());
    }
    if (noSample) {
      flags.put("sample.enabled", "false");
    }
    if (generationModel != null) {
      flags.put("generation.model", generationModel.toString());
    }
    Map<String, String> env = System.getenv();
    Path file =
        config != null
            ? config
            : env.containsKey(ServerConfigLoader.CONFIG_FILE_VARIABLE)
                ? Path.of(env.get(ServerConfigLoader.CONFIG_FILE_VARIABLE))
                : null;
    ServerConfig settings;
    try {
      settings = ServerConfigLoader.load(file, env, flags);
    } catch (InvalidConfigException e) {
      throw new IllegalArgumentException("invalid settings: " + e.getMessage(), e);
    }
    ColQwen3Encoder encoder = settings.model() == null ? null : model.open(settings.model());
    Generators generators;
    try {
      generators = Generators.open(settings.generationBackends());
    } catch (RuntimeException | java.io.IOException e) {
      if (encoder != null) {
        encoder.close();
      }
      throw e;
    }
    QuireServer server;
    try {
      server = QuireServer.start(settings, encoder, generators);
    } catch (RuntimeException | java.io.IOException e) {
      generators.close();
      if (encoder != null) {
        encoder.close();
      }
      throw e;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                    generators.close();
                    if (encoder != null) {
                      encoder.close();
                    }
                  } catch (Exception e) {
                    System.err.println("quire: error while stopping: " + e.getMessage());
                  }
                },
                "quire-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    out.println("Quire is serving " + server.url() + "  (API: " + server.url() + "openapi.json)");
    out.println(
        settings.openAccess()
            ? "No API keys are configured: every local caller may read and write."
            : settings.apiKeys().size() + " API keys configured; send one in the X-API-Key header.");
    out.println("Stop with Ctrl+C: in-flight requests finish and indexing jobs resume at the next start.");
    out.flush();
    server.awaitStopped();
    return 0;
  }
}
