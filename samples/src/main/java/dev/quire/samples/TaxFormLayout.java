package dev.quire.samples;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.pdfbox.pdmodel.common.PDRectangle;

/** Look-alikes of the US information returns: Form W-2 and the 1099-NEC, -INT, -MISC and -DIV. */
final class TaxFormLayout {
  /**
   * A money box of a 1099: number, printed label, ground-truth field, value range, how often
   * filled.
   */
  private record MoneyBox(
      String number, String label, String field, long minCents, long maxCents, double filled) {}

  private static final float LEFT = 36;
  private static final float FORM_WIDTH = 540;

  private TaxFormLayout() {}

  private static void box(
      PageCanvas c,
      Style style,
      float x,
      float top,
      float w,
      float h,
      String label,
      List<String> value) {
    c.strokeRect(x, top - h, w, h, Style.INK, 0.7f);
    float labelY = top - 8;
    for (String line : PageCanvas.wrap(style.regular(), 6.5f, w - 6, label)) {
      c.text(style.regular(), 6.5f, x + 3, labelY, line);
      labelY -= 7.5f;
    }
    for (int i = 0; i < value.size(); i++) {
      float size = Tables.fitting(style.bold(), 9.5f, w - 8, value.get(i));
      c.text(style.bold(), size, x + 4, top - h + 5 + (value.size() - 1 - i) * 11, value.get(i));
    }
  }

  private static List<String> one(String value) {
    return value.isEmpty() ? List.of() : List.of(value);
  }

