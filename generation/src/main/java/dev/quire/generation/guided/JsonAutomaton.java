package dev.quire.generation.guided;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A byte-level pushdown automaton that accepts exactly the compact JSON texts (no whitespace
 * between tokens) a {@link SchemaNode} allows. A state is a set of immutable stacks of frames (a
 * set, because {@code anyOf} follows each option until the bytes rule some out); stacks share
 * their tails, so a trie walk copies nothing but the frames it changes. Objects give their
 * properties in the schema's order, each once, the required ones always.
 */
public final class JsonAutomaton {

  /** Numbers longer than this many digits are refused: a model can always add one more. */
  static final int MAX_DIGITS = 24;

  /** Exponents longer than this many digits are refused. */
  static final int MAX_EXPONENT_DIGITS = 3;

  private final SchemaNode root;

  public JsonAutomaton(SchemaNode root) {
    this.root = root;
  }

  /** An immutable stack: the top frame and the rest (null at the bottom). */
  record Stack(Frame top, Stack rest) {}

  /** The set of stacks the bytes so far can be in; empty when they are not a prefix of a valid text. */
  public record State(List<Stack> stacks, boolean done) {
    public State {
      stacks = List.copyOf(stacks);
    }

    /** Whether no continuation is possible: the text so far matches no allowed text's beginning. */
    public boolean dead() {
      return stacks.isEmpty() && !done;
    }

    /** Whether the bytes so far are a whole allowed text (the answer may end here). */
    public boolean accepting() {
      if (done) {
        return true;
      }
      for (Stack s : stacks) {
        if (s.rest() == null && s.top().canEnd()) {
          return true;
        }
      }
      return false;
    }

    /** Whether nothing more may follow (a finished object or array, not a number that may grow). */
    public boolean finished() {
      return done && stacks.isEmpty();
    }
  }

  public State start() {
    List<Stack> stacks = new ArrayList<>();
    push(new Value(root), null, stacks);
    return new State(stacks, false);
  }

  /** The state after {@code bytes}, from {@code state}. */
  public State feed(State state, byte[] bytes) {
    State s = state;
    for (byte b : bytes) {
      s = feed(s, b & 0xff);
      if (s.dead()) {
        return s;
      }
    }
    return s;
  }

  public State feed(State state, int b) {
    Set<Stack> next = new LinkedHashSet<>();
    boolean done = false;
    for (Stack stack : state.stacks()) {
      done |= step(stack, b, next);
    }
    return new State(new ArrayList<>(next), done);
  }

  /** Whether {@code text} is a whole allowed text. */
  public boolean accepts(String text) {
    State s = feed(start(), text.getBytes(StandardCharsets.UTF_8));
    return !s.dead() && s.accepting();
  }

  /**
   * Feeds {@code b} to {@code stack}, adding the stacks it leads to; returns true when it completes
   * the root value with nothing left.
   */
  private static boolean step(Stack stack, int b, Set<Stack> out) {
    Outcome o = stack.top().feed(b);
    return switch (o.kind()) {
      case REJECT -> false;
      case CONTINUE -> {
        Stack base = new Stack(o.next(), stack.rest());
        if (o.child() != null) {
          push(o.child(), base, out);
        } else {
          out.add(base);
        }
        yield false;
      }
      case PUSH_AND_FEED -> {
        // the frame waits for a child value that starts with this very byte
        Stack base = new Stack(o.next(), stack.rest());
        List<Stack> children = new ArrayList<>();
        push(o.child(), base, children);
        boolean done = false;
        for (Stack child : children) {
          done |= step(child, b, out);
        }
        yield done;
      }
      case DONE -> finish(stack.rest(), out);
      case DONE_BEFORE -> {
        // the frame ended before this byte: its parent takes the byte
        if (stack.rest() == null) {
          yield false; // nothing may follow the root value
        }
        Stack parent = completed(stack.rest());
        yield step(parent, b, out);
      }
    };
  }

