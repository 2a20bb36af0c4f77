package dev.quire.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.quire.generation.chat.ChatTemplate;
import dev.quire.generation.guided.GuidedJson;
import dev.quire.generation.guided.SchemaNode;
import dev.quire.generation.guided.TokenTrie;
import dev.quire.generation.sampling.LogSoftmax;
import dev.quire.generation.sampling.LogitsProcessor;
import dev.quire.generation.sampling.TokenChooser;
import dev.quire.model.ComputeDevice;
import dev.quire.model.Precision;
import dev.quire.model.TorchRuntime;
import dev.quire.model.qwen3vl.ByteLevelDecoder;
import dev.quire.model.qwen3vl.CheckpointWeights;
import dev.quire.model.qwen3vl.ImageProcessor;
import dev.quire.model.qwen3vl.KvCache;
import dev.quire.model.qwen3vl.LanguageModelHead;
import dev.quire.model.qwen3vl.ProcessorConfig;
import dev.quire.model.qwen3vl.Qwen3VLConfig;
import dev.quire.model.qwen3vl.Qwen3VLModel;
import dev.quire.model.qwen3vl.Qwen3VLTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Answers generated in process by a Qwen3-VL instruct checkpoint: the prompt through the
 * backbone into a key/value cache (prefill), then one token per step, each chosen from the
 * language-model head's logits after the decoding's processors, until a stop id, the token
 * limit, or cancellation. Several prompts decode together in one cache. The loop is apart from
 * the model: it sees logits, ids and text, never layers.
 */
public final class LocalGenerator implements AutoCloseable {

  /** Where the model runs: device, precision (float16 only on CUDA), intra-op threads (0: libtorch's). */
  public record Options(ComputeDevice device, Precision precision, int threads) {
    public static Options defaults() {
      return new Options(ComputeDevice.AUTO, Precision.FLOAT32, 0);
    }

    /** On {@code device}: float16 on CUDA, float32 elsewhere (libtorch's CPU half is slow). */
    public static Options on(ComputeDevice device, int threads) {
      return new Options(device, device == ComputeDevice.CUDA ? Precision.FLOAT16 : Precision.FLOAT32,
          threads);
    }
  }

  private final Qwen3VLConfig config;
  private final Qwen3VLModel model;
  private final Qwen3VLTokenizer tokenizer;
  private final PromptBuilder prompts;
  private final GenerationConfig generationConfig;

  private LocalGenerator(Qwen3VLConfig config, Qwen3VLModel model,
      Qwen3VLTokenizer tokenizer, PromptBuilder prompts, GenerationConfig generationConfig) {
    this.config = config;
    this.model = model;
    this.tokenizer = tokenizer;
    this.prompts = prompts;
    this.generationConfig = generationConfig;
  }

  /**
   * Opens an instruct checkpoint folder (Hugging Face layout: config.json, weights, tokenizer,
   * processor, chat template, generation_config.json). Its language-model head is loaded now,
   * so a checkpoint that cannot produce logits is refused here, not at the first answer.
   */
  public static LocalGenerator open(Path folder, Options options) throws IOException {
    TorchRuntime.init();
    if (options.threads() > 0) {
      TorchRuntime.threads(options.threads());
    }
    Qwen3VLConfig config = Qwen3VLConfig.read(folder);
    ChatTemplate template = ChatTemplate.fromCheckpoint(folder);
    GenerationConfig generation = GenerationConfig.read(folder);
    ImageProcessor processor = new ImageProcessor(ProcessorConfig.read(folder));
    Qwen3VLTokenizer tokenizer = Qwen3VLTokenizer.open(folder, config);
    Qwen3VLModel model = null;
    try {
      model = Qwen3VLModel.load(config, CheckpointWeights.weightFiles(folder),
          new Qwen3VLModel.Options(null, true,
              TorchRuntime.device(options.device(), options.precision()),
              TorchRuntime.dtype(options.precision()), List.of()));
      model.lmHead();
      return new LocalGenerator(config, model, tokenizer,
          new PromptBuilder(template, tokenizer, processor, config.vision().mergeSize()), generation);
    } catch (IOException | RuntimeException e) {
      if (model != null) {
        model.close();
      }
      tokenizer.close();
      throw e;
    }
  }

  public GenerationConfig generationConfig() {
    return generationConfig;
  }

  public PromptBuilder prompts() {
    return prompts;
  }

