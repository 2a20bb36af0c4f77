package dev.quire.samples;

import java.awt.Color;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.pdfbox.pdmodel.common.PDRectangle;

/** Slide decks: 16:9 landscape pages with a title, agenda, metrics, a chart, a table, a roadmap. */
final class SlidesLayout {
  static final PDRectangle SLIDE = new PDRectangle(960, 540);

  private static final List<String> AGENDA =
      List.of(
          "Highlights of the quarter",
          "Customer wins and renewals",
          "Product launch review",
          "Hiring plan and open roles",
          "Pipeline and forecast",
          "Risks and mitigations",
          "Budget request for next quarter",
          "Partner program update",
          "Security and compliance status",
          "Decisions needed from the board");

  private static final List<String> SEGMENTS =
      List.of(
          "Enterprise",
          "Mid-Market",
          "Small Business",
          "Public Sector",
          "Channel Partners",
          "Education");

  private static final List<String> STAGES =
      List.of("Prospecting", "Qualification", "Proposal", "Negotiation", "Verbal Commit");

  private static final List<String> MILESTONES =
      List.of(
          "Beta release",
          "General availability",
          "Mobile app launch",
          "EU data center online",
          "SOC 2 audit complete",
          "Self-serve checkout",
          "Partner API v2",
          "Pricing refresh",
          "Offline mode",
          "Single sign-on for all plans");

  private static final List<String> ORDINALS =
      List.of("first", "second", "third", "fourth", "fifth");

  private SlidesLayout() {}

  static void draw(Draft draft, int year) {
    Fabricator fab = draft.fab;
    Style style = draft.style;
    Fabricator.Company company = fab.company();
    int quarter = fab.between(1, 4);
    String deck =
        fab.pick(
            List.of(
                "Q" + quarter + " " + year + " Business Review",
                "Q" + quarter + " " + year + " Board Update",
                "Go-to-Market Plan " + year,
                "Sales Kickoff " + year));
    String entity = company.base();
    String ofDeck = company.base() + "'s \"" + deck + "\" deck";
    Fabricator.Person presenter = fab.person();
    String role =
        fab.pick(
            List.of(
                "Chief Executive Officer",
                "VP of Sales",
                "Chief Financial Officer",
                "Head of Product",
                "Chief Operating Officer"));
    String footer = company.name() + " | " + deck;

    // Title slide.
    DraftPage page = draft.newPage(SLIDE);
    PageCanvas c = page.canvas;
    c.fillRect(0, 0, 960, 540, style.accent());
    c.fillRect(0, 150, 960, 6, Color.WHITE);
    c.text(style.bold(), 40, 70, 330, deck, Color.WHITE);
    c.text(style.regular(), 24, 70, 285, company.name(), Color.WHITE);
    c.text(
        style.regular(),
        16,
        70,
        110,
        "Presented by " + presenter.fullName() + ", " + role,
        Color.WHITE);
    LocalDate date = fab.date(year);
    c.text(style.regular(), 14, 70, 85, style.dates().format(date), Color.WHITE);
    page.field("company", company.name());
    page.field("deck_title", deck);
    page.field("presenter", presenter.fullName());
    page.field("presenter_role", role);
    page.field("date", style.dates().format(date));
    page.ask("Who presented " + ofDeck + "?", presenter.fullName(), entity);
    page.ask("What is the role of the presenter of " + ofDeck + "?", role, entity);
    page.ask("On what date was " + ofDeck + " presented?", style.dates().format(date), entity);

    // Agenda.
    page = slide(draft, "Agenda");
    c = page.canvas;
    List<String> agenda = new ArrayList<>(AGENDA);
    Collections.shuffle(agenda, fab.random());
    agenda = agenda.subList(0, fab.between(4, 5));
    float y = 400;
    for (int i = 0; i < agenda.size(); i++) {
      c.fillRect(80, y + 4, 8, 8, style.accent());
      c.text(style.regular(), 22, 104, y, agenda.get(i));
      page.ask(
          "What is the " + ORDINALS.get(i) + " item on the agenda of " + ofDeck + "?",
          agenda.get(i),
          entity);
      y -= 52;
    }
    page.field("agenda", String.join("\n", agenda));

    // Key metrics.
    page = slide(draft, "Key Metrics");
    c = page.canvas;
    String revenue = "$" + ReportLayout.tenths(fab.between(12, 980)) + "M";
    String retention = fab.between(88, 135) + "%";
    String newCustomers = Fabricator.count(fab.between(12, 2400));
    String churn = ReportLayout.tenths(fab.between(5, 60)) + "%";
    String[][] tiles = {
      {revenue, "Quarterly revenue", "quarterly_revenue"},
      {retention, "Net revenue retention", "net_revenue_retention"},
      {newCustomers, "New customers", "new_customers"},
      {churn, "Customer churn rate", "churn_rate"}
    };
    for (int i = 0; i < tiles.length; i++) {
      float x = 60 + i * 215;
      c.fillRect(x, 190, 195, 190, style.tint());
      c.textCenter(style.bold(), 38, x + 97, 290, tiles[i][0], style.accent());
      c.textCenter(style.regular(), 15, x + 97, 240, tiles[i][1]);
      page.field(tiles[i][2], tiles[i][0]);
      page.ask(
          "What " + tiles[i][1].toLowerCase(Locale.ROOT) + " is reported in " + ofDeck + "?",
          tiles[i][0],
          entity);
    }

    // Revenue by segment, as a bar chart.
    if (fab.chance(0.8)) {
      page = slide(draft, "Revenue by Segment (USD thousands)");
      c = page.canvas;
      List<String> segments = new ArrayList<>(SEGMENTS);
      Collections.shuffle(segments, fab.random());
      segments = segments.subList(0, fab.between(4, 5));
      List<Long> values = ReportLayout.distinctValues(fab, segments.size(), 150, 9_500);
      List<String> header = List.of("Segment", "Revenue");
      Charts.bars(
          c,
          style,
          120,
          110,
          720,
          290,
          header,
          segments,
          values,
          v -> "$" + Fabricator.count(v) + "K",
          14);
      List<List<String>> rows = new ArrayList<>();
      rows.add(header);
      for (int i = 0; i < segments.size(); i++) {
        rows.add(List.of(segments.get(i), "$" + Fabricator.count(values.get(i)) + "K"));
      }
      page.table("Revenue by segment (bar chart)", rows);
      int top = ReportLayout.argmax(values);
      page.ask(
          "Which segment brought in the most revenue in " + ofDeck + "?",
          segments.get(top),
          entity);
      int ask = fab.between(0, segments.size() - 1);
      page.ask(
          "How much revenue came from the " + segments.get(ask) + " segment in " + ofDeck + "?",
          "$" + Fabricator.count(values.get(ask)) + "K",
          entity);
    }

    // Pipeline table.
    if (fab.chance(0.8)) {
      page = slide(draft, "Pipeline by Stage");
      c = page.canvas;
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("Stage", "Deals", "Value", "Win probability"));
      List<Long> deals = ReportLayout.distinctValues(fab, STAGES.size(), 3, 240);
      deals.sort(Collections.reverseOrder());
      for (int i = 0; i < STAGES.size(); i++) {
        String value = "$" + Fabricator.count(deals.get(i) * fab.between(8, 90)) + "K";
        rows.add(List.of(STAGES.get(i), Long.toString(deals.get(i)), value, (10 + i * 20) + "%"));
        page.ask(
            "How many deals were in the " + STAGES.get(i) + " stage in " + ofDeck + "?",
            Long.toString(deals.get(i)),
            entity);
        page.ask(
            "What is the pipeline value of the " + STAGES.get(i) + " stage in " + ofDeck + "?",
            value,
            entity);
      }
      Style slideTable =
          new Style(
              style.regular(),
              style.bold(),
              style.italic(),
              style.accent(),
              SLIDE,
              style.dates(),
              style.currency(),
              Style.TableLook.ZEBRA);
      Tables.draw(
          c,
          slideTable,
          110,
          400,
          new float[] {260, 120, 180, 180},
          new boolean[] {false, true, true, true},
          rows,
          16);
      page.table("Pipeline by stage", rows);
    }

