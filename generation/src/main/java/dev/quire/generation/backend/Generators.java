package dev.quire.generation.backend;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configured generation backends, opened once: found by backend name or by the model id
 * clients ask for; with a single backend, it serves every request that names no model.
 */
public final class Generators implements AutoCloseable {

  private final Map<String, Generator> byName;

  public Generators(Collection<? extends Generator> generators) {
    Map<String, Generator> map = new LinkedHashMap<>();
    for (Generator generator : generators) {
      if (map.put(generator.name(), generator) != null) {
        throw new IllegalArgumentException("two generation backends are named " + generator.name());
      }
    }
    this.byName = map;
  }

  /** Opens each backend of {@code specs}; if one fails, those opened are closed again. */
  public static Generators open(List<BackendSpec> specs) throws IOException {
    List<Generator> opened = new ArrayList<>();
    try {
      for (BackendSpec spec : specs) {
        opened.add(switch (spec) {
          case BackendSpec.Local local -> LocalChatGenerator.open(local);
          case BackendSpec.OpenAi remote -> RemoteChatGenerator.open(remote, System.getenv());
        });
      }
      return new Generators(opened);
    } catch (IOException | RuntimeException e) {
      opened.forEach(Generator::close);
      throw e;
    }
  }

  public static Generators none() {
    return new Generators(List.of());
  }

  public boolean isEmpty() {
    return byName.isEmpty();
  }

  public List<Generator> all() {
    return List.copyOf(byName.values());
  }

  /**
   * The backend for {@code model}: the one whose model id or name it is; null or blank picks the
   * only backend when there is one. Unknown models get an error listing the known ones.
   */
  public Generator forModel(String model) {
    if (byName.isEmpty()) {
      throw new IllegalArgumentException("no generation backend is configured"
          + " (generation.backends in the server's settings, or --generation-model)");
    }
    if (model == null || model.isBlank()) {
      if (byName.size() == 1) {
        return byName.values().iterator().next();
      }
      throw new IllegalArgumentException("name a model: " + models());
    }
    for (Generator generator : byName.values()) {
      if (generator.model().equals(model)) {
        return generator;
      }
    }
    Generator named = byName.get(model);
    if (named != null) {
      return named;
    }
    throw new IllegalArgumentException("no backend serves model '" + model + "'; models: " + models());
  }

  /** The model ids served, in configuration order. */
  public List<String> models() {
    return byName.values().stream().map(Generator::model).toList();
  }

  @Override
  public void close() {
    byName.values().forEach(Generator::close);
  }
}
