package dev.quire.samples;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Business reports: an executive summary, a regional table, a bar chart and a line chart. */
final class ReportLayout {
  private static final List<String> REGIONS =
      List.of("North America", "Europe", "Asia Pacific", "Latin America", "Middle East and Africa");

  private static final List<String> PRODUCT_LINES =
      List.of(
          "Smart Sensors",
          "Controllers",
          "Cloud Services",
          "Field Kits",
          "Accessories",
          "Support Plans",
          "Gateways",
          "Analytics Suite",
          "Drones",
          "Wearables");

  private static final List<String> DEPARTMENTS =
      List.of(
          "Engineering",
          "Sales",
          "Marketing",
          "Operations",
          "Customer Support",
          "Finance",
          "Legal");

  private static final List<String> MONTHS =
      List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");

  private static final List<String> TITLES =
      List.of(
          "Annual Report",
          "Annual Performance Review",
          "Sales Performance Report",
          "Operations Report");

  private ReportLayout() {}

  static void draw(Draft draft, int year) {
    Fabricator fab = draft.fab;
    Style style = draft.style;
    Fabricator.Company company = fab.company();
    String title = fab.pick(TITLES);
    String fullTitle = title + " " + year;
    String entity = company.base();
    String ofReport = company.base() + "'s " + fullTitle;
    float margin = 56;

    // Page 1: executive summary and key figures.
    DraftPage page = newPage(draft, company, fullTitle, margin);
    PageCanvas c = page.canvas;
    float w = c.width();
    float y = c.height() - 120;
    c.text(style.bold(), 24, margin, y, fullTitle, style.accent());
    y -= 26;
    c.text(style.bold(), 14, margin, y, company.name());
    y -= 16;
    LocalDate published = LocalDate.of(year + 1, fab.between(1, 3), fab.between(1, 28));
    c.text(
        style.italic(),
        9.5f,
        margin,
        y,
        "Prepared by the Finance Office, published " + style.dates().format(published));
    y -= 34;
    long revenue = fab.between(8_000L, 2_000_000L);
    int growthTenths = fab.between(-45, 260);
    long priorRevenue = Math.round(revenue / (1 + growthTenths / 1000.0));
    int margin10 = fab.between(280, 720);
    int priorMargin10 = margin10 + fab.between(-40, 40);
    long customers = fab.between(300, 25_000);
    long priorCustomers = Math.round(customers * (0.8 + fab.random().nextDouble() * 0.3));
    long employees = fab.between(40, 4_800);
    long priorEmployees = Math.round(employees * (0.85 + fab.random().nextDouble() * 0.25));
    c.text(style.bold(), 13, margin, y, "Executive Summary", style.accent());
    y -= 18;
    String summary =
        company.name()
            + " closed "
            + year
            + " with revenue of "
            + millions(revenue)
            + ", "
            + (growthTenths >= 0 ? "up " : "down ")
            + tenths(Math.abs(growthTenths))
            + "% on the prior year. Gross margin reached "
            + tenths(margin10)
            + "% while the customer base grew to "
            + Fabricator.count(customers)
            + " accounts. The company ended the year with "
            + Fabricator.count(employees)
            + " employees and continued to invest in product development and regional expansion.";
    y = c.paragraph(style.regular(), 10.5f, margin, y, w - 2 * margin, 14, summary);
    y -= 20;
    List<List<String>> kpis =
        List.of(
            List.of("Metric", Integer.toString(year - 1), Integer.toString(year), "Change"),
            List.of(
                "Revenue",
                millions(priorRevenue),
                millions(revenue),
                change(priorRevenue, revenue)),
            List.of(
                "Gross margin",
                tenths(priorMargin10) + "%",
                tenths(margin10) + "%",
                points(priorMargin10, margin10)),
            List.of(
                "Customers",
                Fabricator.count(priorCustomers),
                Fabricator.count(customers),
                change(priorCustomers, customers)),
            List.of(
                "Employees",
                Fabricator.count(priorEmployees),
                Fabricator.count(employees),
                change(priorEmployees, employees)));
    float tableWidth = w - 2 * margin;
    Tables.draw(
        c,
        style,
        margin,
        y,
        new float[] {tableWidth - 270, 90, 90, 90},
        new boolean[] {false, true, true, true},
        kpis,
        10);
    page.table("Key figures", kpis);
    page.field("company", company.name());
    page.field("report_title", fullTitle);
    page.field("revenue", millions(revenue));
    page.field("gross_margin", tenths(margin10) + "%");
    page.field("customers", Fabricator.count(customers));
    page.field("employees", Fabricator.count(employees));
    page.ask(
        "What revenue did " + company.base() + " report for " + year + " in its " + fullTitle + "?",
        millions(revenue),
        entity);
    page.ask(
        "How many employees did " + company.base() + " have at the end of " + year + "?",
        Fabricator.count(employees),
        entity);
    page.ask(
        "What gross margin did " + company.base() + " reach in " + year + "?",
        tenths(margin10) + "%",
        entity);
    page.ask(
        "How many customers did " + company.base() + " have in " + year + "?",
        Fabricator.count(customers),
        entity);
    page.ask(
        "What was "
            + company.base()
            + "'s revenue in "
            + (year - 1)
            + " according to the "
            + fullTitle
            + "?",
        millions(priorRevenue),
        entity);

    // Page 2: revenue by region and quarter.
    page = newPage(draft, company, fullTitle, margin);
    c = page.canvas;
    y = c.height() - 110;
    c.text(style.bold(), 16, margin, y, "Revenue by Region", style.accent());
    y -= 16;
    c.text(style.italic(), 9, margin, y, "USD thousands, fiscal year " + year);
    y -= 14;
    List<String> regions = new ArrayList<>(REGIONS.subList(0, fab.between(3, REGIONS.size())));
    long[][] revenueByRegion = new long[regions.size()][4];
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("Region", "Q1", "Q2", "Q3", "Q4", "Total"));
    for (int r = 0; r < regions.size(); r++) {
      List<String> row = new ArrayList<>(List.of(regions.get(r)));
      long total = 0;
      long base = fab.between(400L, 9_000L);
      for (int q = 0; q < 4; q++) {
        revenueByRegion[r][q] = Math.round(base * (0.8 + fab.random().nextDouble() * 0.5));
        total += revenueByRegion[r][q];
        row.add(Fabricator.count(revenueByRegion[r][q]));
      }
      row.add(Fabricator.count(total));
      rows.add(row);
    }
    y =
        Tables.draw(
            c,
            style,
            margin,
            y,
            new float[] {tableWidth - 5 * 66, 66, 66, 66, 66, 66},
            new boolean[] {false, true, true, true, true, true},
            rows,
            10);
    page.table("Revenue by region (USD thousands)", rows);
    for (int q = 0; q < 4; q++) {
      int best = argmaxUnique(revenueByRegion, q);
      if (best >= 0) {
        page.ask(
            "Which region had the highest revenue in Q"
                + (q + 1)
                + " "
                + year
                + " in "
                + ofReport
                + "?",
            regions.get(best),
            entity);
      }
    }
    int askRegion = fab.between(0, regions.size() - 1);
    int askQuarter = fab.between(0, 3);
    page.ask(
        "What was "
            + company.base()
            + "'s "
            + regions.get(askRegion)
            + " revenue in Q"
            + (askQuarter + 1)
            + " "
            + year
            + ", in USD thousands?",
        Fabricator.count(revenueByRegion[askRegion][askQuarter]),
        entity);
    y -= 24;
    c.paragraph(
        style.regular(),
        10,
        margin,
        y,
        tableWidth,
        13.5f,
        "Regional results reflect the timing of large contracts and currency movements. Management"
            + " expects the regional mix to remain broadly stable next year.");

