package dev.quire.server.api;

import com.fasterxml.classmate.ResolvedType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaBuilder;
import com.github.victools.jsonschema.generator.SchemaGenerationContext;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import dev.quire.SearchView;
import dev.quire.server.jobs.JobRecord;
import dev.quire.server.jobs.JobView;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The OpenAPI document served at {@code /openapi.json}, put together at start: its operations are
 * the routes the app registered (each documented in {@code openapi-operations.json}; a route
 * without documentation, or documentation without a route, stops the start), and the schemas of
 * the records the API reads and writes are generated from those classes, so a field added to a
 * view is in the document. What the records cannot say (a description, a range, the fields a
 * request requires) comes from the same file's {@code x-quire-generated-schemas}, and names a
 * property the class must have. The OpenAI and gateway shapes, built as JSON trees rather than
 * records, keep their written schemas.
 */
final class OpenApiDocument {
  private OpenApiDocument() {}

  private static final String EXTENSION = "x-quire-generated-schemas";

  /** Schema name in the document, and the class it is generated from. */
  static final Map<String, Class<?>> GENERATED = schemas();

  private static Map<String, Class<?>> schemas() {
    Map<String, Class<?>> m = new LinkedHashMap<>();
    m.put("Error", Views.Error.class);
    m.put("ErrorBody", Views.Error.Body.class);
    m.put("OpenAiError", Views.OpenAiError.class);
    m.put("OpenAiErrorBody", Views.OpenAiError.Body.class);
    m.put("SearchRequest", SearchController.SearchBody.class);
    m.put("SearchFilters", SearchController.Filters.class);
    m.put("SearchResponse", SearchView.class);
    m.put("Hit", SearchView.Hit.class);
    m.put("SnippetMatch", dev.quire.index.Snippet.Span.class);
    m.put("Stage", SearchView.Stage.class);
    m.put("Timing", SearchView.Timing.class);
    m.put("IndexRequest", IndexController.IndexBody.class);
    m.put("Job", JobView.class);
    m.put("JobState", dev.quire.server.jobs.JobState.class);
    m.put("JobList", JobController.JobList.class);
    m.put("Progress", JobRecord.Progress.class);
    m.put("JobResult", JobRecord.Result.class);
    m.put("Skipped", JobRecord.Skipped.class);
    m.put("Document", Views.Document.class);
    m.put("Page", Views.Page.class);
    m.put("DocumentList", Views.DocumentList.class);
    m.put("DocumentDetail", Views.DocumentDetail.class);
    m.put("Deleted", Views.Deleted.class);
    m.put("Collection", Views.Collection.class);
    m.put("CollectionList", Views.Collections.class);
    m.put("CreateCollection", CollectionController.CreateBody.class);
    m.put("TokenMap", Views.TokenMap.class);
    m.put("Similarity", Views.Similarity.class);
    m.put("EmbedTextRequest", EmbedController.TextBody.class);
    m.put("EmbedImageRequest", EmbedController.ImageBody.class);
    m.put("Embedding", Views.Embedding.class);
    m.put("Embeddings", Views.Embeddings.class);
    m.put("Model", Views.Model.class);
    m.put("Live", HealthController.Live.class);
    m.put("Ready", HealthController.Ready.class);
    m.put("Health", HealthController.Health.class);
    m.put("JobCounts", HealthController.Jobs.class);
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * The document for {@code routes} ("get /v1/jobs/{id}", as Javalin registered them).
   *
   * @throws IllegalStateException when the routes and their documentation disagree
   */
  static byte[] build(ObjectMapper json, Collection<String> routes) {
    ObjectNode document;
    try (InputStream in = OpenApiDocument.class.getResourceAsStream("openapi-operations.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi-operations.json is missing from the server's resources");
      }
      document = (ObjectNode) json.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    document.set("paths", paths((ObjectNode) document.get("paths"), routes));
    ObjectNode components = (ObjectNode) document.get("components");
    ObjectNode annotations = (ObjectNode) components.remove(EXTENSION);
    ObjectNode schemas = (ObjectNode) components.get("schemas");
    generate(annotations).properties().forEach(e -> schemas.set(e.getKey(), e.getValue()));
    try {
      return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The documented operations of the registered routes, in the documentation's order. */
  private static ObjectNode paths(ObjectNode documented, Collection<String> routes) {
    List<String> undocumented = new ArrayList<>(routes);
    List<String> unrouted = new ArrayList<>();
    ObjectNode paths = JsonNodeFactory.instance.objectNode();
    documented.properties().forEach(path -> path.getValue().properties().forEach(operation -> {
      String route = operation.getKey().toLowerCase(Locale.ROOT) + " " + path.getKey();
      if (undocumented.remove(route)) {
        ObjectNode item = paths.has(path.getKey())
            ? (ObjectNode) paths.get(path.getKey())
            : paths.putObject(path.getKey());
        item.set(operation.getKey(), operation.getValue());
      } else {
        unrouted.add(route);
      }
    }));
    if (!undocumented.isEmpty() || !unrouted.isEmpty()) {
      throw new IllegalStateException(
          "the OpenAPI operations and the routes disagree: routes without documentation "
              + undocumented + ", documentation without a route " + unrouted);
    }
    return paths;
  }

  /** The schemas of {@link #GENERATED}, each with what {@code annotations} adds to it. */
  static ObjectNode generate(ObjectNode annotations) {
    Map<Type, String> names = new HashMap<>();
    GENERATED.forEach((name, type) -> names.put(type, name));
    SchemaGeneratorConfigBuilder config =
        new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
            .with(new JacksonModule(JacksonOption.RESPECT_JSONPROPERTY_REQUIRED))
            .with(Option.NULLABLE_FIELDS_BY_DEFAULT, Option.DEFINITIONS_FOR_ALL_OBJECTS,
                Option.FLATTENED_ENUMS, Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT)
            .without(Option.SCHEMA_VERSION_INDICATOR);
    // Jackson writes the records' components in snake_case (the server's mapper, or @JsonNaming)
    config.forFields().withPropertyNameOverrideResolver(
        field -> PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(field.getDeclaredName()));
    config.forTypesInGeneral()
        // the records' order, not the alphabet's
        .withPropertySorter(
            com.github.victools.jsonschema.generator.impl.PropertySortUtils.SORT_PROPERTIES_FIELDS_BEFORE_METHODS)
        .withDefinitionNamingStrategy((key, context) -> {
          String name = names.get(key.getType().getErasedType());
          if (name == null) {
            throw new IllegalStateException(
                "the API's records refer to " + key.getType().getErasedType().getName()
                    + ", which has no schema name in OpenApiDocument.GENERATED");
          }
          return name;
        })
        .withCustomDefinitionProvider(OpenApiDocument::inline);
    SchemaBuilder builder = new SchemaGenerator(config.build()).buildMultipleSchemaDefinitions();
    GENERATED.values().forEach(builder::createSchemaReference);
    ObjectNode schemas = builder.collectDefinitions("components/schemas");
    for (String name : GENERATED.keySet()) {
      if (!schemas.has(name)) {
        throw new IllegalStateException("no schema was generated for " + name);
      }
    }
    Iterator<Map.Entry<String, JsonNode>> notes = annotations.properties().iterator();
    while (notes.hasNext()) {
      Map.Entry<String, JsonNode> note = notes.next();
      ObjectNode schema = (ObjectNode) schemas.get(note.getKey());
      if (schema == null) {
        throw new IllegalStateException(
            "openapi-operations.json annotates " + note.getKey() + ", which is not generated");
      }
      annotate(note.getKey(), schema, (ObjectNode) note.getValue());
    }
    return schemas;
  }

  /**
   * The types written inline rather than as definitions of their own: an instant is a date-time
   * string, a JsonNode is any value, a map is an object of any keys; null for every other type.
   */
  private static CustomDefinition inline(ResolvedType type, SchemaGenerationContext context) {
    Class<?> erased = type.getErasedType();
    ObjectNode schema;
    if (erased == Instant.class) {
      schema = context.getGeneratorConfig().createObjectNode()
          .put("type", "string").put("format", "date-time");
    } else if (erased == JsonNode.class) {
      schema = context.getGeneratorConfig().createObjectNode();
    } else if (Map.class.isAssignableFrom(erased)) {
      ResolvedType values = type.getTypeParameters().size() == 2
          ? type.getTypeParameters().get(1)
          : context.getTypeContext().resolve(Object.class);
      schema = context.getGeneratorConfig().createObjectNode().put("type", "object");
      schema.set("additionalProperties", context.createDefinition(values));
    } else {
      return null;
    }
    return new CustomDefinition(
        schema, CustomDefinition.DefinitionType.INLINE, CustomDefinition.AttributeInclusion.NO);
  }

  /** Adds a written description, ranges and required fields to a generated schema. */
  private static void annotate(String name, ObjectNode schema, ObjectNode note) {
    ObjectNode properties = (ObjectNode) schema.get("properties");
    note.properties().forEach(e -> {
      switch (e.getKey()) {
        case "properties" -> e.getValue().properties().forEach(p -> {
          JsonNode property = properties == null ? null : properties.get(p.getKey());
          if (!(property instanceof ObjectNode target)) {
            throw new IllegalStateException(
                "openapi-operations.json describes " + name + "." + p.getKey()
                    + ", which the class does not have");
          }
          ((ObjectNode) p.getValue()).properties().forEach(a -> target.set(a.getKey(), a.getValue()));
        });
        case "required" -> {
          for (JsonNode field : e.getValue()) {
            if (properties == null || !properties.has(field.asText())) {
              throw new IllegalStateException(name + " requires " + field + ", which it does not have");
            }
          }
          schema.set("required", (ArrayNode) e.getValue());
        }
        default -> schema.set(e.getKey(), e.getValue());
      }
    });
  }
}