  /** The parent after its child value completed; true when the root completed. */
  private static boolean finish(Stack rest, Set<Stack> out) {
    if (rest == null) {
      return true;
    }
    out.add(completed(rest));
    return false;
  }

  private static Stack completed(Stack parent) {
    return new Stack(parent.top().childDone(), parent.rest());
  }

  /** Pushes a value frame, expanding anyOf into one stack per option. */
  private static void push(Frame frame, Stack base, java.util.Collection<Stack> out) {
    if (frame instanceof Value(SchemaNode.AnyOfNode any)) {
      for (SchemaNode option : any.options()) {
        push(new Value(option), base, out);
      }
    } else {
      out.add(new Stack(frame, base));
    }
  }

  // ---------------------------------------------------------------------------------- frames

  enum Kind { REJECT, CONTINUE, PUSH_AND_FEED, DONE, DONE_BEFORE }

  /** What a byte does to a frame: the frame's next form, and a child value to push on it. */
  record Outcome(Kind kind, Frame next, Frame child) {
    static final Outcome REJECT = new Outcome(Kind.REJECT, null, null);
    static final Outcome DONE = new Outcome(Kind.DONE, null, null);
    static final Outcome DONE_BEFORE = new Outcome(Kind.DONE_BEFORE, null, null);

    static Outcome to(Frame next) {
      return new Outcome(Kind.CONTINUE, next, null);
    }

    static Outcome push(Frame next, Frame child) {
      return new Outcome(Kind.CONTINUE, next, child);
    }

    static Outcome pushAndFeed(Frame next, Frame child) {
      return new Outcome(Kind.PUSH_AND_FEED, next, child);
    }
  }

  sealed interface Frame {
    Outcome feed(int b);

    /** Whether the frame's value may end here without another byte (numbers, some literals). */
    default boolean canEnd() {
      return false;
    }

    /** The frame once the child value it pushed is complete. */
    default Frame childDone() {
      throw new IllegalStateException(this + " has no child");
    }
  }

  /** A value not begun: its first byte says which frame it becomes. */
  record Value(SchemaNode node) implements Frame {
    @Override
    public Outcome feed(int b) {
      Frame start = switch (node) {
        case SchemaNode.ObjectNode object -> b == '{' ? new ObjectFrame(object, 0, ObjectFrame.OPENED, -1, 0, null) : null;
        case SchemaNode.ArrayNode array -> b == '[' ? new ArrayFrame(array, 0, ArrayFrame.OPENED) : null;
        case SchemaNode.StringNode string -> b == '"' ? new StringFrame(string.maxLength(), 0, 0) : null;
        case SchemaNode.NumberNode number -> NumberFrame.begin(number.integer(), b);
        case SchemaNode.BooleanNode bool -> LiteralFrame.begin(BOOLEANS, b);
        case SchemaNode.NullNode nul -> LiteralFrame.begin(NULL, b);
        case SchemaNode.LiteralNode literal -> LiteralFrame.begin(literal.texts(), b);
        case SchemaNode.AnyObjectNode object -> b == '{' ? new FreeObjectFrame(FreeObjectFrame.OPENED) : null;
        case SchemaNode.AnyValueNode any -> switch (b) {
          case '{' -> new FreeObjectFrame(FreeObjectFrame.OPENED);
          case '[' -> new FreeArrayFrame(FreeArrayFrame.OPENED);
          case '"' -> new StringFrame(-1, 0, 0);
          case 't', 'f', 'n' -> LiteralFrame.begin(KEYWORDS, b);
          default -> NumberFrame.begin(false, b);
        };
        case SchemaNode.AnyOfNode any -> throw new IllegalStateException("anyOf is expanded when pushed");
      };
      if (start == null) {
        return Outcome.REJECT;
      }
      if (start instanceof LiteralFrame literal && literal.complete()) {
        return literal.moreAfter() ? Outcome.to(literal) : Outcome.DONE;
      }
      return Outcome.to(start);
    }
  }

