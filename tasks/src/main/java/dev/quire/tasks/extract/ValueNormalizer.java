package dev.quire.tasks.extract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A value as printed (and copied by the model) read into one form per {@link FieldKind}: dates as
 * ISO-8601, amounts as decimals with their currency, percentages as numbers, e-mail addresses
 * lower-cased, phone numbers in E.164 (libphonenumber), EIN/SSN/TIN in their dashed forms and
 * masked to the last four digits unless the caller may see them. A value that cannot be read
 * keeps its text and says why: the answer is reported, never dropped.
 */
public final class ValueNormalizer {

  /** The value read, its currency (amounts only, else null), or why it could not be read. */
  public record Normalized(JsonNode value, String currency, String problem) {
    static Normalized of(JsonNode value) {
      return new Normalized(value, null, null);
    }

    static Normalized failed(JsonNode value, String problem) {
      return new Normalized(value, null, problem);
    }

    public boolean ok() {
      return problem == null;
    }
  }

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("jan", 1),
      Map.entry("feb", 2), Map.entry("mar", 3), Map.entry("apr", 4), Map.entry("may", 5),
      Map.entry("jun", 6), Map.entry("jul", 7), Map.entry("aug", 8), Map.entry("sep", 9),
      Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12));
  private static final Map<String, String> SYMBOLS = Map.of("$", "USD", "€", "EUR", "£", "GBP",
      "¥", "JPY", "₹", "INR", "₩", "KRW", "₽", "RUB", "₺", "TRY", "₪", "ILS", "₫", "VND");
  private static final Pattern ISO = Pattern.compile("(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})");
  private static final Pattern NUMERIC = Pattern.compile("(\\d{1,2})([-/.])(\\d{1,2})\\2(\\d{2}|\\d{4})");
  private static final Pattern MONTH_FIRST =
      Pattern.compile("([a-z]{3,9})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})");
  private static final Pattern DAY_FIRST =
      Pattern.compile("(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?([a-z]{3,9})\\.?,?\\s+(\\d{4})");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s.]+");
  private static final Pattern MASKED_ID = Pattern.compile("[*xX•#]{1,5}[- ]?[*xX•#]{0,3}[- ]?[*xX•#]{0,4}(\\d{4})");

  private ValueNormalizer() {}

  /**
   * {@code value} read as {@code kind}; {@code revealIdentifiers} leaves EIN/SSN/TIN whole.
   * A null value stays null.
   */
  public static Normalized normalize(FieldKind kind, JsonNode value, boolean revealIdentifiers) {
    if (value == null || value.isNull()) {
      return Normalized.of(F.nullNode());
    }
    String text = value.asText().strip();
    if (text.isEmpty()) {
      return Normalized.of(F.nullNode());
    }
    return switch (kind) {
      case DATE -> date(value, text);
      case MONEY -> money(value, text);
      case PERCENT -> percent(value, text);
      case EMAIL -> email(value, text);
      case PHONE -> phone(value, text);
      case EIN, SSN, TIN -> identifier(kind, value, text, revealIdentifiers);
    };
  }

  static Normalized date(JsonNode value, String text) {
    String t = text.toLowerCase(Locale.ROOT).replaceFirst("^[a-z]+day,?\\s+", "");
    try {
      Matcher m = ISO.matcher(t);
      if (m.matches()) {
        return iso(LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3))));
      }
      m = NUMERIC.matcher(t);
      if (m.matches()) {
        int a = Integer.parseInt(m.group(1));
        int b = Integer.parseInt(m.group(3));
        int year = year(m.group(4));
        // a dot is the day-first convention (15.03.2024); otherwise month first unless it can't be
        boolean dayFirst = m.group(2).equals(".") || a > 12;
        return iso(dayFirst ? LocalDate.of(year, b, a) : LocalDate.of(year, a, b));
      }
      m = MONTH_FIRST.matcher(t);
      if (m.matches() && month(m.group(1)) > 0) {
        return iso(LocalDate.of(Integer.parseInt(m.group(3)), month(m.group(1)),
            Integer.parseInt(m.group(2))));
      }
      m = DAY_FIRST.matcher(t);
      if (m.matches() && month(m.group(2)) > 0) {
        return iso(LocalDate.of(Integer.parseInt(m.group(3)), month(m.group(2)),
            Integer.parseInt(m.group(1))));
      }
    } catch (DateTimeException e) {
      return Normalized.failed(value, "'" + text + "' is not a calendar date (" + e.getMessage() + ")");
    }
    return Normalized.failed(value, "'" + text + "' is not a date Quire can read");
  }

  private static Normalized iso(LocalDate date) {
    return Normalized.of(F.textNode(date.toString()));
  }

  private static int year(String digits) {
    int y = Integer.parseInt(digits);
    return digits.length() == 2 ? (y <= 68 ? 2000 + y : 1900 + y) : y;
  }

  private static int month(String name) {
    if (name.length() < 3) {
      return -1;
    }
    String full = name.toLowerCase(Locale.ROOT);
    Integer m = MONTHS.get(full.substring(0, 3));
    if (m == null) {
      return -1;
    }
    // "mar" or "march" or "sept", not "marble"
    java.time.Month month = java.time.Month.of(m);
    String english = month.name().toLowerCase(Locale.ROOT);
    return english.startsWith(full) || full.equals("sept") ? m : -1;
  }

  static Normalized money(JsonNode value, String text) {
    if (value.isNumber()) {
      return new Normalized(F.numberNode(scaled(value.decimalValue())), null, null);
    }
    String t = text.replace('\u2212', '-');
    String currency = null;
    for (Map.Entry<String, String> symbol : SYMBOLS.entrySet()) {
      if (t.contains(symbol.getKey())) {
        currency = symbol.getValue();
        t = t.replace(symbol.getKey(), "");
      }
    }
    Matcher code = Pattern.compile("\\b([A-Z]{3})\\b").matcher(t);
    if (code.find()) {
      try {
        currency = Currency.getInstance(code.group(1)).getCurrencyCode();
        t = t.replace(code.group(1), "");
      } catch (IllegalArgumentException e) {
        return Normalized.failed(value, "'" + text + "' is not an amount ('" + code.group(1)
            + "' is no currency)");
      }
    }
    t = t.strip();
    boolean negative = false;
    if (t.startsWith("(") && t.endsWith(")")) {
      negative = true;
      t = t.substring(1, t.length() - 1).strip();
    }
    if (t.startsWith("-") || t.endsWith("-")) {
      negative = true;
      t = t.startsWith("-") ? t.substring(1) : t.substring(0, t.length() - 1);
    } else if (t.startsWith("+")) {
      t = t.substring(1);
    }
    t = t.replaceAll("[\\s\u00a0\u202f'\u2019]", "");
    BigDecimal number = decimal(t);
    if (number == null) {
      return Normalized.failed(value, "'" + text + "' is not an amount");
    }
    return new Normalized(F.numberNode(scaled(negative ? number.negate() : number)), currency, null);
  }

  /** Digits with thousands separators and a decimal point or comma, read either way round. */
  private static BigDecimal decimal(String t) {
    if (!t.matches("[0-9.,]*[0-9][0-9.,]*")) {
      return null;
    }
    int dot = t.lastIndexOf('.');
    int comma = t.lastIndexOf(',');
    String plain;
    if (dot >= 0 && comma >= 0) {
      char decimalMark = dot > comma ? '.' : ',';
      char group = decimalMark == '.' ? ',' : '.';
      plain = t.replace(String.valueOf(group), "").replace(decimalMark, '.');
    } else if (comma >= 0) {
      boolean grouping = t.indexOf(',') != comma || t.length() - comma - 1 == 3;
      plain = grouping ? t.replace(",", "") : t.replace(',', '.');
    } else if (dot >= 0 && t.indexOf('.') != dot) {
      plain = t.replace(".", "");
    } else {
      plain = t;
    }
    try {
      return new BigDecimal(plain);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static BigDecimal scaled(BigDecimal amount) {
    return amount.scale() < 2 ? amount.setScale(2, RoundingMode.UNNECESSARY) : amount;
  }

  static Normalized percent(JsonNode value, String text) {
    if (value.isNumber()) {
      return Normalized.of(value);
    }
    BigDecimal number = decimal(text.replace("%", "").replace(" ", "").replace("+", ""));
    if (number == null) {
      return Normalized.failed(value, "'" + text + "' is not a percentage");
    }
    return Normalized.of(F.numberNode(number));
  }

  static Normalized email(JsonNode value, String text) {
    String t = text.replaceFirst("(?i)^mailto:", "").replaceAll("^<|>$", "").strip();
    if (!EMAIL.matcher(t).matches()) {
      return Normalized.failed(value, "'" + text + "' is not an e-mail address");
    }
    int at = t.lastIndexOf('@');
    return Normalized.of(F.textNode(t.substring(0, at) + t.substring(at).toLowerCase(Locale.ROOT)));
  }

  static Normalized phone(JsonNode value, String text) {
    PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    try {
      Phonenumber.PhoneNumber number = phones.parse(text, "US");
      if (!phones.isPossibleNumber(number)) {
        return Normalized.failed(value, "'" + text + "' is not a phone number");
      }
      return Normalized.of(F.textNode(phones.format(number, PhoneNumberUtil.PhoneNumberFormat.E164)));
    } catch (NumberParseException e) {
      return Normalized.failed(value, "'" + text + "' is not a phone number (" + e.getMessage() + ")");
    }
  }

  static Normalized identifier(FieldKind kind, JsonNode value, String text, boolean reveal) {
    Matcher masked = MASKED_ID.matcher(text.replace(" ", ""));
    if (masked.matches()) {
      // printed masked already (a 1099's copy B): keep the last four, in Quire's mask
      String last4 = masked.group(1);
      return Normalized.of(F.textNode(kind == FieldKind.EIN ? "**-***" + last4 : "***-**-" + last4));
    }
    String digits = text.replaceAll("[\\s-]", "");
    if (!digits.matches("\\d{9}")) {
      return Normalized.failed(value, "'" + text + "' is not a 9-digit " + kind.name());
    }
    // a TIN printed 3-2-4 digits (123-45-6789) is an SSN or ITIN, 2-7 (12-3456789) an EIN; no dashes: by kind
    boolean ssnForm = kind == FieldKind.SSN
        || (kind == FieldKind.TIN && text.strip().matches("\\d{3}-\\d{2}-\\d{4}"));
    String last4 = digits.substring(5);
    if (ssnForm) {
      return Normalized.of(F.textNode(reveal
          ? digits.substring(0, 3) + "-" + digits.substring(3, 5) + "-" + last4 : "***-**-" + last4));
    }
    return Normalized.of(F.textNode(reveal ? digits.substring(0, 2) + "-" + digits.substring(2)
        : "**-***" + last4));
  }
}
