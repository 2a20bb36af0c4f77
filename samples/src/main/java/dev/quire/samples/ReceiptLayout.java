package dev.quire.samples;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.pdfbox.pdmodel.common.PDRectangle;

/** Till receipts: a narrow roll of paper with the shop, the items, totals and the payment. */
final class ReceiptLayout {
  private record Item(String name, long minCents, long maxCents) {}

  private record Shop(String kind, List<Item> items) {}

  private record Purchase(Item item, int quantity, long unitCents) {
    long amount() {
      return quantity * unitCents;
    }
  }

  private static final List<Shop> SHOPS =
      List.of(
          new Shop(
              "Cafe",
              List.of(
                  new Item("Latte, large", 425, 595), new Item("Cappuccino", 375, 525),
                  new Item("Butter croissant", 295, 425), new Item("Blueberry muffin", 275, 395),
                  new Item("Bagel with cream cheese", 325, 475), new Item("Iced tea", 250, 375),
                  new Item("Avocado toast", 795, 1195), new Item("Chai latte", 395, 545),
                  new Item("Breakfast burrito", 695, 995), new Item("Sparkling water", 195, 295))),
          new Shop(
              "Market",
              List.of(
                  new Item("Organic bananas", 149, 299), new Item("Whole milk, 1 gal", 329, 499),
                  new Item("Sourdough bread", 399, 649),
                      new Item("Free-range eggs, 12 ct", 349, 699),
                  new Item("Cheddar cheese, 8 oz", 299, 549), new Item("Baby spinach", 249, 449),
                  new Item("Chicken breast, 2 lb", 699, 1299),
                      new Item("Ground coffee, 12 oz", 799, 1399),
                  new Item("Greek yogurt", 119, 199), new Item("Penne pasta, 1 lb", 129, 249),
                  new Item("Tomato sauce", 199, 399), new Item("Gala apples, 3 lb bag", 399, 599))),
          new Shop(
              "Hardware",
              List.of(
                  new Item("Wood screws, 100 pack", 599, 999),
                      new Item("Paint roller kit", 899, 1599),
                  new Item("Interior paint, 1 gal", 2899, 4599), new Item("Duct tape", 499, 899),
                  new Item("LED bulbs, 4 pack", 999, 1799),
                      new Item("Extension cord, 25 ft", 1499, 2499),
                  new Item("Sandpaper assortment", 599, 1099),
                      new Item("Claw hammer, 16 oz", 1299, 2499))),
          new Shop(
              "Pharmacy",
              List.of(
                  new Item("Ibuprofen 200 mg, 100 ct", 699, 1199),
                      new Item("Vitamin D3 softgels", 899, 1499),
                  new Item("Hand sanitizer", 299, 599),
                      new Item("Adhesive bandages, 30 ct", 399, 699),
                  new Item("Toothpaste", 349, 649), new Item("Sunscreen SPF 50", 899, 1599),
                  new Item("Cough drops", 249, 449), new Item("Shampoo", 599, 999))));

  private ReceiptLayout() {}

