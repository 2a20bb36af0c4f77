package dev.quire.samples;

import java.awt.Color;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Invoices: vendor and customer blocks, invoice metadata, line items, totals, payment details. */
final class InvoiceLayout {
  private record Product(
      String description, String unit, long minCents, long maxCents, int maxQuantity) {}

  private record Line(String sku, Product product, int quantity, long unitCents) {
    long amount() {
      return quantity * unitCents;
    }
  }

  private static final List<Product> CATALOG =
      List.of(
          new Product("Website redesign, phase 1", "projects", 250_000, 900_000, 1),
          new Product("Cloud hosting, standard plan (monthly)", "months", 4_900, 39_900, 12),
          new Product("Consulting services", "hours", 9_500, 27_500, 80),
          new Product("Annual software license", "licenses", 29_900, 149_900, 25),
          new Product("Ergonomic office chair", "chairs", 18_900, 64_900, 20),
          new Product("Laser printer toner, black", "cartridges", 4_500, 12_900, 30),
          new Product("Copy paper, 5-ream box", "boxes", 2_800, 5_400, 60),
          new Product("Network switch, 24-port", "switches", 21_900, 89_900, 10),
          new Product("On-site training session", "sessions", 90_000, 250_000, 4),
          new Product("Freight shipping", "shipments", 7_500, 45_000, 6),
          new Product("Data migration service", "projects", 120_000, 480_000, 1),
          new Product("Security audit", "audits", 350_000, 950_000, 1),
          new Product("Graphic design", "hours", 6_500, 14_500, 60),
          new Product("Maintenance contract (quarterly)", "quarters", 45_000, 180_000, 4),
          new Product("Wireless access point", "units", 12_900, 39_900, 24),
          new Product("Standing desk, 60 inch", "desks", 42_900, 98_900, 15),
          new Product("Technical support retainer", "months", 80_000, 300_000, 12),
          new Product("Custom API integration", "projects", 180_000, 700_000, 1),
          new Product("Safety gloves, pack of 50", "packs", 1_900, 4_900, 100),
          new Product("Industrial floor cleaning", "visits", 35_000, 95_000, 8),
          new Product("Brochure printing, 1,000 copies", "runs", 38_000, 120_000, 5),
          new Product("Catering for team event", "events", 85_000, 420_000, 2),
          new Product("Legal document review", "hours", 18_000, 45_000, 40),
          new Product("Solar panel inspection", "inspections", 22_000, 65_000, 6),
          new Product("Laptop, 14 inch business model", "laptops", 89_900, 219_900, 12),
          new Product("External SSD, 2 TB", "drives", 11_900, 24_900, 20),
          new Product("Warehouse pallet storage", "pallets", 1_800, 6_500, 200),
          new Product("Video production, 2-minute clip", "clips", 150_000, 600_000, 3));

  private static final List<Integer> TAX_BASIS_POINTS = List.of(0, 500, 625, 725, 825, 1000, 2000);

  private InvoiceLayout() {}

