package dev.quire.generation.chat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * The methods of Python's {@code str} that chat templates call ({@code content.startswith('<')},
 * {@code content.split('</think>')[-1].lstrip('\n')}), which Jinjava, resolving methods on
 * {@link String} by their Java names, lacks or gives Java meanings ({@code split} takes a regex
 * there). Placed before Jinjava's resolver, it answers calls of these names on strings and leaves
 * everything else to it.
 */
final class PythonStringMethods extends ELResolver {

  private static final Set<String> METHODS = Set.of("startswith", "endswith", "strip", "lstrip",
      "rstrip", "split", "rsplit", "upper", "lower", "title", "capitalize", "replace", "find",
      "count", "join", "splitlines", "isdigit", "isspace");

  @Override
  public Object invoke(ELContext context, Object base, Object method, Class<?>[] types,
      Object[] params) {
    if (!(base instanceof String s) || !(method instanceof String name) || !METHODS.contains(name)) {
      return null;
    }
    Object[] args = params == null ? new Object[0] : params;
    Object result = switch (name) {
      case "startswith" -> affix(s, args, true);
      case "endswith" -> affix(s, args, false);
      case "strip" -> rstrip(lstrip(s, chars(args)), chars(args));
      case "lstrip" -> lstrip(s, chars(args));
      case "rstrip" -> rstrip(s, chars(args));
      case "split" -> split(s, args.length > 0 ? args[0] : null, maxSplit(args), false);
      case "rsplit" -> split(s, args.length > 0 ? args[0] : null, maxSplit(args), true);
      case "upper" -> s.toUpperCase(java.util.Locale.ROOT);
      case "lower" -> s.toLowerCase(java.util.Locale.ROOT);
      case "title" -> title(s);
      case "capitalize" -> s.isEmpty() ? s
          : s.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + s.substring(1).toLowerCase(java.util.Locale.ROOT);
      case "replace" -> replace(s, str(args, 0), str(args, 1),
          args.length > 2 ? ((Number) args[2]).intValue() : -1);
      case "find" -> (long) s.indexOf(str(args, 0));
      case "count" -> (long) count(s, str(args, 0));
      case "join" -> join(s, args.length > 0 ? args[0] : List.of());
      case "splitlines" -> splitlines(s);
      case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
      case "isspace" -> !s.isEmpty() && s.chars().allMatch(c -> isSpace((char) c));
      default -> throw new IllegalStateException(name);
    };
    context.setPropertyResolved(true);
    return result;
  }

  private static String str(Object[] args, int i) {
    if (args.length <= i || args[i] == null) {
      throw new IllegalArgumentException("missing string argument " + (i + 1));
    }
    return args[i].toString();
  }

  private static boolean affix(String s, Object[] args, boolean prefix) {
    Object arg = args.length > 0 ? args[0] : null;
    Collection<?> options = arg instanceof Collection<?> c ? c : List.of(String.valueOf(arg));
    for (Object option : options) {
      String o = String.valueOf(option);
      if (prefix ? s.startsWith(o) : s.endsWith(o)) {
        return true;
      }
    }
    return false;
  }

  /** The characters to strip, or null for Python's whitespace. */
  private static String chars(Object[] args) {
    return args.length > 0 && args[0] != null ? args[0].toString() : null;
  }

  private static boolean strips(char c, String chars) {
    return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
  }