    // Page 3: units by product line, as a bar chart.
    page = newPage(draft, company, fullTitle, margin);
    c = page.canvas;
    y = c.height() - 110;
    c.text(style.bold(), 16, margin, y, "Units Sold by Product Line, " + year, style.accent());
    List<String> lines = new ArrayList<>(PRODUCT_LINES);
    Collections.shuffle(lines, fab.random());
    lines = lines.subList(0, fab.between(4, 6));
    List<Long> units = distinctValues(fab, lines.size(), 800, 48_000);
    List<String> unitHeader = List.of("Product line", "Units");
    Charts.bars(
        c,
        style,
        margin + 30,
        y - 330,
        tableWidth - 40,
        280,
        unitHeader,
        lines,
        units,
        Fabricator::count,
        8);
    List<List<String>> unitRows = new ArrayList<>();
    unitRows.add(unitHeader);
    for (int i = 0; i < lines.size(); i++) {
      unitRows.add(List.of(lines.get(i), Fabricator.count(units.get(i))));
    }
    page.table("Units sold by product line (bar chart)", unitRows);
    int top = argmax(units);
    page.ask(
        "Which product line sold the most units in " + year + " according to " + ofReport + "?",
        lines.get(top),
        entity);
    int askLine = fab.between(0, lines.size() - 1);
    page.ask(
        "How many "
            + lines.get(askLine)
            + " units did "
            + company.base()
            + " sell in "
            + year
            + "?",
        Fabricator.count(units.get(askLine)),
        entity);
    c.paragraph(
        style.regular(),
        10,
        margin,
        y - 380,
        tableWidth,
        13.5f,
        lines.get(top)
            + " remained the volume leader. Unit counts include shipments to distributors but"
            + " exclude returns and evaluation units.");

