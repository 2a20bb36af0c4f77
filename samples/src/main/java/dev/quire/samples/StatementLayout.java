package dev.quire.samples;

import java.awt.Color;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Bank statements: account summary on the first page, then the transactions over 2-3 pages. */
final class StatementLayout {
  private record Transaction(LocalDate date, String description, long cents) {}

  private static final List<String> BANKS =
      List.of(
          "Harbor National Bank",
          "First Meridian Bank",
          "Summit Trust Bank",
          "Pioneer Savings Bank",
          "Lakeshore Credit Union",
          "Blue Ridge Federal Credit Union",
          "Granite State Bank",
          "Prairie Community Bank");

  private static final List<String> SHOPS =
      List.of(
          "GREEN LEAF MARKET",
          "CORNER BAKERY",
          "METRO HARDWARE",
          "PARKSIDE PHARMACY",
          "CITY FUEL STOP",
          "LUCKY NOODLE HOUSE",
          "BOOKENDS BOOKS",
          "DAILY GRIND CAFE",
          "FRESH FIELDS GROCERY",
          "SUNRISE DINER",
          "HILLTOP PET SUPPLY",
          "RIVERSIDE CINEMA",
          "UNION SQ PARKING",
          "NORTHGATE GARDEN CTR",
          "BAYSIDE SEAFOOD");

  private static final List<String> BILLERS =
      List.of(
          "METRO ELECTRIC",
          "CITY WATER UTILITY",
          "EVERGREEN GAS CO",
          "SKYLINE WIRELESS",
          "BRIGHTPATH INTERNET",
          "SAFEGUARD INSURANCE",
          "STREAMBOX MEDIA",
          "FITLIFE GYM");

  private static final DateTimeFormatter ROW_DATE = DateTimeFormatter.ofPattern("MM/dd", Locale.US);
  private static final DateTimeFormatter MONTH =
      DateTimeFormatter.ofPattern("MMMM yyyy", Locale.US);

  private StatementLayout() {}

