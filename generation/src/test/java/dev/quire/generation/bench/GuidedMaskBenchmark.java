package dev.quire.generation.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.generation.guided.JsonAutomaton;
import dev.quire.generation.guided.JsonSchemaCompiler;
import dev.quire.generation.guided.TokenTrie;
import dev.quire.generation.sampling.Processors;
import dev.quire.generation.sampling.TokenChooser;
import dev.quire.model.qwen3vl.ByteLevelDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The cost of a guided-decoding mask per step on the real Qwen3 vocabulary (151,669 tokens, the
 * committed tokenizer.json of the model module's fixtures), in the states a JSON answer passes
 * through, against an unconstrained sampling step over the same vocabulary (softmax, top-p,
 * a draw) measured in the same run.
 *
 * <p>{@code mvn -q -pl generation -am test-compile} then run {@code main} with the test class path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GuidedMaskBenchmark {

  private static final String SCHEMA = """
      {"type": "object", "properties": {"vendor": {"type": "string"}, "total": {"type": "number"},
       "kind": {"enum": ["invoice", "receipt", "bill"]}}, "required": ["vendor", "total", "kind"]}""";

  /** The text so far: where in the answer the mask is computed. */
  @Param({"{", "{\"vendor\":\"Acme Corp", "{\"vendor\":\"Acme\",\"total\":12", "{\"vendor\":\"Acme\",\"total\":12,\"kind\":\"rec"})
  public String prefix;

  private TokenTrie trie;
  private JsonAutomaton automaton;
  private JsonAutomaton.State state;
  private float[] logits;
  private TokenChooser chooser;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    JsonNode tokenizer;
    try (InputStream in = new GZIPInputStream(GuidedMaskBenchmark.class.getResourceAsStream(
        "/reference/qwen3-tokenizer/tokenizer.json.gz"))) {
      tokenizer = new ObjectMapper().readTree(in);
    }
    ByteLevelDecoder decoder = ByteLevelDecoder.of(tokenizer, "qwen3 tokenizer.json");
    int vocabulary = 151936; // the model's rows, past the tokenizer's 151,669
    trie = TokenTrie.build(vocabulary, id -> decoder.isSpecial(id) ? null : decoder.tokenBytes(id));
    automaton = new JsonAutomaton(JsonSchemaCompiler.compile(new ObjectMapper().readTree(SCHEMA)));
    state = automaton.feed(automaton.start(), prefix.getBytes(StandardCharsets.UTF_8));
    Random random = new Random(1);
    logits = new float[vocabulary];
    for (int i = 0; i < vocabulary; i++) {
      logits[i] = (float) (random.nextGaussian() * 3);
    }
    chooser = TokenChooser.sampling(7L);
  }

  @Benchmark
  public BitSet mask() {
    return trie.allowed(automaton, state);
  }

  @Benchmark
  public int unconstrainedStep() {
    float[] scores = logits.clone();
    Processors.topP(0.8).process(new int[0], 0, scores);
    return chooser.choose(0, scores);
  }

  public static void main(String[] args) throws RunnerException {
    new Runner(new OptionsBuilder().include(GuidedMaskBenchmark.class.getSimpleName())
        .jvmArgsAppend("--add-modules", "jdk.incubator.vector").build()).run();
  }
}