  /**
   * An object of a schema: {@code phase} OPENED (after '{'), KEY (inside a key: {@code alive} is
   * the bit set of candidate properties, {@code at} the bytes matched), COLON, VALUE (a property's
   * value pushed), AFTER (a value done: ',' or '}'), COMMA (after ','). {@code next} is the first
   * property still allowed.
   */
  record ObjectFrame(SchemaNode.ObjectNode node, int next, int phase, int chosen, int at,
      long[] alive) implements Frame {
    static final int OPENED = 0;
    static final int KEY = 1;
    static final int COLON = 2;
    static final int VALUE = 3;
    static final int AFTER = 4;
    static final int COMMA = 5;

    @Override
    public Outcome feed(int b) {
      List<SchemaNode.Property> props = node.properties();
      switch (phase) {
        case OPENED, COMMA -> {
          if (b == '}' && phase == OPENED && noRequiredFrom(next)) {
            return Outcome.DONE;
          }
          if (b != '"') {
            return Outcome.REJECT;
          }
          long[] candidates = new long[(props.size() + 63) / 64];
          boolean any = false;
          for (int i = next; i < props.size(); i++) {
            candidates[i / 64] |= 1L << (i % 64);
            any = true;
            if (props.get(i).required()) {
              break; // a later property cannot come before a required one
            }
          }
          return any ? Outcome.to(new ObjectFrame(node, next, KEY, -1, 1, candidates)) : Outcome.REJECT;
        }
        case KEY -> {
          long[] still = new long[alive.length];
          int complete = -1;
          boolean any = false;
          for (int i = next; i < props.size(); i++) {
            if ((alive[i / 64] & (1L << (i % 64))) == 0) {
              continue;
            }
            byte[] key = props.get(i).key();
            if (at < key.length && (key[at] & 0xff) == b) {
              if (at + 1 == key.length) {
                complete = i;
              } else {
                still[i / 64] |= 1L << (i % 64);
                any = true;
              }
            }
          }
          if (complete >= 0) {
            // keys end with their closing quote: a complete key is the only candidate left
            return Outcome.to(new ObjectFrame(node, next, COLON, complete, 0, null));
          }
          return any ? Outcome.to(new ObjectFrame(node, next, KEY, -1, at + 1, still)) : Outcome.REJECT;
        }
        case COLON -> {
          if (b != ':') {
            return Outcome.REJECT;
          }
          return Outcome.push(new ObjectFrame(node, next, VALUE, chosen, 0, null),
              new Value(props.get(chosen).value()));
        }
        case AFTER -> {
          if (b == ',' && chosen + 1 < props.size()) {
            return Outcome.to(new ObjectFrame(node, chosen + 1, COMMA, -1, 0, null));
          }
          if (b == '}' && noRequiredFrom(chosen + 1)) {
            return Outcome.DONE;
          }
          return Outcome.REJECT;
        }
        default -> {
          return Outcome.REJECT;
        }
      }
    }

    private boolean noRequiredFrom(int from) {
      for (int i = from; i < node.properties().size(); i++) {
        if (node.properties().get(i).required()) {
          return false;
        }
      }
      return true;
    }

    @Override
    public Frame childDone() {
      return new ObjectFrame(node, next, AFTER, chosen, 0, null);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ObjectFrame f && f.node == node && f.next == next && f.phase == phase
          && f.chosen == chosen && f.at == at && java.util.Arrays.equals(f.alive, alive);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(System.identityHashCode(node), next, phase, chosen, at,
          java.util.Arrays.hashCode(alive));
    }
  }

  /** An array: OPENED (after '['), ITEM (an item pushed), AFTER (',' or ']'), COMMA. */
  record ArrayFrame(SchemaNode.ArrayNode node, int count, int phase) implements Frame {
    static final int OPENED = 0;
    static final int ITEM = 1;
    static final int AFTER = 2;
    static final int COMMA = 3;