  static void draw(Draft draft, int year, boolean forceSinglePage) {
    Fabricator fab = draft.fab;
    Style style = draft.style;
    Fabricator.Company vendor = fab.company();
    Fabricator.Company customer = fab.company();
    String number =
        switch (fab.between(0, 2)) {
          case 0 -> "INV-" + fab.digits(6);
          case 1 -> initials(vendor.base()) + "-" + fab.digits(5);
          default -> year + "-" + fab.digits(5);
        };
    LocalDate issued = fab.date(year);
    int termDays = fab.pick(List.of(15, 30, 30, 45, 60));
    LocalDate due = issued.plusDays(termDays);
    String po = fab.chance(0.7) ? "PO-" + fab.digits(5) : null;

    int itemCount =
        forceSinglePage
            ? fab.between(2, 7)
            : fab.chance(0.2) ? fab.between(18, 30) : fab.between(2, 9);
    List<Product> products = new ArrayList<>(CATALOG);
    Collections.shuffle(products, fab.random());
    List<Line> lines = new ArrayList<>();
    for (int i = 0; i < itemCount; i++) {
      Product product = products.get(i % products.size());
      String sku = "SKU-" + fab.digits(5);
      long unit =
          fab.between(product.minCents(), product.maxCents()) / 100 * 100
              + (fab.chance(0.5) ? 0 : fab.between(1, 99));
      lines.add(new Line(sku, product, fab.between(1, product.maxQuantity()), unit));
    }
    long subtotal = lines.stream().mapToLong(Line::amount).sum();
    int taxBasisPoints = fab.pick(TAX_BASIS_POINTS);
    long tax = Math.round(subtotal * taxBasisPoints / 10_000.0);
    long shipping = fab.chance(0.3) ? fab.between(1_500, 25_000) : 0;
    long total = subtotal + tax + shipping;

    float margin = 50;
    DraftPage page = draft.newPage();
    PageCanvas c = page.canvas;
    float w = c.width();
    float top = c.height() - margin;
    int variant = fab.between(0, 2);
    String title = variant == 2 && fab.chance(0.5) ? "TAX INVOICE" : "INVOICE";
    List<String> vendorLines = new ArrayList<>(vendor.address().lines());
    vendorLines.add("Phone " + vendor.phone());
    vendorLines.add(vendor.email());

    float y;
    float metaX;
    float metaTop;
    if (variant == 0) {
      c.text(style.bold(), 16, margin, top - 6, vendor.name());
      y = top - 22;
      for (String line : vendorLines) {
        c.text(style.regular(), 9, margin, y, line);
        y -= 12;
      }
      c.textRight(style.bold(), 26, w - margin, top - 10, title, style.accent());
      metaX = w - margin - 190;
      metaTop = top - 40;
    } else if (variant == 1) {
      c.fillRect(0, c.height() - 90, w, 90, style.accent());
      c.text(style.bold(), 24, margin, c.height() - 55, title, Color.WHITE);
      c.textRight(style.bold(), 14, w - margin, c.height() - 50, vendor.name(), Color.WHITE);
      y = c.height() - 110;
      for (String line : vendorLines) {
        c.textRight(style.regular(), 9, w - margin, y, line);
        y -= 12;
      }
      metaX = margin;
      metaTop = c.height() - 110;
    } else {
      c.textCenter(style.bold(), 18, w / 2, top - 6, vendor.name());
      y = top - 22;
      for (String line : vendorLines) {
        c.textCenter(style.regular(), 9, w / 2, y, line);
        y -= 12;
      }
      c.line(margin, y + 2, w - margin, y + 2, style.accent(), 1.5f);
      y -= 20;
      c.textCenter(style.bold(), 16, w / 2, y, title, style.accent());
      metaX = w - margin - 190;
      metaTop = y - 24;
      y -= 24;
    }
    page.field("vendor_name", vendor.name());
    page.field("vendor_address", vendor.address().multiline());

    List<String[]> meta = new ArrayList<>();
    meta.add(new String[] {"Invoice No.", number});
    meta.add(new String[] {"Invoice Date", style.dates().format(issued)});
    meta.add(new String[] {"Due Date", style.dates().format(due)});
    meta.add(new String[] {"Terms", "Net " + termDays});
    if (po != null) {
      meta.add(new String[] {"PO Number", po});
    }
    float metaY = metaTop;
    for (String[] pair : meta) {
      c.text(style.bold(), 9, metaX, metaY, pair[0]);
      c.textRight(style.regular(), 9, metaX + 190, metaY, pair[1]);
      metaY -= 13;
    }
    page.field("invoice_number", number);
    page.field("invoice_date", style.dates().format(issued));
    page.field("due_date", style.dates().format(due));
    page.field("payment_terms", "Net " + termDays);
    if (po != null) {
      page.field("po_number", po);
    }

    // Variant 1 has the metadata on the left and the vendor on the right: bill-to goes below.
    float billX = margin;
    float billTop = variant == 1 ? Math.min(y, metaY) - 16 : Math.min(y - 10, metaTop);
    float billY = billTop;
    c.text(style.bold(), 9, billX, billY, "BILL TO", style.accent());
    billY -= 14;
    c.text(style.bold(), 10, billX, billY, customer.name());
    for (String line : customer.address().lines()) {
      billY -= 12;
      c.text(style.regular(), 9, billX, billY, line);
    }
    page.field("customer_name", customer.name());
    page.field("customer_address", customer.address().multiline());

    String entity = number;
    page.ask("Which company is invoice " + number + " billed to?", customer.name(), entity);
    page.ask("Which company issued invoice " + number + "?", vendor.name(), entity);
    page.ask("When is payment due for invoice " + number + "?", style.dates().format(due), entity);
    page.ask(
        "On what date was invoice " + number + " issued?", style.dates().format(issued), entity);
    if (po != null) {
      page.ask("Which purchase order number is referenced on invoice " + number + "?", po, entity);
    }

    boolean withSku = fab.chance(0.4);
    float tableWidth = w - 2 * margin;
    float[] widths =
        withSku
            ? new float[] {70, tableWidth - 70 - 50 - 85 - 90, 50, 85, 90}
            : new float[] {tableWidth - 50 - 85 - 90, 50, 85, 90};
    boolean[] right =
        withSku
            ? new boolean[] {false, false, true, true, true}
            : new boolean[] {false, true, true, true};
    List<String> header =
        withSku
            ? List.of("Item", "Description", "Qty", "Unit Price", "Amount")
            : List.of("Description", "Qty", fab.chance(0.5) ? "Rate" : "Unit Price", "Amount");

    float rowHeight = Tables.rowHeight(9);
    float tableTop = Math.min(billY, metaY) - 24;
    float totalsHeight = 150;
    int next = 0;
    while (true) {
      float bottomLimit = 60;
      int fit = (int) ((tableTop - bottomLimit) / rowHeight) - 1;
      boolean last =
          lines.size() - next <= fit
              && (tableTop - (lines.size() - next + 1) * rowHeight) - totalsHeight > bottomLimit;
      int take = last ? lines.size() - next : Math.min(fit, lines.size() - next - 1);
      List<List<String>> rows = new ArrayList<>();
      rows.add(header);
      for (Line line : lines.subList(next, next + take)) {
        List<String> row = new ArrayList<>();
        if (withSku) {
          row.add(line.sku());
        }
        row.add(line.product().description());
        row.add(Integer.toString(line.quantity()));
        row.add(style.money(line.unitCents()));
        row.add(style.money(line.amount()));
        rows.add(row);
        page.ask(
            "How many "
                + line.product().unit()
                + " of \""
                + line.product().description()
                + "\" were billed on invoice "
                + number
                + "?",
            Integer.toString(line.quantity()),
            entity);
        page.ask(
            "What is the line amount for \""
                + line.product().description()
                + "\" on invoice "
                + number
                + "?",
            style.money(line.amount()),
            entity);
      }
      float tableBottom = Tables.draw(c, style, margin, tableTop, widths, right, rows, 9);
      page.table("Line items", rows);
      next += take;
      if (last) {
        drawTotals(
            page,
            style,
            w - margin,
            tableBottom - 20,
            subtotal,
            taxBasisPoints,
            tax,
            shipping,
            total,
            number,
            customer);
        drawPayment(page, fab, style, margin, tableBottom - 20, vendor);
        break;
      }
      page = draft.newPage();
      c = page.canvas;
      float continuedY = c.height() - margin;
      c.text(style.bold(), 12, margin, continuedY, vendor.name());
      c.textRight(
          style.bold(),
          12,
          w - margin,
          continuedY,
          "Invoice " + number + " (continued)",
          style.accent());
      page.field("invoice_number", number);
      tableTop = continuedY - 24;
    }
    Footers.pageNumbers(draft, vendor.name() + " | " + vendor.phone());
  }