  static void draw(Draft draft, int year) {
    Fabricator fab = draft.fab;
    Style style = draft.style;
    Shop shop = fab.pick(SHOPS);
    String merchant =
        fab.unique(
            () ->
                fab.pick(
                        List.of(
                            "Green Leaf",
                            "Corner",
                            "Sunrise",
                            "Metro",
                            "Parkside",
                            "Harbor",
                            "Lucky",
                            "Fresh Fields",
                            "Daily",
                            "Hilltop",
                            "Riverside",
                            "Old Town",
                            "Maple",
                            "Union Square",
                            "Lakeshore",
                            "Bayside",
                            "Northgate",
                            "Westside",
                            "Eastwood",
                            "Cedar"))
                    + " "
                    + shop.kind()
                    + (fab.chance(0.3) ? " #" + fab.between(2, 99) : ""));
    Fabricator.Address address = fab.address();
    String phone = fab.phone();
    LocalDate date = fab.date(year);
    String time = String.format("%02d:%02d", fab.between(7, 21), fab.between(0, 59));
    String receiptNumber = fab.digits(6);
    String cashier =
        fab.pick(List.of("Maria", "Kevin", "Aisha", "Tom", "Lena", "Raj", "Sam", "Jo"));

    List<Item> catalog = new ArrayList<>(shop.items());
    Collections.shuffle(catalog, fab.random());
    int count = fab.between(2, Math.min(9, catalog.size()));
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("ITEM", "AMOUNT"));
    long subtotal = 0;
    List<Purchase> purchases = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Item item = catalog.get(i);
      int quantity = fab.chance(0.75) ? 1 : fab.between(2, 4);
      Purchase purchase =
          new Purchase(item, quantity, fab.between(item.minCents(), item.maxCents()));
      subtotal += purchase.amount();
      purchases.add(purchase);
      rows.add(List.of(item.name(), Fabricator.amount(purchase.amount())));
    }
    int taxBasisPoints = fab.pick(List.of(0, 400, 600, 725, 825, 875, 950));
    long tax = Math.round(subtotal * taxBasisPoints / 10_000.0);
    long total = subtotal + tax;
    boolean card = fab.chance(0.75);
    String payment =
        card
            ? fab.pick(List.of("VISA", "MASTERCARD", "AMEX", "DEBIT")) + " **** " + fab.digits(4)
            : "CASH";

    float width = 226;
    float lineHeight = 11;
    // One line per purchase, one more for "3 @ 1.99", and the shop, totals and footer.
    long lines = 22 + count + purchases.stream().filter(p -> p.quantity() > 1).count();
    float height = Math.max(360, 70 + lines * lineHeight + 60);
    DraftPage page = draft.newPage(new PDRectangle(width, height));
    PageCanvas c = page.canvas;
    float left = 14;
    float right = width - 14;
    float center = width / 2;
    float y = height - 30;
    c.textCenter(style.bold(), 11, center, y, merchant.toUpperCase(Locale.ROOT));
    y -= 14;
    for (String line : address.lines()) {
      float size = Tables.fitting(style.regular(), 8, right - left, line);
      c.textCenter(style.regular(), size, center, y, line);
      y -= lineHeight;
    }
    c.textCenter(style.regular(), 8, center, y, "Tel " + phone);
    y -= 8;
    c.line(left, y, right, y, Style.GREY, 0.6f);
    y -= 13;
    String dateText = style.dates().format(date);
    c.text(style.regular(), 8, left, y, "Date: " + dateText);
    c.textRight(style.regular(), 8, right, y, "Time: " + time);
    y -= lineHeight;
    c.text(style.regular(), 8, left, y, "Receipt #: " + receiptNumber);
    y -= lineHeight;
    c.text(style.regular(), 8, left, y, "Cashier: " + cashier);
    c.textRight(style.regular(), 8, right, y, "Register " + fab.between(1, 8));
    y -= 8;
    c.line(left, y, right, y, Style.GREY, 0.6f);
    y -= 13;
    c.text(style.bold(), 8, left, y, rows.get(0).get(0));
    c.textRight(style.bold(), 8, right, y, rows.get(0).get(1));
    y -= lineHeight + 2;
    for (int i = 1; i < rows.size(); i++) {
      List<String> row = rows.get(i);
      Purchase purchase = purchases.get(i - 1);
      float size = Tables.fitting(style.regular(), 8, right - left - 60, row.get(0));
      c.text(style.regular(), size, left, y, row.get(0));
      c.textRight(style.regular(), 8, right, y, row.get(1));
      if (purchase.quantity() > 1) {
        y -= lineHeight;
        String each = purchase.quantity() + " @ " + Fabricator.amount(purchase.unitCents());
        c.text(style.regular(), 7.5f, left + 10, y, each);
      }
      y -= lineHeight;
    }
    y += 3;
    c.line(left, y, right, y, Style.GREY, 0.6f);
    y -= 13;
    c.text(style.regular(), 8.5f, left, y, "SUBTOTAL");
    c.textRight(style.regular(), 8.5f, right, y, Fabricator.amount(subtotal));
    y -= lineHeight;
    String taxLabel = "TAX " + InvoiceLayout.percent(taxBasisPoints);
    c.text(style.regular(), 8.5f, left, y, taxLabel);
    c.textRight(style.regular(), 8.5f, right, y, Fabricator.amount(tax));
    y -= lineHeight + 3;
    String totalText =
        style.currency().equals("$") ? "$" + Fabricator.amount(total) : Fabricator.amount(total);
    c.text(style.bold(), 10.5f, left, y, "TOTAL");
    c.textRight(style.bold(), 10.5f, right, y, totalText);
    y -= lineHeight + 3;
    c.text(style.regular(), 8.5f, left, y, payment);
    if (card) {
      c.textRight(style.regular(), 8.5f, right, y, "AUTH " + fab.digits(6));
    } else {
      long tendered = (total / 1000 + 1) * 1000;
      c.textRight(style.regular(), 8.5f, right, y, Fabricator.amount(tendered));
      y -= lineHeight;
      c.text(style.regular(), 8.5f, left, y, "CHANGE");
      c.textRight(style.regular(), 8.5f, right, y, Fabricator.amount(tendered - total));
    }
    y -= 8;
    c.line(left, y, right, y, Style.GREY, 0.6f);
    y -= 14;
    for (String line :
        PageCanvas.wrap(
            style.italic(), 8, right - left, "Thank you for shopping at " + merchant + "!")) {
      c.textCenter(style.italic(), 8, center, y, line);
      y -= lineHeight;
    }
    y -= 4;
    for (int bar = 0; bar < 48; bar++) {
      float barWidth = fab.chance(0.5) ? 1.2f : 2.4f;
      c.fillRect(center - 70 + bar * 3f, y - 24, barWidth, 24, Style.INK);
    }

    page.field("merchant_name", merchant.toUpperCase(Locale.ROOT));
    page.field("merchant_address", address.multiline());
    page.field("date", dateText);
    page.field("time", time);
    page.field("receipt_number", receiptNumber);
    page.field("subtotal", Fabricator.amount(subtotal));
    page.field("tax", Fabricator.amount(tax));
    page.field("total", totalText);
    page.field("payment_method", payment);
    page.table("Items", rows);

    String entity = receiptNumber;
    String shopName = merchant.toUpperCase(Locale.ROOT);
    page.ask(
        "What was the total on receipt " + receiptNumber + " from " + shopName + "?",
        totalText,
        entity);
    page.ask(
        "How much tax was charged on receipt " + receiptNumber + "?",
        Fabricator.amount(tax),
        entity);
    page.ask("At what time was receipt " + receiptNumber + " issued?", time, entity);
    page.ask("On what date was receipt " + receiptNumber + " issued?", dateText, entity);
    page.ask("Which store issued receipt " + receiptNumber + "?", shopName, entity);
    if (card) {
      page.ask("Which card paid for receipt " + receiptNumber + "?", payment, entity);
    }
    for (int i = 1; i < rows.size(); i++) {
      page.ask(
          "How much was paid for \"" + rows.get(i).get(0) + "\" on receipt " + receiptNumber + "?",
          rows.get(i).get(1),
          entity);
    }
  }
}