  /** Python's str.isspace for one character. */
  static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
  }

  static String lstrip(String s, String chars) {
    int start = 0;
    while (start < s.length() && strips(s.charAt(start), chars)) {
      start++;
    }
    return s.substring(start);
  }

  static String rstrip(String s, String chars) {
    int end = s.length();
    while (end > 0 && strips(s.charAt(end - 1), chars)) {
      end--;
    }
    return s.substring(0, end);
  }

  private static int maxSplit(Object[] args) {
    return args.length > 1 && args[1] != null ? ((Number) args[1]).intValue() : -1;
  }

  /** Python's str.split / rsplit: on a literal separator, or on whitespace runs when null. */
  static List<String> split(String s, Object separator, int maxSplit, boolean fromRight) {
    List<String> parts = new ArrayList<>();
    if (separator == null) {
      // whitespace runs; no empty strings at either end
      List<int[]> words = new ArrayList<>();
      int i = 0;
      while (i < s.length()) {
        while (i < s.length() && isSpace(s.charAt(i))) {
          i++;
        }
        int start = i;
        while (i < s.length() && !isSpace(s.charAt(i))) {
          i++;
        }
        if (i > start) {
          words.add(new int[] {start, i});
        }
      }
      if (maxSplit < 0 || words.size() <= maxSplit + 1) {
        words.forEach(w -> parts.add(s.substring(w[0], w[1])));
      } else if (!fromRight) {
        for (int w = 0; w < maxSplit; w++) {
          parts.add(s.substring(words.get(w)[0], words.get(w)[1]));
        }
        parts.add(rstrip(s.substring(words.get(maxSplit)[0]), null));
      } else {
        int keep = words.size() - maxSplit;
        parts.add(lstrip(s.substring(0, words.get(keep - 1)[1]), null));
        for (int w = keep; w < words.size(); w++) {
          parts.add(s.substring(words.get(w)[0], words.get(w)[1]));
        }
      }
      return parts;
    }
    String sep = separator.toString();
    if (sep.isEmpty()) {
      throw new IllegalArgumentException("empty separator");
    }
    if (!fromRight) {
      int from = 0;
      int splits = 0;
      int at;
      while ((maxSplit < 0 || splits < maxSplit) && (at = s.indexOf(sep, from)) >= 0) {
        parts.add(s.substring(from, at));
        from = at + sep.length();
        splits++;
      }
      parts.add(s.substring(from));
      return parts;
    }
    int end = s.length();
    int splits = 0;
    int at;
    while ((maxSplit < 0 || splits < maxSplit) && end >= 0
        && (at = s.lastIndexOf(sep, end - sep.length())) >= 0) {
      parts.addFirst(s.substring(at + sep.length(), end));
      end = at;
      splits++;
    }
    parts.addFirst(s.substring(0, end));
    return parts;
  }

  /** Python's str.splitlines(): at \n, \r or \r\n, no empty string after a final break. */
  static List<String> splitlines(String s) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\n' || c == '\r') {
        lines.add(s.substring(start, i));
        i += (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') ? 2 : 1;
        start = i;
      } else {
        i++;
      }
    }
    if (start < s.length()) {
      lines.add(s.substring(start));
    }
    return lines;
  }

  private static String title(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean previousCased = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
      previousCased = Character.isLetter(c);
    }
    return out.toString();
  }

  private static String replace(String s, String old, String replacement, int count) {
    if (count < 0) {
      return s.replace(old, replacement);
    }
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (int n = 0; n < count; n++) {
      int at = s.indexOf(old, from);
      if (at < 0) {
        break;
      }
      out.append(s, from, at).append(replacement);
      from = at + old.length();
      if (old.isEmpty()) {
        if (from < s.length()) {
          out.append(s.charAt(from));
        }
        from++;
      }
    }
    if (from <= s.length()) {
      out.append(s.substring(Math.min(from, s.length())));
    }
    return out.toString();
  }

  private static int count(String s, String part) {
    if (part.isEmpty()) {
      return s.length() + 1;
    }
    int n = 0;
    for (int at = s.indexOf(part); at >= 0; at = s.indexOf(part, at + part.length())) {
      n++;
    }
    return n;
  }

  private static String join(String separator, Object items) {
    StringBuilder out = new StringBuilder();
    Iterator<?> it = items instanceof Iterable<?> iterable ? iterable.iterator()
        : List.of(items).iterator();
    while (it.hasNext()) {
      out.append(it.next());
      if (it.hasNext()) {
        out.append(separator);
      }
    }
    return out.toString();
  }

  // property access and assignment are Jinjava's
  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {}

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return true;
  }

  @Override
  public Iterator<java.beans.FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return null;
  }

  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return String.class;
  }
}