  private static void drawTotals(
      DraftPage page,
      Style style,
      float right,
      float top,
      long subtotal,
      int taxBasisPoints,
      long tax,
      long shipping,
      long total,
      String number,
      Fabricator.Company customer) {
    PageCanvas c = page.canvas;
    float labelX = right - 200;
    float y = top;
    c.text(style.regular(), 9.5f, labelX, y, "Subtotal");
    c.textRight(style.regular(), 9.5f, right, y, style.money(subtotal));
    page.field("subtotal", style.money(subtotal));
    y -= 14;
    String taxLabel = "Tax (" + percent(taxBasisPoints) + ")";
    c.text(style.regular(), 9.5f, labelX, y, taxLabel);
    c.textRight(style.regular(), 9.5f, right, y, style.money(tax));
    page.field("tax_rate", percent(taxBasisPoints));
    page.field("tax", style.money(tax));
    y -= 14;
    if (shipping > 0) {
      c.text(style.regular(), 9.5f, labelX, y, "Shipping");
      c.textRight(style.regular(), 9.5f, right, y, style.money(shipping));
      page.field("shipping", style.money(shipping));
      y -= 14;
    }
    c.line(labelX, y + 9, right, y + 9, Style.INK, 0.8f);
    y -= 6;
    c.fillRect(labelX - 6, y - 6, right - labelX + 12, 20, style.tint());
    c.text(style.bold(), 11, labelX, y, "Total Due");
    c.textRight(style.bold(), 11, right, y, style.money(total));
    page.field("total", style.money(total));
    page.ask("What is the total amount due on invoice " + number + "?", style.money(total), number);
    page.ask(
        "How much does " + customer.name() + " owe on invoice " + number + "?",
        style.money(total),
        number);
    page.ask("How much tax was charged on invoice " + number + "?", style.money(tax), number);
    page.ask(
        "What is the subtotal before tax on invoice " + number + "?",
        style.money(subtotal),
        number);
  }

  private static void drawPayment(
      DraftPage page, Fabricator fab, Style style, float x, float top, Fabricator.Company vendor) {
    PageCanvas c = page.canvas;
    float y = top;
    c.text(style.bold(), 9.5f, x, y, "Payment Instructions", style.accent());
    y -= 13;
    String bank =
        fab.pick(
            List.of(
                "First Meridian Bank",
                "Harbor National Bank",
                "Summit Trust",
                "Pioneer Savings Bank"));
    c.text(style.regular(), 8.5f, x, y, "Bank: " + bank);
    y -= 11;
    String account = fab.digits(10);
    c.text(style.regular(), 8.5f, x, y, "Account: " + account);
    y -= 11;
    c.text(style.regular(), 8.5f, x, y, "Routing: " + fab.digits(9));
    y -= 11;
    c.text(
        style.italic(),
        8.5f,
        x,
        y,
        fab.pick(
            List.of(
                "Thank you for your business!",
                "Please include the invoice number with your payment.",
                "Late payments incur a 1.5% monthly fee.")));
    page.field("bank_name", bank);
    page.field("bank_account", account);
  }

  static String percent(int basisPoints) {
    String text = BigDecimal.valueOf(basisPoints, 2).stripTrailingZeros().toPlainString();
    return text + "%";
  }

  private static String initials(String base) {
    StringBuilder initials = new StringBuilder();
    for (String word : base.split(" ")) {
      initials.append(word.charAt(0));
    }
    return initials.toString().toUpperCase(Locale.ROOT);
  }
}
