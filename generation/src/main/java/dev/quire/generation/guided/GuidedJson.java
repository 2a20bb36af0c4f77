package dev.quire.generation.guided;

import dev.quire.generation.sampling.LogitsProcessor;
import java.util.BitSet;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Guided decoding as a logits processor: at each step only the tokens whose bytes keep the answer
 * a prefix of a JSON text the schema allows keep their scores, and the end-of-turn ids only once
 * the text is whole; everything else is masked out. The state is recomputed from the generated
 * ids (a few hundred bytes), so one processor serves every sequence of a batch.
 */
public final class GuidedJson implements LogitsProcessor {

  private final JsonAutomaton automaton;
  private final TokenTrie trie;
  private final IntFunction<byte[]> bytesOf;
  private final Set<Integer> endIds;

  public GuidedJson(SchemaNode schema, TokenTrie trie, IntFunction<byte[]> bytesOf, Set<Integer> endIds) {
    this.automaton = new JsonAutomaton(schema);
    this.trie = trie;
    this.bytesOf = bytesOf;
    this.endIds = Set.copyOf(endIds);
  }

  public JsonAutomaton automaton() {
    return automaton;
  }

  /** Masks of the states seen lately: inside a free string, or in a long array, states repeat. */
  private final java.util.Map<JsonAutomaton.State, BitSet> recent =
      new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<JsonAutomaton.State, BitSet> eldest) {
          return size() > 128;
        }
      };

  private BitSet masks(JsonAutomaton.State state) {
    synchronized (recent) {
      BitSet known = recent.get(state);
      if (known != null) {
        return known;
      }
    }
    BitSet mask = trie.allowed(automaton, state);
    synchronized (recent) {
      recent.put(state, mask);
    }
    return mask;
  }

  @Override
  public void process(int[] tokens, int promptLength, float[] scores) {
    JsonAutomaton.State state = automaton.start();
    for (int i = promptLength; i < tokens.length && !state.dead(); i++) {
      state = automaton.feed(state, bytesOf.apply(tokens[i]));
    }
    BitSet allowed = state.dead() || state.finished() ? new BitSet() : (BitSet) masks(state).clone();
    if (state.accepting() || state.dead()) {
      // a whole text may end; a dead one (never, by construction) can only end
      for (int id : endIds) {
        allowed.set(id);
      }
    }
    for (int id = 0; id < scores.length; id++) {
      if (!allowed.get(id)) {
        scores[id] = Float.NEGATIVE_INFINITY;
      }
    }
  }
}