  public Qwen3VLTokenizer tokenizer() {
    return tokenizer;
  }

  private TokenTrie trie;

  /**
   * A processor that keeps answers to JSON texts {@code schema} allows, ending at the
   * checkpoint's end-of-turn ids once whole. The vocabulary's trie is built on first use.
   */
  public synchronized GuidedJson guidedJson(SchemaNode schema) {
    if (trie == null) {
      int vocabulary = Math.toIntExact(model.lmHead().vocabSize());
      trie = TokenTrie.build(vocabulary, id -> tokenizer.isSpecial(id) ? null : tokenizer.tokenBytes(id));
    }
    return new GuidedJson(schema, trie, tokenizer::tokenBytes, java.util.Set.copyOf(generationConfig.eosTokenIds()));
  }

  /** {@link #generate(List, Decoding, TokenSink, BooleanSupplier)} of one prompt. */
  public GenerationResult generate(Prompt prompt, Decoding decoding, TokenSink sink,
      BooleanSupplier cancelled) {
    return generate(List.of(prompt), decoding, sink, cancelled).getFirst();
  }

  /**
   * Generates an answer to each of {@code batch} together. {@code sink} sees every token as it
   * is chosen; {@code cancelled} is asked before each step, and a cancelled batch returns what it
   * has (finish reason CANCELLED).
   */
  public List<GenerationResult> generate(List<Prompt> batch, Decoding decoding, TokenSink sink,
      BooleanSupplier cancelled) {
    int n = batch.size();
    int limit = config.text().maxPositions();
    int maxNew = decoding.maxNewTokens();
    for (Prompt prompt : batch) {
      if (prompt.length() >= limit) {
        throw new PromptRefusedException("the prompt has " + prompt.length() + " tokens; the"
            + " model's context is " + limit + " tokens");
      }
      maxNew = Math.min(maxNew, limit - prompt.length());
    }
    List<List<Integer>> generated = new ArrayList<>();
    List<List<Double>> logprobs = new ArrayList<>();
    List<List<Double>> drawnLogprobs = new ArrayList<>();
    List<List<List<TokenLogprob>>> alternatives = new ArrayList<>();
    List<ByteLevelDecoder.Incremental> texts = new ArrayList<>();
    List<StringBuilder> answers = new ArrayList<>();
    int[] shown = new int[n];
    int[] stoppedAt = new int[n];
    Arrays.fill(stoppedAt, -1);
    FinishReason[] finished = new FinishReason[n];
    int[][] history = new int[n][];
    for (int s = 0; s < n; s++) {
      generated.add(new ArrayList<>());
      logprobs.add(new ArrayList<>());
      drawnLogprobs.add(new ArrayList<>());
      alternatives.add(new ArrayList<>());
      texts.add(tokenizer.incremental(true));
      answers.add(new StringBuilder());
      history[s] = batch.get(s).ids();
    }
    StopStrings stops = new StopStrings(decoding.stopStrings());
    TokenChooser chooser = decoding.chooser();
    LanguageModelHead head = model.lmHead();
    long started = System.nanoTime();
    long prefillNanos;
    try (KvCache cache = model.newCache(n)) {
      float[][] logits;
      try (NDManager step = model.manager().newSubManager()) {
        List<Qwen3VLModel.Sequence> sequences = new ArrayList<>();
        for (Prompt prompt : batch) {
          sequences.add(new Qwen3VLModel.Sequence(prompt.ids(), prompt.images()));
        }
        Qwen3VLModel.Hidden hidden = model.prefill(step, sequences, cache);
        NDList last = new NDList();
        int row = -1;
        for (int length : hidden.lengths()) {
          row += length;
          last.add(hidden.lastHidden().get(row).expandDims(0));
        }
        logits = rows(head.logits(NDArrays.concat(last, 0)), n);
      }
      prefillNanos = System.nanoTime() - started;
      for (int t = 0; t < maxNew; t++) {
        int[] next = new int[n];
        for (int s = 0; s < n; s++) {
          if (finished[s] != null) {
            next[s] = padding();
            continue;
          }
          float[] scores = logits[s];
          float[] processed = scores;
          if (!decoding.processors().isEmpty()) {
            processed = scores.clone();
            for (LogitsProcessor processor : decoding.processors()) {
              processor.process(history[s], batch.get(s).length(), processed);
            }
          }
          int token = chooser.choose(s, processed);
          double normaliser = LogSoftmax.logSumExp(scores);
          next[s] = token;
          generated.get(s).add(token);
          logprobs.get(s).add(scores[token] - normaliser);
          // under the distribution the token was chosen from (after the mask and penalties)
          drawnLogprobs.get(s).add(processed == scores ? scores[token] - normaliser
              : processed[token] - LogSoftmax.logSumExp(processed));
          if (decoding.topLogprobs() > 0) {
            alternatives.get(s).add(top(scores, normaliser, decoding.topLogprobs()));
          }
          history[s] = Arrays.copyOf(history[s], history[s].length + 1);
          history[s][history[s].length - 1] = token;
          StringBuilder answer = answers.get(s);
          int before = answer.length();
          answer.append(texts.get(s).push(token));
          if (decoding.stopIds().contains(token)) {
            finished[s] = FinishReason.STOP;
          } else if (!stops.isEmpty() && (stoppedAt[s] = stops.find(answer, before)) >= 0) {
            finished[s] = FinishReason.STOP;
          } else if (generated.get(s).size() == maxNew) {
            finished[s] = FinishReason.LENGTH;
          }
          // show what no stop string can still take back
          int safe = stoppedAt[s] >= 0 ? stoppedAt[s]
              : finished[s] != null || stops.isEmpty() ? answer.length() : stops.safeLength(answer);
          sink.accept(s, token, answer.substring(shown[s], Math.max(shown[s], safe)));
          shown[s] = Math.max(shown[s], safe);
        }
        boolean all = true;
        for (FinishReason f : finished) {
          all &= f != null;
        }
        if (all) {
          break;
        }
        if (cancelled.getAsBoolean()) {
          for (int s = 0; s < n; s++) {
            if (finished[s] == null) {
              finished[s] = FinishReason.CANCELLED;
            }
          }
          break;
        }
        try (NDManager step = model.manager().newSubManager()) {
          logits = rows(head.logits(model.step(step, next, cache)), n);
        }
      }
    }
    long decodeNanos = System.nanoTime() - started - prefillNanos;
    List<GenerationResult> results = new ArrayList<>(n);
    for (int s = 0; s < n; s++) {
      StringBuilder answer = answers.get(s);
      if (stoppedAt[s] >= 0) {
        answer.setLength(stoppedAt[s]);
      } else {
        answer.append(texts.get(s).finish());
      }
      sink.end(s, answer.substring(Math.min(shown[s], answer.length())));
      int[] ids = generated.get(s).stream().mapToInt(Integer::intValue).toArray();
      double[] lp = logprobs.get(s).stream().mapToDouble(Double::doubleValue).toArray();
      double[] drawn = drawnLogprobs.get(s).stream().mapToDouble(Double::doubleValue).toArray();
      results.add(new GenerationResult(batch.get(s).ids(), ids, answer.toString(), lp, drawn,
          alternatives.get(s), finished[s] == null ? FinishReason.LENGTH : finished[s],
          new GenerationResult.Timings(prefillNanos, decodeNanos, batch.get(s).length(), ids.length)));
    }
    return results;
  }