    @Override
    public Outcome feed(int b) {
      switch (phase) {
        case OPENED -> {
          if (b == ']') {
            return node.minItems() == 0 ? Outcome.DONE : Outcome.REJECT;
          }
          if (node.maxItems() == 0) {
            return Outcome.REJECT;
          }
          return Outcome.pushAndFeed(new ArrayFrame(node, count, ITEM), new Value(node.items()));
        }
        case COMMA -> {
          return Outcome.pushAndFeed(new ArrayFrame(node, count, ITEM), new Value(node.items()));
        }
        case AFTER -> {
          if (b == ',' && (node.maxItems() < 0 || count < node.maxItems())) {
            return Outcome.to(new ArrayFrame(node, count, COMMA));
          }
          if (b == ']' && count >= node.minItems()) {
            return Outcome.DONE;
          }
          return Outcome.REJECT;
        }
        default -> {
          return Outcome.REJECT;
        }
      }
    }

    @Override
    public Frame childDone() {
      return new ArrayFrame(node, count + 1, AFTER);
    }
  }

  /**
   * Inside a string after its opening quote: {@code length} characters so far (a character is
   * counted at its first byte, so an escape or a multi-byte character never runs past the
   * maximum half-way), {@code escape} 0 (plain), 1 (after a backslash) or 2..5 (hex digits of a
   * \\u escape still due, plus one), {@code need} continuation bytes of a UTF-8 character still
   * due and the {@code range} the next one must fall in (only well-formed UTF-8 is let through).
   */
  record StringFrame(int maxLength, int length, int escape, int need, int range) implements Frame {
    StringFrame(int maxLength, int length, int escape) {
      this(maxLength, length, escape, 0, 0);
    }

    /** Continuation byte ranges: 80-BF, A0-BF (after E0), 80-9F (ED), 90-BF (F0), 80-8F (F4). */
    private static final int[][] RANGES = {{0x80, 0xBF}, {0xA0, 0xBF}, {0x80, 0x9F}, {0x90, 0xBF}, {0x80, 0x8F}};

    @Override
    public Outcome feed(int b) {
      if (need > 0) {
        if (b < RANGES[range][0] || b > RANGES[range][1]) {
          return Outcome.REJECT;
        }
        return Outcome.to(new StringFrame(maxLength, length, 0, need - 1, 0));
      }
      if (escape == 1) {
        if (b == 'u') {
          return Outcome.to(new StringFrame(maxLength, length, 5));
        }
        return "\"\\/bfnrt".indexOf(b) >= 0 ? Outcome.to(new StringFrame(maxLength, length, 0)) : Outcome.REJECT;
      }
      if (escape > 1) {
        boolean hex = (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
        return hex ? Outcome.to(new StringFrame(maxLength, length, escape == 2 ? 0 : escape - 1)) : Outcome.REJECT;
      }
      if (b == '"') {
        return Outcome.DONE;
      }
      if (b < 0x20) {
        return Outcome.REJECT;
      }
      if (maxLength >= 0 && length + 1 > maxLength) {
        return Outcome.REJECT; // only the closing quote is left
      }
      if (b == '\\') {
        return Outcome.to(new StringFrame(maxLength, counted(), 1));
      }
      if (b < 0x80) {
        return Outcome.to(new StringFrame(maxLength, counted(), 0));
      }
      if (b >= 0xC2 && b <= 0xDF) {
        return Outcome.to(new StringFrame(maxLength, counted(), 0, 1, 0));
      }
      if (b >= 0xE0 && b <= 0xEF) {
        return Outcome.to(new StringFrame(maxLength, counted(), 0, 2, b == 0xE0 ? 1 : b == 0xED ? 2 : 0));
      }
      if (b >= 0xF0 && b <= 0xF4) {
        return Outcome.to(new StringFrame(maxLength, counted(), 0, 3, b == 0xF0 ? 3 : b == 0xF4 ? 4 : 0));
      }
      return Outcome.REJECT; // a stray continuation byte, or bytes UTF-8 never uses
    }

    /**
     * The length after one more character; an unbounded string does not count, so its state
     * stays the same from character to character and a mask computed once serves them all.
     */
    private int counted() {
      return maxLength < 0 ? 0 : length + 1;
    }
  }