  static void drawW2(Draft draft, int year) {
    Fabricator fab = draft.fab;
    Style style = draft.style;
    Fabricator.Company employer = fab.company();
    Fabricator.Person employee = fab.person();
    String ssn = fab.maskedSsn();
    String ein = fab.ein();
    String control = fab.digits(7);
    long gross = fab.between(2_800_000L, 18_500_000L);
    long deferral = fab.chance(0.6) ? fab.between(100_000L, Math.min(2_300_000L, gross / 5)) : 0;
    long wages = gross - deferral;
    long federal = Math.round(wages * (0.08 + fab.random().nextDouble() * 0.14));
    long ssBase = 16_860_000L;
    long ssWages = Math.min(gross, ssBase);
    long ssTax = Math.round(ssWages * 0.062);
    long medicareTax = Math.round(gross * 0.0145);
    Fabricator.Address employerAddress = employer.address();
    String state = employerAddress.state();
    String stateId = state + " " + fab.digits(8);
    long stateTax = Math.round(wages * (0.02 + fab.random().nextDouble() * 0.05));

    DraftPage page = draft.newPage(PDRectangle.LETTER);
    PageCanvas c = page.canvas;
    float top = 752;
    c.text(style.bold(), 13, LEFT, top, "Form W-2 Wage and Tax Statement");
    c.textRight(style.bold(), 24, LEFT + FORM_WIDTH, top - 6, Integer.toString(year));
    c.text(
        style.regular(),
        8,
        LEFT,
        top - 14,
        "Copy B - To Be Filed With Employee's FEDERAL Tax Return.");
    c.text(
        style.regular(),
        7,
        LEFT,
        top - 24,
        "Department of the Treasury - Internal Revenue Service");
    c.textRight(style.regular(), 7, LEFT + FORM_WIDTH - 60, top - 24, "OMB No. 1545-0008");

    float gridTop = 712;
    float half = 270;
    float y = gridTop;
    box(c, style, LEFT, y, half, 30, "a Employee's social security number", one(ssn));
    y -= 30;
    box(c, style, LEFT, y, half, 30, "b Employer identification number (EIN)", one(ein));
    y -= 30;
    List<String> employerLines = new ArrayList<>(List.of(employer.name()));
    employerLines.addAll(employerAddress.lines());
    box(c, style, LEFT, y, half, 72, "c Employer's name, address, and ZIP code", employerLines);
    y -= 72;
    box(c, style, LEFT, y, half, 28, "d Control number", one(control));
    y -= 28;
    box(
        c,
        style,
        LEFT,
        y,
        half,
        40,
        "e Employee's first name and initial, Last name",
        one(employee.fullName()));
    y -= 40;
    box(
        c,
        style,
        LEFT,
        y,
        half,
        60,
        "f Employee's address and ZIP code",
        employee.address().lines());
    y -= 60;
    float gridBottom = y;

    String[][] right = {
      {"1 Wages, tips, other compensation", Fabricator.amount(wages)},
      {"2 Federal income tax withheld", Fabricator.amount(federal)},
      {"3 Social security wages", Fabricator.amount(ssWages)},
      {"4 Social security tax withheld", Fabricator.amount(ssTax)},
      {"5 Medicare wages and tips", Fabricator.amount(gross)},
      {"6 Medicare tax withheld", Fabricator.amount(medicareTax)},
      {"7 Social security tips", ""},
      {"8 Allocated tips", ""},
      {"9", ""},
      {"10 Dependent care benefits", ""},
      {"11 Nonqualified plans", ""},
      {"12a See instructions for box 12", deferral > 0 ? "D " + Fabricator.amount(deferral) : ""},
      {
        "13 Statutory employee / Retirement plan / Third-party sick pay",
        deferral > 0 ? "X Retirement plan" : ""
      },
      {"14 Other", ""}
    };
    float rowHeight = (gridTop - gridBottom) / 7;
    for (int i = 0; i < right.length; i++) {
      float x = LEFT + half + (i % 2) * (half / 2);
      float rowTop = gridTop - (i / 2) * rowHeight;
      box(c, style, x, rowTop, half / 2, rowHeight, right[i][0], one(right[i][1]));
    }
    String[][] bottom = {
      {"15 State", state, "40"},
      {"Employer's state ID number", stateId, "120"},
      {"16 State wages, tips, etc.", Fabricator.amount(wages), "95"},
      {"17 State income tax", Fabricator.amount(stateTax), "95"},
      {"18 Local wages, tips, etc.", "", "70"},
      {"19 Local income tax", "", "60"},
      {"20 Locality name", "", "60"}
    };
    float x = LEFT;
    for (String[] cell : bottom) {
      float width = Float.parseFloat(cell[2]);
      box(c, style, x, gridBottom, width, 36, cell[0], one(cell[1]));
      x += width;
    }
    c.text(
        style.regular(),
        7,
        LEFT,
        gridBottom - 48,
        "This information is being furnished to the Internal Revenue Service. If you are required"
            + " to file a tax return,");
    c.text(
        style.regular(),
        7,
        LEFT,
        gridBottom - 57,
        "a negligence penalty or other sanction may be imposed on you if this income is taxable and"
            + " you fail to report it.");

    page.field("tax_year", Integer.toString(year));
    page.field("employee_ssn", ssn);
    page.field("employer_ein", ein);
    page.field("employer_name", employer.name());
    page.field("employer_address", employerAddress.multiline());
    page.field("control_number", control);
    page.field("employee_name", employee.fullName());
    page.field("employee_address", employee.address().multiline());
    page.field("wages", Fabricator.amount(wages));
    page.field("federal_tax_withheld", Fabricator.amount(federal));
    page.field("social_security_wages", Fabricator.amount(ssWages));
    page.field("social_security_tax", Fabricator.amount(ssTax));
    page.field("medicare_wages", Fabricator.amount(gross));
    page.field("medicare_tax", Fabricator.amount(medicareTax));
    if (deferral > 0) {
      page.field("box_12a", "D " + Fabricator.amount(deferral));
    }
    page.field("state", state);
    page.field("state_employer_id", stateId);
    page.field("state_wages", Fabricator.amount(wages));
    page.field("state_tax", Fabricator.amount(stateTax));

    String who = employee.fullName();
    String form = who + "'s " + year + " Form W-2";
    page.ask(
        "What were the wages, tips, and other compensation in box 1 of " + form + "?",
        Fabricator.amount(wages),
        who);
    page.ask(
        "How much federal income tax was withheld on " + form + "?",
        Fabricator.amount(federal),
        who);
    page.ask("What is the employer identification number (EIN) on " + form + "?", ein, who);
    page.ask("Which employer issued " + form + "?", employer.name(), who);
    page.ask(
        "How much Medicare tax was withheld according to " + form + "?",
        Fabricator.amount(medicareTax),
        who);
    page.ask(
        "How much social security tax was withheld on " + form + "?",
        Fabricator.amount(ssTax),
        who);
    page.ask(
        "How much state income tax is reported in box 17 of " + form + "?",
        Fabricator.amount(stateTax),
        who);
    page.ask("What is the control number on " + form + "?", control, who);
  }

