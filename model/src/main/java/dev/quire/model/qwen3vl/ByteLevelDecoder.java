package dev.quire.model.qwen3vl;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * Token ids back to text for a byte-level BPE tokenizer.json (Qwen's, GPT-2's), as Hugging Face
 * tokenizers' {@code decode} does it: each id becomes its token (added tokens by their content;
 * special ones dropped when asked; ids the tokenizer does not know dropped), each token's
 * characters are mapped back to the bytes the byte-level alphabet stands for (a token with a
 * character outside that alphabet keeps its own UTF-8 bytes), and the bytes of all tokens are read
 * as UTF-8, invalid sequences replaced by U+FFFD.
 *
 * <p>One token may hold part of a character (a CJK character or an emoji is often split over two
 * or three tokens), so {@link #incremental} keeps the bytes of an unfinished character until the
 * token that completes it: a streamed answer never shows half a character.
 */
public final class ByteLevelDecoder {

  private final byte[][] bytes;
  private final boolean[] special;

  private ByteLevelDecoder(byte[][] bytes, boolean[] special) {
    this.bytes = bytes;
    this.special = special;
  }

  /** The decoder of a parsed tokenizer.json; {@code where} names it in errors. */
  public static ByteLevelDecoder of(JsonNode tokenizer, String where) {
    String type = tokenizer.path("decoder").path("type").asText("");
    if (!type.equals("ByteLevel")) {
      throw new IllegalArgumentException(where + " has a " + (type.isEmpty() ? "missing" : type)
          + " decoder, not ByteLevel: not a byte-level BPE tokenizer");
    }
    JsonNode vocab = tokenizer.path("model").path("vocab");
    if (!vocab.isObject()) {
      throw new IllegalArgumentException(where + " has no model.vocab");
    }
    int size = 0;
    for (JsonNode id : vocab) {
      size = Math.max(size, id.asInt() + 1);
    }
    for (JsonNode added : tokenizer.path("added_tokens")) {
      size = Math.max(size, added.path("id").asInt() + 1);
    }
    byte[][] bytes = new byte[size][];
    boolean[] special = new boolean[size];
    int[] alphabet = byteOfCharacter();
    for (Iterator<Map.Entry<String, JsonNode>> it = vocab.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      bytes[entry.getValue().asInt()] = tokenBytes(entry.getKey(), alphabet);
    }
    // an added token's content replaces whatever the vocabulary has for its id
    for (JsonNode added : tokenizer.path("added_tokens")) {
      int id = added.path("id").asInt();
      bytes[id] = tokenBytes(added.path("content").asText(), alphabet);
      special[id] = added.path("special").asBoolean(false);
    }
    return new ByteLevelDecoder(bytes, special);
  }

  /** The text of {@code ids}; special tokens dropped when {@code skipSpecial}. */
  public String decode(int[] ids, boolean skipSpecial) {
    byte[] all = new byte[0];
    int length = 0;
    for (int id : ids) {
      byte[] token = token(id, skipSpecial);
      if (length + token.length > all.length) {
        all = Arrays.copyOf(all, Math.max(2 * all.length, length + token.length));
      }
      System.arraycopy(token, 0, all, length, token.length);
      length += token.length;
    }
    return new String(all, 0, length, StandardCharsets.UTF_8);
  }

  /**
   * The bytes token {@code id} stands for (part of a character, for some), empty for an id the
   * tokenizer does not know: what the OpenAI API reports as a token's {@code bytes}.
   */
  public byte[] tokenBytes(int id) {
    return token(id, false).clone();
  }

  /** Whether {@code id} is an added token marked special (dropped when skipping specials). */
  public boolean isSpecial(int id) {
    return id >= 0 && id < special.length && special[id];
  }

  /** A decoder for a stream of ids, one at a time. */
  public Incremental incremental(boolean skipSpecial) {
    return new Incremental(skipSpecial);
  }

  private byte[] token(int id, boolean skipSpecial) {
    if (id < 0 || id >= bytes.length || bytes[id] == null || (skipSpecial && special[id])) {
      return new byte[0];
    }
    return bytes[id];
  }

  /**
   * Text of a stream of ids as they come: {@link #push} returns what the new id completes (may be
   * empty), {@link #finish} what is left (an unfinished character becomes U+FFFD). The pieces
   * joined equal {@link #decode} of all the ids.
   */
  public final class Incremental {
    private final boolean skipSpecial;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
    /** Bytes of a character still waiting for the rest of it (at most 3). */
    private ByteBuffer pending = ByteBuffer.allocate(0);

    private Incremental(boolean skipSpecial) {
      this.skipSpecial = skipSpecial;
    }

    /** The text completed by {@code id}: whole characters only. */
    public String push(int id) {
      byte[] token = token(id, skipSpecial);
      if (token.length == 0) {
        return "";
      }
      ByteBuffer in = ByteBuffer.allocate(pending.remaining() + token.length);
      in.put(pending).put(token).flip();
      return drain(in, false);
    }

    /** What the pushed ids left unfinished, replaced; the decoder is then ready for a new stream. */
    public String finish() {
      String rest = drain(pending, true);
      utf8.reset();
      pending = ByteBuffer.allocate(0);
      return rest;
    }

    private String drain(ByteBuffer in, boolean end) {
      CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
      // with end false, the decoder leaves a valid but unfinished sequence in the input
      utf8.decode(in, out, end);
      if (end) {
        utf8.flush(out);
      }
      pending = ByteBuffer.allocate(in.remaining()).put(in).flip();
      return out.flip().toString();
    }
  }

  private static byte[] tokenBytes(String token, int[] alphabet) {
    byte[] out = new byte[token.length()];
    int n = 0;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      int b = c < alphabet.length ? alphabet[c] : -1;
      if (b < 0) {
        // outside the byte-level alphabet (an added token's own text): its UTF-8 as it is
        return token.getBytes(StandardCharsets.UTF_8);
      }
      out[n++] = (byte) b;
    }
    return out;
  }

  /**
   * GPT-2's byte-level alphabet reversed: printable bytes (33-126, 161-172, 174-255) stand for
   * themselves, the other 68 for the characters 256, 257, ... in byte order. -1: no byte.
   */
  private static int[] byteOfCharacter() {
    int[] byteOf = new int[256 + 68];
    Arrays.fill(byteOf, -1);
    int next = 256;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
      byteOf[printable ? b : next++] = b;
    }
    return byteOf;
  }
}
