package dev.quire.samples;

import java.awt.Color;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts.FontName;

/**
 * The look of one document: fonts, accent colour, paper, date format, table style. Drawn at random
 * per document so that layouts vary across the corpus.
 */
record Style(
    PDFont regular,
    PDFont bold,
    PDFont italic,
    Color accent,
    PDRectangle paper,
    DateTimeFormatter dates,
    String currency,
    TableLook tables) {

  enum TableLook {
    /** Filled header, thin rules between rows. */
    RULED,
    /** Filled header, alternate rows shaded. */
    ZEBRA,
    /** Bold header underlined, no fills. */
    PLAIN
  }

  enum Family {
    HELVETICA(FontName.HELVETICA, FontName.HELVETICA_BOLD, FontName.HELVETICA_OBLIQUE),
    TIMES(FontName.TIMES_ROMAN, FontName.TIMES_BOLD, FontName.TIMES_ITALIC),
    COURIER(FontName.COURIER, FontName.COURIER_BOLD, FontName.COURIER_OBLIQUE);

    private final FontName regular;
    private final FontName bold;
    private final FontName italic;

    Family(FontName regular, FontName bold, FontName italic) {
      this.regular = regular;
      this.bold = bold;
      this.italic = italic;
    }
  }

  static final Color INK = new Color(0x22, 0x22, 0x22);
  static final Color GREY = new Color(0x66, 0x66, 0x66);
  static final Color RULE = new Color(0xBB, 0xBB, 0xBB);
  static final Color SHADE = new Color(0xF0, 0xF0, 0xF0);

  private static final List<Color> ACCENTS =
      List.of(
          new Color(0x1F, 0x4E, 0x79),
          new Color(0x2E, 0x7D, 0x32),
          new Color(0x8E, 0x24, 0xAA),
          new Color(0xC6, 0x28, 0x28),
          new Color(0x00, 0x69, 0x7C),
          new Color(0xEF, 0x6C, 0x00),
          new Color(0x37, 0x47, 0x4F),
          new Color(0x45, 0x27, 0xA0));

  private static final List<String> DATE_PATTERNS =
      List.of("MMMM d, yyyy", "MM/dd/yyyy", "yyyy-MM-dd", "d MMM yyyy", "MMM d, yyyy");

  static Style random(Random random, Family family, PDRectangle paper) {
    return new Style(
        new PDType1Font(family.regular),
        new PDType1Font(family.bold),
        new PDType1Font(family.italic),
        ACCENTS.get(random.nextInt(ACCENTS.size())),
        paper,
        DateTimeFormatter.ofPattern(
            DATE_PATTERNS.get(random.nextInt(DATE_PATTERNS.size())), Locale.US),
        random.nextInt(10) < 8 ? "$" : (random.nextBoolean() ? "€" : "£"),
        TableLook.values()[random.nextInt(TableLook.values().length)]);
  }

  /** Helvetica or Times (Courier is kept for receipts and forms), Letter or A4. */
  static Style randomDocument(Random random) {
    Family family = random.nextInt(3) == 0 ? Family.TIMES : Family.HELVETICA;
    return random(random, family, random.nextInt(3) == 0 ? PDRectangle.A4 : PDRectangle.LETTER);
  }

  String money(long cents) {
    return currency + Fabricator.amount(cents);
  }

  /** A lighter tint of the accent for fills. */
  Color tint() {
    return new Color(
        255 - (255 - accent.getRed()) / 6,
        255 - (255 - accent.getGreen()) / 6,
        255 - (255 - accent.getBlue()) / 6);
  }
}
