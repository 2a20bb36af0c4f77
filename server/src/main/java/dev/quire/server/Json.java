package dev.quire.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The server's JSON: snake_case names, unknown fields refused, timestamps as ISO-8601 strings,
 * shallow nesting (no request needs more), strings long enough for one base64 upload.
 */
public final class Json {
  private Json() {}

  /** Deeper JSON is refused before it is parsed further. */
  public static final int MAX_NESTING = 64;

  public static ObjectMapper mapper(long maxStringChars) {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING)
                    .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxStringChars))
                    .maxNumberLength(100)
                    .build())
            .build();
    SimpleModule time = new SimpleModule("instants");
    time.addSerializer(Instant.class, new InstantSerializer());
    time.addDeserializer(Instant.class, new InstantDeserializer());
    return new ObjectMapper(factory)
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .registerModule(time);
  }

  /**
   * The mapper for request bodies: {@code mapper}'s settings, and loose JSON refused. No
   * coercion of scalars: a fraction is not an integer ({@code "k": 2.5}), a number or boolean is
   * not a string ({@code "query": 5}), a string is not a number or a boolean ({@code "k": "5"}),
   * an integer is not a boolean; and a key given twice in one object is an error, not "the last
   * one wins". (An integer where a fraction is expected stays fine: 1 is a number.)
   */
  @SuppressWarnings("deprecation") // MapperFeature on a built mapper: the copy is not shared yet
  public static ObjectMapper forRequests(ObjectMapper mapper) {
    ObjectMapper strict = mapper.copy();
    strict.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    strict.configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false);
    strict.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    strict.coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    strict.coercionConfigFor(LogicalType.Float)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    strict.coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    strict.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return strict;
  }

  private static final class InstantSerializer extends StdScalarSerializer<Instant> {
    InstantSerializer() {
      super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeString(value.toString());
    }
  }

  private static final class InstantDeserializer extends StdScalarDeserializer<Instant> {
    InstantDeserializer() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      String text = p.getValueAsString();
      try {
        return text == null ? null : Instant.parse(text);
      } catch (DateTimeParseException e) {
        return (Instant) ctx.handleWeirdStringValue(Instant.class, text, "not an ISO-8601 instant");
      }
    }
  }
}