  /** The {@code count} most likely ids of raw {@code scores}, most likely first. */
  private static List<TokenLogprob> top(float[] scores, double normaliser, int count) {
    java.util.PriorityQueue<Integer> best = new java.util.PriorityQueue<>(
        (a, b) -> scores[a] != scores[b] ? Float.compare(scores[a], scores[b]) : Integer.compare(b, a));
    for (int i = 0; i < scores.length; i++) {
      best.add(i);
      if (best.size() > count) {
        best.poll();
      }
    }
    List<TokenLogprob> out = new ArrayList<>(best.size());
    while (!best.isEmpty()) {
      int id = best.poll();
      out.addFirst(new TokenLogprob(id, scores[id] - normaliser));
    }
    return out;
  }

  /** The id fed to a finished sequence while others go on (its outputs are ignored). */
  private int padding() {
    return generationConfig.padTokenId() != null ? generationConfig.padTokenId()
        : tokenizer.tokenId(Qwen3VLTokenizer.END_OF_TEXT);
  }

  private static float[][] rows(NDArray logits, int n) {
    float[] all = logits.toFloatArray();
    int vocab = all.length / n;
    float[][] rows = new float[n][];
    for (int s = 0; s < n; s++) {
      rows[s] = Arrays.copyOfRange(all, s * vocab, (s + 1) * vocab);
    }
    return rows;
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }
}