  /**
   * A number: {@code phase} MINUS, ZERO (a leading 0), INT, DOT, FRACTION, E, E_SIGN, EXPONENT;
   * it may end after a digit, and the byte after it goes to the parent.
   */
  record NumberFrame(boolean integer, int phase, int digits) implements Frame {
    static final int MINUS = 0;
    static final int ZERO = 1;
    static final int INT = 2;
    static final int DOT = 3;
    static final int FRACTION = 4;
    static final int E = 5;
    static final int E_SIGN = 6;
    static final int EXPONENT = 7;

    static NumberFrame begin(boolean integer, int b) {
      if (b == '-') {
        return new NumberFrame(integer, MINUS, 0);
      }
      if (b == '0') {
        return new NumberFrame(integer, ZERO, 1);
      }
      if (b >= '1' && b <= '9') {
        return new NumberFrame(integer, INT, 1);
      }
      return null;
    }

    @Override
    public Outcome feed(int b) {
      boolean digit = b >= '0' && b <= '9';
      // digits counts the mantissa's digits, then (from E on) the exponent's
      boolean roomInMantissa = digits < MAX_DIGITS;
      boolean roomInExponent = digits < MAX_EXPONENT_DIGITS;
      return switch (phase) {
        case MINUS -> b == '0' ? Outcome.to(new NumberFrame(integer, ZERO, 1))
            : digit ? Outcome.to(new NumberFrame(integer, INT, 1)) : Outcome.REJECT;
        case ZERO, INT -> {
          if (digit) {
            yield phase == INT && roomInMantissa ? Outcome.to(new NumberFrame(integer, INT, digits + 1))
                : Outcome.REJECT;
          }
          if (!integer && b == '.' && roomInMantissa) {
            yield Outcome.to(new NumberFrame(integer, DOT, digits));
          }
          if (!integer && (b == 'e' || b == 'E')) {
            yield Outcome.to(new NumberFrame(integer, E, 0));
          }
          yield Outcome.DONE_BEFORE;
        }
        case DOT -> digit ? Outcome.to(new NumberFrame(integer, FRACTION, digits + 1)) : Outcome.REJECT;
        case FRACTION -> {
          if (digit) {
            yield roomInMantissa ? Outcome.to(new NumberFrame(integer, FRACTION, digits + 1)) : Outcome.REJECT;
          }
          yield b == 'e' || b == 'E' ? Outcome.to(new NumberFrame(integer, E, 0)) : Outcome.DONE_BEFORE;
        }
        case E -> b == '+' || b == '-' ? Outcome.to(new NumberFrame(integer, E_SIGN, 0))
            : digit ? Outcome.to(new NumberFrame(integer, EXPONENT, 1)) : Outcome.REJECT;
        case E_SIGN -> digit ? Outcome.to(new NumberFrame(integer, EXPONENT, 1)) : Outcome.REJECT;
        case EXPONENT -> digit ? (roomInExponent ? Outcome.to(new NumberFrame(integer, EXPONENT, digits + 1))
            : Outcome.REJECT) : Outcome.DONE_BEFORE;
        default -> Outcome.REJECT;
      };
    }

    @Override
    public boolean canEnd() {
      return phase == ZERO || phase == INT || phase == FRACTION || phase == EXPONENT;
    }
  }

  private static final List<byte[]> BOOLEANS = SchemaNode.LiteralNode.of(List.of("true", "false")).texts();
  private static final List<byte[]> NULL = SchemaNode.LiteralNode.of(List.of("null")).texts();
  private static final List<byte[]> KEYWORDS =
      SchemaNode.LiteralNode.of(List.of("true", "false", "null")).texts();

