package dev.quire.generation.chat;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Locale;

/** Python's {@code strftime} for the directives chat templates use (C locale). */
final class Strftime {

  private Strftime() {}

  static String format(ZonedDateTime time, String format) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%' || i + 1 == format.length()) {
        out.append(c);
        continue;
      }
      char d = format.charAt(++i);
      out.append(switch (d) {
        case 'Y' -> String.valueOf(time.getYear());
        case 'y' -> String.format("%02d", time.getYear() % 100);
        case 'm' -> String.format("%02d", time.getMonthValue());
        case 'd' -> String.format("%02d", time.getDayOfMonth());
        case 'H' -> String.format("%02d", time.getHour());
        case 'I' -> String.format("%02d", (time.getHour() + 11) % 12 + 1);
        case 'M' -> String.format("%02d", time.getMinute());
        case 'S' -> String.format("%02d", time.getSecond());
        case 'p' -> time.getHour() < 12 ? "AM" : "PM";
        case 'j' -> String.format("%03d", time.getDayOfYear());
        case 'b' -> time.getMonth().getDisplayName(TextStyle.SHORT, Locale.ROOT);
        case 'B' -> time.getMonth().getDisplayName(TextStyle.FULL, Locale.ROOT);
        case 'a' -> time.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ROOT);
        case 'A' -> time.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ROOT);
        case 'Z' -> time.getZone().getDisplayName(TextStyle.SHORT, Locale.ROOT);
        case 'z' -> time.format(DateTimeFormatter.ofPattern("xx"));
        case '%' -> "%";
        default -> "%" + d;
      });
    }
    return out.toString();
  }
}
