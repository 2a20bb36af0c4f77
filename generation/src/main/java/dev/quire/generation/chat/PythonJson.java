package dev.quire.generation.chat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Python's {@code json.dumps(x, ensure_ascii=False, indent=..., separators=None)}, the
 * {@code tojson} filter transformers gives chat templates: {@code ", "} and {@code ": "} between
 * items (or {@code ","} and a newline with an indent), non-ASCII kept, floats as Python's repr.
 * Jinjava's own {@code tojson} writes compact JSON, which would change every prompt with tools.
 */
final class PythonJson {

  private PythonJson() {}

  /** {@code value} as json.dumps writes it; {@code indent} null for one line. */
  static String dumps(Object value, Integer indent) {
    StringBuilder out = new StringBuilder();
    write(out, value, indent, 0);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value, Integer indent, int depth) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (value instanceof CharSequence s) {
      string(out, s.toString());
    } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      out.append(floatRepr(((Number) value).doubleValue()));
    } else if (value instanceof Number n) {
      out.append(n instanceof BigInteger ? n.toString() : Long.toString(n.longValue()));
    } else if (value instanceof Map<?, ?> map) {
      container(out, map.entrySet().iterator(), map.isEmpty(), '{', '}', indent, depth);
    } else if (value instanceof Collection<?> list) {
      container(out, list.iterator(), list.isEmpty(), '[', ']', indent, depth);
    } else if (value instanceof Object[] array) {
      container(out, java.util.Arrays.asList(array).iterator(), array.length == 0, '[', ']', indent, depth);
    } else {
      string(out, value.toString());
    }
  }

  private static void container(StringBuilder out, Iterator<?> items, boolean empty, char open,
      char close, Integer indent, int depth) {
    out.append(open);
    if (empty) {
      out.append(close);
      return;
    }
    boolean first = true;
    while (items.hasNext()) {
      Object item = items.next();
      if (!first) {
        out.append(indent == null ? ", " : ",");
      }
      first = false;
      if (indent != null) {
        out.append('\n').append(" ".repeat(indent * (depth + 1)));
      }
      if (item instanceof Map.Entry<?, ?> entry) {
        string(out, String.valueOf(entry.getKey()));
        out.append(": ");
        write(out, entry.getValue(), indent, depth + 1);
      } else {
        write(out, item, indent, depth + 1);
      }
    }
    if (indent != null) {
      out.append('\n').append(" ".repeat(indent * depth));
    }
    out.append(close);
  }

  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /**
   * Python's float repr: the shortest digits that read back (as Java's), written with an
   * exponent only below 1e-4 or from 1e16 on, as {@code 1e-05} and {@code 1e+16}.
   */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    String digits = exact.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - exact.scale(); // of the first digit
    String sign = d < 0 ? "-" : "";
    if (exponent < -4 || exponent >= 16) {
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      return sign + mantissa + "e" + (exponent < 0 ? "-" : "+")
          + String.format("%02d", Math.abs(exponent));
    }
    String plain = exact.abs().toPlainString();
    return sign + (plain.contains(".") ? plain : plain + ".0");
  }
}