  /** Literal texts ({@code true}, an enum's values) as bytes, {@code at} bytes matched so far. */
  record LiteralFrame(List<byte[]> alive, int at) implements Frame {
    static LiteralFrame begin(List<byte[]> texts, int b) {
      return new LiteralFrame(texts, 0).advance(b);
    }

    /** The candidates that go on with {@code b}; null when none does. */
    LiteralFrame advance(int b) {
      List<byte[]> still = new ArrayList<>(alive.size());
      for (byte[] text : alive) {
        if (at < text.length && (text[at] & 0xff) == b) {
          still.add(text);
        }
      }
      return still.isEmpty() ? null : new LiteralFrame(List.copyOf(still), at + 1);
    }

    /** Some candidate is whole. */
    boolean complete() {
      for (byte[] text : alive) {
        if (text.length == at) {
          return true;
        }
      }
      return false;
    }

    /** Some candidate is longer. */
    boolean moreAfter() {
      for (byte[] text : alive) {
        if (text.length > at) {
          return true;
        }
      }
      return false;
    }

    @Override
    public Outcome feed(int b) {
      LiteralFrame next = advance(b);
      if (next == null) {
        return complete() ? Outcome.DONE_BEFORE : Outcome.REJECT;
      }
      if (next.complete() && !next.moreAfter()) {
        return Outcome.DONE;
      }
      return Outcome.to(next);
    }

    @Override
    public boolean canEnd() {
      return complete();
    }
  }

  /** An object of any keys and values: OPENED, KEY (a key string pushed), COLON, VALUE, AFTER, COMMA. */
  record FreeObjectFrame(int phase) implements Frame {
    static final int OPENED = 0;
    static final int KEY = 1;
    static final int COLON = 2;
    static final int VALUE = 3;
    static final int AFTER = 4;
    static final int COMMA = 5;

    @Override
    public Outcome feed(int b) {
      return switch (phase) {
        case OPENED, COMMA -> {
          if (b == '}' && phase == OPENED) {
            yield Outcome.DONE;
          }
          yield b == '"' ? Outcome.push(new FreeObjectFrame(KEY), new StringFrame(-1, 0, 0)) : Outcome.REJECT;
        }
        case COLON -> b == ':' ? Outcome.push(new FreeObjectFrame(VALUE), new Value(new SchemaNode.AnyValueNode()))
            : Outcome.REJECT;
        case AFTER -> b == ',' ? Outcome.to(new FreeObjectFrame(COMMA)) : b == '}' ? Outcome.DONE : Outcome.REJECT;
        default -> Outcome.REJECT;
      };
    }

    @Override
    public Frame childDone() {
      return new FreeObjectFrame(phase == KEY ? COLON : AFTER);
    }
  }

  /** An array of any values: OPENED, ITEM, AFTER, COMMA. */
  record FreeArrayFrame(int phase) implements Frame {
    static final int OPENED = 0;
    static final int ITEM = 1;
    static final int AFTER = 2;
    static final int COMMA = 3;

    @Override
    public Outcome feed(int b) {
      return switch (phase) {
        case OPENED -> b == ']' ? Outcome.DONE
            : Outcome.pushAndFeed(new FreeArrayFrame(ITEM), new Value(new SchemaNode.AnyValueNode()));
        case COMMA -> Outcome.pushAndFeed(new FreeArrayFrame(ITEM), new Value(new SchemaNode.AnyValueNode()));
        case AFTER -> b == ',' ? Outcome.to(new FreeArrayFrame(COMMA)) : b == ']' ? Outcome.DONE : Outcome.REJECT;
        default -> Outcome.REJECT;
      };
    }

    @Override
    public Frame childDone() {
      return new FreeArrayFrame(AFTER);
    }
  }
}
