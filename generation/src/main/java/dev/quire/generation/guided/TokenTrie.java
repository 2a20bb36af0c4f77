package dev.quire.generation.guided;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The vocabulary's byte strings in a trie, so that a walk with the grammar's state decides a whole
 * subtree of tokens at once: when a prefix is rejected, every token under it is. Nodes are arrays
 * (children sorted by byte), built once per tokenizer.
 */
public final class TokenTrie {

  private final int[][] childBytes;
  private final int[][] childNodes;
  private final int[][] tokensAt;
  private final int vocabulary;

  private TokenTrie(int[][] childBytes, int[][] childNodes, int[][] tokensAt, int vocabulary) {
    this.childBytes = childBytes;
    this.childNodes = childNodes;
    this.tokensAt = tokensAt;
    this.vocabulary = vocabulary;
  }

  /**
   * The trie of ids {@code 0..vocabulary-1} whose bytes {@code bytesOf} gives; ids it gives no
   * bytes for (special tokens, unused rows) are left out and never allowed.
   */
  public static TokenTrie build(int vocabulary, IntFunction<byte[]> bytesOf) {
    List<int[]> bytes = new ArrayList<>();
    List<int[]> nodes = new ArrayList<>();
    List<int[]> tokens = new ArrayList<>();
    bytes.add(new int[0]);
    nodes.add(new int[0]);
    tokens.add(new int[0]);
    for (int id = 0; id < vocabulary; id++) {
      byte[] token = bytesOf.apply(id);
      if (token == null || token.length == 0) {
        continue;
      }
      int node = 0;
      for (byte raw : token) {
        int b = raw & 0xff;
        int[] keys = bytes.get(node);
        int at = Arrays.binarySearch(keys, b);
        if (at >= 0) {
          node = nodes.get(node)[at];
        } else {
          int insert = -at - 1;
          int child = bytes.size();
          bytes.add(new int[0]);
          nodes.add(new int[0]);
          tokens.add(new int[0]);
          bytes.set(node, insertAt(keys, insert, b));
          nodes.set(node, insertAt(nodes.get(node), insert, child));
          node = child;
        }
      }
      int[] here = tokens.get(node);
      int[] more = Arrays.copyOf(here, here.length + 1);
      more[here.length] = id;
      tokens.set(node, more);
    }
    return new TokenTrie(bytes.toArray(int[][]::new), nodes.toArray(int[][]::new),
        tokens.toArray(int[][]::new), vocabulary);
  }

  private static int[] insertAt(int[] array, int at, int value) {
    int[] out = new int[array.length + 1];
    System.arraycopy(array, 0, out, 0, at);
    out[at] = value;
    System.arraycopy(array, at, out, at + 1, array.length - at);
    return out;
  }

  public int vocabulary() {
    return vocabulary;
  }

  /** The ids whose whole bytes {@code automaton} accepts from {@code state} (as a prefix or whole). */
  public BitSet allowed(JsonAutomaton automaton, JsonAutomaton.State state) {
    BitSet allowed = new BitSet(vocabulary);
    walk(automaton, 0, state, allowed);
    return allowed;
  }

  private void walk(JsonAutomaton automaton, int node, JsonAutomaton.State state, BitSet allowed) {
    int[] keys = childBytes[node];
    int[] children = childNodes[node];
    for (int i = 0; i < keys.length; i++) {
      JsonAutomaton.State next = automaton.feed(state, keys[i]);
      if (next.dead()) {
        continue; // no token under this prefix can be part of an allowed text
      }
      for (int id : tokensAt[children[i]]) {
        allowed.set(id);
      }
      walk(automaton, children[i], next, allowed);
    }
  }
}