    // Roadmap.
    page = slide(draft, "Roadmap");
    c = page.canvas;
    List<String> milestones = new ArrayList<>(MILESTONES);
    Collections.shuffle(milestones, fab.random());
    milestones = milestones.subList(0, 4);
    c.line(80, 280, 880, 280, style.accent(), 3);
    LocalDate when = date.plusDays(fab.between(20, 40));
    for (int i = 0; i < milestones.size(); i++) {
      float x = 130 + i * 230;
      c.fillRect(x - 8, 272, 16, 16, style.accent());
      String target = style.dates().format(when);
      c.textCenter(style.bold(), 14, x, 310, milestones.get(i));
      c.textCenter(style.regular(), 13, x, 245, target);
      page.field("milestone_" + (i + 1), milestones.get(i));
      page.field("milestone_" + (i + 1) + "_date", target);
      page.ask(
          "When is the \"" + milestones.get(i) + "\" milestone planned in " + ofDeck + "?",
          target,
          entity);
      when = when.plusDays(fab.between(25, 70));
    }

    // Closing.
    page = slide(draft, "Thank You");
    c = page.canvas;
    String email =
        presenter.first().toLowerCase(Locale.ROOT)
            + "."
            + presenter.last().toLowerCase(Locale.ROOT)
            + "@"
            + company.base().toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "")
            + ".com";
    c.textCenter(style.regular(), 24, 480, 290, "Questions?");
    c.textCenter(style.regular(), 18, 480, 250, email, style.accent());
    page.field("contact_email", email);
    page.ask("Which email address is given for questions in " + ofDeck + "?", email, entity);

    for (int i = 1; i < draft.pages.size(); i++) {
      PageCanvas slide = draft.pages.get(i).canvas;
      slide.text(style.regular(), 10, 40, 22, footer, Style.GREY);
      slide.textRight(
          style.regular(), 10, 920, 22, (i + 1) + " / " + draft.pages.size(), Style.GREY);
    }
  }

  private static DraftPage slide(Draft draft, String title) {
    DraftPage page = draft.newPage(SLIDE);
    PageCanvas c = page.canvas;
    c.fillRect(0, 470, 960, 70, draft.style.accent());
    c.text(draft.style.bold(), 30, 40, 492, title, Color.WHITE);
    c.line(40, 38, 920, 38, Style.RULE, 0.6f);
    page.field("slide_title", title);
    return page;
  }
}