  static void draw(Draft draft, int year) {
    Fabricator fab = draft.fab;
    Style style = draft.style;
    String bank = fab.pick(BANKS);
    Fabricator.Person holder = fab.person();
    String last4 = fab.digits(4);
    String account = fab.chance(0.5) ? "****" + last4 : "XXXX-XXXX-" + last4;
    String accountType =
        fab.pick(List.of("Checking", "Everyday Checking", "Savings", "Premier Checking"));
    YearMonth month = YearMonth.of(year, fab.between(1, 12));
    LocalDate start = month.atDay(1);
    LocalDate end = month.atEndOfMonth();
    String period = style.dates().format(start) + " - " + style.dates().format(end);
    String monthName = MONTH.format(month);
    String employer = fab.company().base().toUpperCase(Locale.ROOT);

    long opening = fab.between(50_000L, 2_500_000L);
    List<Transaction> transactions = new ArrayList<>();
    int count = fab.between(30, 72);
    int check = fab.between(1001, 4800);
    for (int i = 0; i < count; i++) {
      LocalDate date = start.plusDays(fab.between(0, month.lengthOfMonth() - 1));
      int kind = fab.between(0, 19);
      String description;
      long cents;
      if (kind < 2) {
        description = "ACH DEPOSIT " + employer + " PAYROLL";
        cents = fab.between(120_000L, 520_000L);
      } else if (kind < 3) {
        description = "MOBILE DEPOSIT REF " + fab.digits(7);
        cents = fab.between(5_000L, 150_000L);
      } else if (kind < 10) {
        description =
            fab.pick(List.of("POS PURCHASE ", "CARD PURCHASE ", "DEBIT CARD ")) + fab.pick(SHOPS);
        cents = -fab.between(350L, 18_000L);
      } else if (kind < 13) {
        description = "BILL PAY " + fab.pick(BILLERS);
        cents = -fab.between(2_500L, 32_000L);
      } else if (kind < 15) {
        description =
            "ATM WITHDRAWAL " + fab.pick(Fabricator.PLACES).city().toUpperCase(Locale.ROOT);
        cents = -fab.between(2L, 30L) * 1_000;
      } else if (kind < 17) {
        description = "CHECK #" + check++;
        cents = -fab.between(5_000L, 250_000L);
      } else if (kind < 19) {
        description = "ONLINE TRANSFER TO SAVINGS REF " + fab.digits(6);
        cents = -fab.between(5_000L, 100_000L);
      } else {
        description = "ZELLE FROM " + fab.person().fullName().toUpperCase(Locale.ROOT);
        cents = fab.between(1_000L, 60_000L);
      }
      transactions.add(new Transaction(date, description, cents));
    }
    transactions.sort(Comparator.comparing(Transaction::date));
    // Keep the balance positive: an overdraft would turn the debit into a credit line.
    long balance = opening;
    long[] balances = new long[transactions.size()];
    for (int i = 0; i < transactions.size(); i++) {
      Transaction t = transactions.get(i);
      if (balance + t.cents() < 0) {
        t = new Transaction(t.date(), "ACH DEPOSIT " + employer + " PAYROLL", -t.cents() + 200_000);
        transactions.set(i, t);
      }
      balance += t.cents();
      balances[i] = balance;
    }
    long deposits = transactions.stream().mapToLong(Transaction::cents).filter(v -> v > 0).sum();
    long withdrawals =
        -transactions.stream().mapToLong(Transaction::cents).filter(v -> v < 0).sum();
    long closing = opening + deposits - withdrawals;
    boolean runningBalance = fab.chance(0.5);

    Map<String, Integer> rowKeys = new HashMap<>();
    for (Transaction t : transactions) {
      rowKeys.merge(t.description() + "@" + t.date(), 1, Integer::sum);
    }

    float margin = 50;
    DraftPage page = draft.newPage();
    PageCanvas c = page.canvas;
    float w = c.width();
    float top = c.height() - margin;
    c.fillRect(margin, top - 4, 6, 26, style.accent());
    c.text(style.bold(), 18, margin + 14, top, bank, style.accent());
    Fabricator.Address bankAddress = fab.address();
    c.textRight(style.regular(), 8, w - margin, top + 10, bankAddress.street());
    c.textRight(style.regular(), 8, w - margin, top, bankAddress.cityLine());
    c.textRight(
        style.regular(),
        8,
        w - margin,
        top - 10,
        "Customer service 1-800-" + fab.between(200, 999) + "-" + fab.between(1000, 9999));
    float y = top - 44;
    c.text(style.bold(), 14, margin, y, accountType + " Account Statement");
    y -= 28;
    float blockTop = y;
    c.text(style.bold(), 10, margin, y, holder.fullName().toUpperCase(Locale.ROOT));
    for (String line : holder.address().lines()) {
      y -= 12;
      c.text(style.regular(), 9, margin, y, line.toUpperCase(Locale.ROOT));
    }
    float infoX = w - margin - 290;
    float valueX = infoX + 88;
    float infoY = blockTop;
    c.strokeRect(infoX - 8, infoY - 36, 298, 50, Style.RULE, 0.6f);
    c.text(style.bold(), 9, infoX, infoY, "Account number");
    c.text(style.regular(), 9, valueX, infoY, account);
    infoY -= 13;
    c.text(style.bold(), 9, infoX, infoY, "Statement period");
    c.text(
        style.regular(),
        Tables.fitting(style.regular(), 9, w - margin - valueX, period),
        valueX,
        infoY,
        period);
    infoY -= 13;
    c.text(style.bold(), 9, infoX, infoY, "Account type");
    c.text(style.regular(), 9, valueX, infoY, accountType);
    page.field("bank_name", bank);
    page.field("account_holder", holder.fullName().toUpperCase(Locale.ROOT));
    page.field("account_number", account);
    page.field("statement_period", period);

    y = Math.min(y, infoY) - 34;
    c.text(style.bold(), 11, margin, y, "Account Summary", style.accent());
    y -= 8;
    List<List<String>> summary =
        List.of(
            List.of("Summary", "Amount"),
            List.of("Beginning balance on " + style.dates().format(start), style.money(opening)),
            List.of("Deposits and other credits", "+" + style.money(deposits)),
            List.of("Withdrawals and other debits", "-" + style.money(withdrawals)),
            List.of("Ending balance on " + style.dates().format(end), style.money(closing)));
    y =
        Tables.draw(
            c, style, margin, y, new float[] {300, 120}, new boolean[] {false, true}, summary, 9);
    page.table("Account summary", summary);
    page.field("beginning_balance", style.money(opening));
    page.field("total_deposits", "+" + style.money(deposits));
    page.field("total_withdrawals", "-" + style.money(withdrawals));
    page.field("ending_balance", style.money(closing));
    // The account number as printed: its last four digits alone could be any number elsewhere.
    String entity = account;
    String about = " for " + bank + " account " + account + " in " + monthName;
    page.ask("What was the ending balance" + about + "?", style.money(closing), entity);
    page.ask("What was the beginning balance" + about + "?", style.money(opening), entity);
    page.ask("How much was deposited in total" + about + "?", "+" + style.money(deposits), entity);
    page.ask(
        "What was the total of withdrawals and debits" + about + "?",
        "-" + style.money(withdrawals),
        entity);
    page.ask(
        "Who holds " + bank + " account " + account + "?",
        holder.fullName().toUpperCase(Locale.ROOT),
        entity);

    y -= 26;
    c.text(style.bold(), 11, margin, y, "Transaction History", style.accent());
    y -= 8;
    float tableWidth = w - 2 * margin;
    List<String> header =
        runningBalance
            ? List.of("Date", "Description", "Withdrawals", "Deposits", "Balance")
            : List.of("Date", "Description", "Withdrawals", "Deposits");
    float[] widths =
        runningBalance
            ? new float[] {45, tableWidth - 45 - 3 * 75, 75, 75, 75}
            : new float[] {45, tableWidth - 45 - 2 * 85, 85, 85};
    boolean[] right =
        runningBalance
            ? new boolean[] {false, false, true, true, true}
            : new boolean[] {false, false, true, true};
    float rowHeight = Tables.rowHeight(8.5f);
    int next = 0;
    while (next < transactions.size()) {
      int fit = (int) ((y - 70) / rowHeight) - 1;
      int take = Math.min(fit, transactions.size() - next);
      List<List<String>> rows = new ArrayList<>();
      rows.add(header);
      for (int i = next; i < next + take; i++) {
        Transaction t = transactions.get(i);
        String amount = Fabricator.amount(Math.abs(t.cents()));
        List<String> row = new ArrayList<>();
        row.add(ROW_DATE.format(t.date()));
        row.add(t.description());
        row.add(t.cents() < 0 ? amount : "");
        row.add(t.cents() > 0 ? amount : "");
        if (runningBalance) {
          row.add(Fabricator.amount(balances[i]));
        }
        rows.add(row);
        if (rowKeys.get(t.description() + "@" + t.date()) == 1) {
          String when = " on " + ROW_DATE.format(t.date());
          page.ask(
              "What was the amount of the \""
                  + t.description()
                  + "\" transaction"
                  + when
                  + about
                  + "?",
              amount,
              entity);
          if (runningBalance) {
            page.ask(
                "What was the balance after the \""
                    + t.description()
                    + "\" transaction"
                    + when
                    + about
                    + "?",
                Fabricator.amount(balances[i]),
                entity);
          }
        }
      }
      Tables.draw(c, style, margin, y, widths, right, rows, 8.5f);
      page.table("Transactions", rows);
      next += take;
      if (next < transactions.size()) {
        page = draft.newPage();
        c = page.canvas;
        y = c.height() - margin;
        c.text(style.bold(), 11, margin, y, bank, style.accent());
        c.textRight(style.regular(), 9, w - margin, y, "Account " + account + " | " + period);
        page.field("account_number", account);
        page.field("statement_period", period);
        y -= 14;
        c.text(style.bold(), 10, margin, y, "Transaction History (continued)");
        y -= 8;
      }
    }
    c.text(
        style.italic(),
        7,
        margin,
        52,
        "Please examine this statement promptly and report any discrepancy within 60 days.",
        new Color(0x55, 0x55, 0x55));
    Footers.pageNumbers(draft, bank + " | Member FDIC");
  }
}
