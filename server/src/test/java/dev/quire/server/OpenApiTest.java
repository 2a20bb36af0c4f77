package dev.quire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.router.ParsedEndpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI document names every route the app registers, and only those. */
class OpenApiTest {

  @TempDir Path data;

  @Test
  void everyRegisteredRouteIsDocumentedAndEveryDocumentedRouteExists() throws IOException {
    try (QuireServer server = TestServers.start(data, Map.of())) {
      JsonNode paths = new Http(server.port(), null).get("/openapi.json").json().path("paths");
      List<String> registered = new ArrayList<>();
      for (ParsedEndpoint parsed : server.app().unsafe.internalRouter.allHttpHandlers()) {
        if (parsed.endpoint.method.isHttpMethod()) {
          registered.add(parsed.endpoint.method.name().toLowerCase(Locale.ROOT) + " " + parsed.endpoint.path);
        }
      }
      List<String> documented = new ArrayList<>();
      for (Map.Entry<String, JsonNode> path : paths.properties()) {
        path.getValue().fieldNames().forEachRemaining(method -> documented.add(method + " " + path.getKey()));
      }
      assertThat(registered).hasSizeGreaterThan(15);
      assertThat(documented).containsExactlyInAnyOrderElementsOf(registered);
    }
  }
}
