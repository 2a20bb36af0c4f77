package dev.quire.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The document and the routes must agree, or the server does not start. */
class OpenApiDocumentTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<String> documentedRoutes() throws Exception {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream("openapi-operations.json")) {
      List<String> routes = new ArrayList<>();
      JSON.readTree(in).path("paths").properties().forEach(path ->
          path.getValue().fieldNames().forEachRemaining(method -> routes.add(method + " " + path.getKey())));
      return routes;
    }
  }

  @Test
  void theDocumentIsBuiltWhenEveryRouteIsDocumented() throws Exception {
    List<String> routes = documentedRoutes();
    JsonNode document = JSON.readTree(OpenApiDocument.build(JSON, routes));
    assertThat(document.path("paths").path("/v1/search").has("post")).isTrue();
    assertThat(document.path("components").has("x-quire-generated-schemas")).isFalse();
  }

  @Test
  void aRouteWithoutDocumentationOrDocumentationWithoutARouteStopsTheStart() throws Exception {
    List<String> extra = new ArrayList<>(documentedRoutes());
    extra.add("get /v1/undocumented");
    assertThatThrownBy(() -> OpenApiDocument.build(JSON, extra))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("[get /v1/undocumented]");
    List<String> fewer = new ArrayList<>(documentedRoutes());
    fewer.remove("post /v1/search");
    assertThatThrownBy(() -> OpenApiDocument.build(JSON, fewer))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("documentation without a route [post /v1/search]");
  }
}