  static void draw1099(Draft draft, int year) {
    Fabricator fab = draft.fab;
    Style style = draft.style;
    String form = draft.type.label();
    List<MoneyBox> boxes =
        switch (draft.type) {
          case FORM_1099_NEC ->
              List.of(
                  new MoneyBox(
                      "1",
                      "Nonemployee compensation",
                      "nonemployee_compensation",
                      60_000,
                      9_500_000,
                      1),
                  new MoneyBox(
                      "4",
                      "Federal income tax withheld",
                      "federal_tax_withheld",
                      10_000,
                      900_000,
                      0.4),
                  new MoneyBox(
                      "5", "State tax withheld", "state_tax_withheld", 5_000, 300_000, 0.4),
                  new MoneyBox("7", "State income", "state_income", 60_000, 9_500_000, 0.4));
          case FORM_1099_INT ->
              List.of(
                  new MoneyBox("1", "Interest income", "interest_income", 1_000, 1_500_000, 1),
                  new MoneyBox(
                      "2",
                      "Early withdrawal penalty",
                      "early_withdrawal_penalty",
                      500,
                      20_000,
                      0.2),
                  new MoneyBox(
                      "3",
                      "Interest on U.S. Savings Bonds and Treasury obligations",
                      "us_bond_interest",
                      1_000,
                      400_000,
                      0.4),
                  new MoneyBox(
                      "4",
                      "Federal income tax withheld",
                      "federal_tax_withheld",
                      500,
                      150_000,
                      0.3),
                  new MoneyBox(
                      "8", "Tax-exempt interest", "tax_exempt_interest", 1_000, 200_000, 0.3));
          case FORM_1099_MISC ->
              List.of(
                  new MoneyBox("1", "Rents", "rents", 120_000, 4_800_000, 0.6),
                  new MoneyBox("2", "Royalties", "royalties", 10_000, 2_500_000, 0.5),
                  new MoneyBox("3", "Other income", "other_income", 60_000, 1_500_000, 1),
                  new MoneyBox(
                      "4",
                      "Federal income tax withheld",
                      "federal_tax_withheld",
                      10_000,
                      300_000,
                      0.3),
                  new MoneyBox(
                      "6",
                      "Medical and health care payments",
                      "medical_payments",
                      50_000,
                      2_000_000,
                      0.2));
          case FORM_1099_DIV ->
              List.of(
                  new MoneyBox(
                      "1a",
                      "Total ordinary dividends",
                      "total_ordinary_dividends",
                      2_000,
                      2_500_000,
                      1),
                  new MoneyBox(
                      "1b", "Qualified dividends", "qualified_dividends", 1_000, 2_000_000, 0.8),
                  new MoneyBox(
                      "2a",
                      "Total capital gain distr.",
                      "capital_gain_distributions",
                      1_000,
                      1_200_000,
                      0.5),
                  new MoneyBox(
                      "4",
                      "Federal income tax withheld",
                      "federal_tax_withheld",
                      500,
                      100_000,
                      0.2),
                  new MoneyBox("7", "Foreign tax paid", "foreign_tax_paid", 100, 40_000, 0.3));
          default -> throw new IllegalArgumentException("not a 1099: " + draft.type);
        };
    String title =
        switch (draft.type) {
          case FORM_1099_NEC -> "Nonemployee Compensation";
          case FORM_1099_INT -> "Interest Income";
          case FORM_1099_MISC -> "Miscellaneous Information";
          default -> "Dividends and Distributions";
        };
    Fabricator.Company payer = fab.company();
    Fabricator.Person recipient = fab.person();
    String payerTin = fab.ein();
    String recipientTin = fab.maskedSsn();
    String account = fab.digits(8);

    DraftPage page = draft.newPage(PDRectangle.LETTER);
    PageCanvas c = page.canvas;
    float top = 740;
    c.text(style.regular(), 7, LEFT, top + 14, "CORRECTED (if checked)");
    float half = 270;
    float y = top;
    List<String> payerLines = new ArrayList<>(List.of(payer.name()));
    payerLines.addAll(payer.address().lines());
    payerLines.add(payer.phone());
    box(
        c,
        style,
        LEFT,
        y,
        half,
        80,
        "PAYER'S name, street address, city or town, state or province, country, ZIP or foreign"
            + " postal code, and telephone no.",
        payerLines);
    y -= 80;
    box(c, style, LEFT, y, half / 2, 32, "PAYER'S TIN", one(payerTin));
    box(c, style, LEFT + half / 2, y, half / 2, 32, "RECIPIENT'S TIN", one(recipientTin));
    y -= 32;
    box(c, style, LEFT, y, half, 32, "RECIPIENT'S name", one(recipient.fullName()));
    y -= 32;
    box(
        c,
        style,
        LEFT,
        y,
        half,
        30,
        "Street address (including apt. no.)",
        one(recipient.address().street()));
    y -= 30;
    box(
        c,
        style,
        LEFT,
        y,
        half,
        32,
        "City or town, state or province, country, and ZIP or foreign postal code",
        one(recipient.address().cityLine()));
    y -= 32;
    box(c, style, LEFT, y, half, 30, "Account number (see instructions)", one(account));
    y -= 30;
    float formBottom = y;

    float boxX = LEFT + half;
    float boxWidth = 140;
    float boxHeight = (top - formBottom) / boxes.size();
    List<String[]> filled = new ArrayList<>();
    for (int i = 0; i < boxes.size(); i++) {
      MoneyBox money = boxes.get(i);
      String value =
          fab.random().nextDouble() < money.filled()
              ? "$" + Fabricator.amount(fab.between(money.minCents(), money.maxCents()))
              : "";
      box(
          c,
          style,
          boxX,
          top - i * boxHeight,
          boxWidth,
          boxHeight,
          money.number() + " " + money.label(),
          one(value));
      if (!value.isEmpty()) {
        filled.add(new String[] {money.number(), money.label(), money.field(), value});
      }
    }
    float titleX = boxX + boxWidth + 8;
    float titleY = top - 8;
    c.text(style.regular(), 7, titleX, titleY, "OMB No. 1545-0116");
    titleY -= 18;
    c.text(style.bold(), 13, titleX, titleY, "Form " + form);
    titleY -= 24;
    c.text(style.bold(), 22, titleX, titleY, Integer.toString(year));
    titleY -= 20;
    for (String line : PageCanvas.wrap(style.bold(), 10, 120, title)) {
      c.text(style.bold(), 10, titleX, titleY, line);
      titleY -= 12;
    }
    titleY -= 10;
    c.text(style.bold(), 9, titleX, titleY, "Copy B");
    titleY -= 11;
    c.text(style.bold(), 9, titleX, titleY, "For Recipient");
    titleY -= 14;
    for (String line :
        PageCanvas.wrap(
            style.regular(),
            6.5f,
            120,
            "This is important tax information and is being furnished to the IRS. If you are"
                + " required to file a return, a negligence penalty may be imposed on you if this"
                + " income is taxable and the IRS determines that it has not been reported.")) {
      c.text(style.regular(), 6.5f, titleX, titleY, line);
      titleY -= 7.5f;
    }
    c.text(
        style.regular(),
        7,
        LEFT,
        formBottom - 14,
        "Form " + form + " (keep for your records)   www.irs.gov/Form" + form.replace("-", ""));
    c.textRight(
        style.regular(),
        7,
        LEFT + FORM_WIDTH,
        formBottom - 14,
        "Department of the Treasury - Internal Revenue Service");

    page.field("tax_year", Integer.toString(year));
    page.field("payer_name", payer.name());
    page.field("payer_address", payer.address().multiline());
    page.field("payer_tin", payerTin);
    page.field("recipient_name", recipient.fullName());
    page.field("recipient_tin", recipientTin);
    page.field("recipient_address", recipient.address().multiline());
    page.field("account_number", account);
    for (String[] money : filled) {
      page.field(money[2], money[3]);
    }

    String who = recipient.fullName();
    String ofForm = who + "'s " + year + " Form " + form;
    for (String[] money : filled) {
      page.ask(
          "What amount is reported in box "
              + money[0]
              + " ("
              + money[1].toLowerCase(Locale.ROOT)
              + ") of "
              + ofForm
              + "?",
          money[3],
          who);
    }
    page.ask("Who is the payer on " + ofForm + "?", payer.name(), who);
    page.ask("What is the payer's TIN on " + ofForm + "?", payerTin, who);
    page.ask("What account number appears on " + ofForm + "?", account, who);
  }
}