    // Page 4, in most reports: monthly customers as a line chart, and expenses by department.
    if (fab.chance(0.35)) {
      Footers.pageNumbers(draft, company.name() + " | " + fullTitle);
      return;
    }
    page = newPage(draft, company, fullTitle, margin);
    c = page.canvas;
    y = c.height() - 110;
    c.text(style.bold(), 16, margin, y, "Monthly Active Customers, " + year, style.accent());
    List<Long> monthly = distinctValues(fab, 12, customers / 2 + 10, customers + 20);
    Collections.sort(monthly);
    if (fab.chance(0.5)) {
      // Not always a steady climb: a seasonal peak somewhere mid-year.
      Collections.swap(monthly, 11, fab.between(5, 9));
    }
    List<String> monthHeader = List.of("Month", "Customers");
    Charts.line(
        c,
        style,
        margin + 30,
        y - 250,
        tableWidth - 40,
        210,
        monthHeader,
        MONTHS,
        monthly,
        Fabricator::count,
        8);
    List<List<String>> monthRows = new ArrayList<>();
    monthRows.add(monthHeader);
    for (int i = 0; i < 12; i++) {
      monthRows.add(List.of(MONTHS.get(i), Fabricator.count(monthly.get(i))));
    }
    page.table("Monthly active customers (line chart)", monthRows);
    int peak = argmax(monthly);
    page.ask(
        "In which month of " + year + " did " + company.base() + " have the most active customers?",
        MONTHS.get(peak),
        entity);
    y -= 300;
    c.text(style.bold(), 13, margin, y, "Operating Expenses by Department", style.accent());
    y -= 8;
    List<String> departments = new ArrayList<>(DEPARTMENTS);
    Collections.shuffle(departments, fab.random());
    departments = departments.subList(0, fab.between(4, 6));
    List<List<String>> expenses = new ArrayList<>();
    expenses.add(List.of("Department", "Budget", "Actual", "Variance"));
    for (String department : departments) {
      long budget = fab.between(200L, 12_000L) * 1_000;
      long actual = Math.round(budget * (0.85 + fab.random().nextDouble() * 0.3));
      long variance = actual - budget;
      expenses.add(
          List.of(
              department,
              "$" + Fabricator.count(budget),
              "$" + Fabricator.count(actual),
              (variance >= 0 ? "+" : "-") + "$" + Fabricator.count(Math.abs(variance))));
      page.ask(
          "How much did the " + department + " department actually spend in " + ofReport + "?",
          "$" + Fabricator.count(actual),
          entity);
    }
    Tables.draw(
        c,
        style,
        margin,
        y,
        new float[] {tableWidth - 3 * 95, 95, 95, 95},
        new boolean[] {false, true, true, true},
        expenses,
        10);
    page.table("Operating expenses by department", expenses);

    Footers.pageNumbers(draft, company.name() + " | " + fullTitle);
  }

  private static DraftPage newPage(
      Draft draft, Fabricator.Company company, String title, float margin) {
    DraftPage page = draft.newPage();
    PageCanvas c = page.canvas;
    c.text(
        draft.style.regular(),
        8.5f,
        margin,
        c.height() - 40,
        company.name() + " | " + title,
        Style.GREY);
    c.line(
        margin, c.height() - 46, c.width() - margin, c.height() - 46, draft.style.accent(), 1.2f);
    page.field("company", company.name());
    return page;
  }

  /** {@code count} distinct values in [low, high], in random order. */
  static List<Long> distinctValues(Fabricator fab, int count, long low, long high) {
    List<Long> values = new ArrayList<>();
    while (values.size() < count) {
      long value = fab.between(low, high);
      if (!values.contains(value)) {
        values.add(value);
      }
    }
    return values;
  }

  static int argmax(List<Long> values) {
    int best = 0;
    for (int i = 1; i < values.size(); i++) {
      if (values.get(i) > values.get(best)) {
        best = i;
      }
    }
    return best;
  }

  /** The row with the largest value in column {@code column}, or -1 on a tie. */
  private static int argmaxUnique(long[][] table, int column) {
    int best = 0;
    boolean tie = false;
    for (int r = 1; r < table.length; r++) {
      if (table[r][column] > table[best][column]) {
        best = r;
        tie = false;
      } else if (table[r][column] == table[best][column]) {
        tie = true;
      }
    }
    return tie ? -1 : best;
  }

  /** Hundreds of dollars as "$48.2M" (or "$950K" under a million). */
  static String millions(long hundreds) {
    long dollars = hundreds * 100;
    if (dollars < 1_000_000) {
      return "$" + Math.round(dollars / 1000.0) + "K";
    }
    return "$" + tenths(Math.round(dollars / 100_000.0)) + "M";
  }

  static String tenths(long tenths) {
    return (tenths / 10) + "." + Math.abs(tenths % 10);
  }

  private static String change(long before, long after) {
    long tenthsOfPercent = Math.round((after - before) * 1000.0 / before);
    return (tenthsOfPercent >= 0 ? "+" : "-") + tenths(Math.abs(tenthsOfPercent)) + "%";
  }

  private static String points(long beforeTenths, long afterTenths) {
    long delta = afterTenths - beforeTenths;
    return (delta >= 0 ? "+" : "-") + tenths(Math.abs(delta)) + " pts";
  }
}
