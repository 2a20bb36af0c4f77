package dev.quire.generation.guided;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The automaton accepts every compact instance of a schema (properties in schema order), never
 * dies on a prefix of one, and whatever it accepts (mutated texts included) is JSON that
 * networknt's validator passes against the schema.
 */
class JsonAutomatonProperties {

  @Property(tries = 300)
  void everyInstanceIsAcceptedAndEveryPrefixLives(@ForAll long seed, @ForAll @IntRange(max = 2) int which) {
    String schema = Schemas.ALL.get(which);
    JsonAutomaton automaton = new JsonAutomaton(JsonSchemaCompiler.compile(Schemas.parse(schema)));
    String text = Schemas.instance(JsonSchemaCompiler.compile(Schemas.parse(schema)), new Random(seed));
    assertThat(Schemas.errors(schema, text)).as("the generator's instance %s", text).isEmpty();
    JsonAutomaton.State state = automaton.start();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      state = automaton.feed(state, b & 0xff);
      assertThat(state.dead()).as("prefix of %s", text).isFalse();
    }
    assertThat(state.accepting()).as("whole %s", text).isTrue();
  }

  @Property(tries = 1000)
  void whatIsAcceptedValidates(@ForAll long seed, @ForAll @IntRange(max = 2) int which,
      @ForAll @IntRange(min = 1, max = 3) int edits) {
    String schema = Schemas.ALL.get(which);
    SchemaNode node = JsonSchemaCompiler.compile(Schemas.parse(schema));
    Random random = new Random(seed);
    StringBuilder text = new StringBuilder(Schemas.instance(node, random));
    String alphabet = "{}[]\",:0123456789.-eE+truefalsn \\x";
    for (int e = 0; e < edits && !text.isEmpty(); e++) {
      int at = random.nextInt(text.length());
      switch (random.nextInt(3)) {
        case 0 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
        case 1 -> text.deleteCharAt(at);
        default -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
      }
    }
    if (new JsonAutomaton(node).accepts(text.toString())) {
      assertThat(Schemas.errors(schema, text.toString())).as("accepted %s", text).isEmpty();
    }
  }

  /**
   * No dead ends: a random walk over the bytes the automaton allows never reaches a state with no
   * allowed byte that is not a whole text (a guided answer can always be finished).
   */
  @Property(tries = 300)
  void everyAllowedPathCanBeFinished(@ForAll long seed, @ForAll @IntRange(max = 2) int which) {
    JsonAutomaton automaton = new JsonAutomaton(JsonSchemaCompiler.compile(Schemas.parse(Schemas.ALL.get(which))));
    Random random = new Random(seed);
    JsonAutomaton.State state = automaton.start();
    StringBuilder path = new StringBuilder();
    for (int step = 0; step < 400; step++) {
      java.util.List<Integer> allowed = new java.util.ArrayList<>();
      for (int b = 0; b < 256; b++) {
        if (!automaton.feed(state, b).dead()) {
          allowed.add(b);
        }
      }
      if (allowed.isEmpty()) {
        assertThat(state.accepting()).as("stuck after %s", path).isTrue();
        return;
      }
      if (state.accepting() && random.nextInt(4) == 0) {
        return;
      }
      int b = allowed.get(random.nextInt(allowed.size()));
      path.append(String.format("%02x ", b));
      state = automaton.feed(state, b);
    }
  }
}
