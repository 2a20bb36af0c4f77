package dev.quire.samples;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Commercial agreements: numbered clauses flowing over 2-4 pages, then a signature block. */
final class ContractLayout {
  private record Kind(String title, String prefix, String services) {}

  /** A unit of text kept on one page, with the fields and questions it carries. */
  private static final class Block {
    final String heading;
    final String body;
    final Map<String, String> fields = new LinkedHashMap<>();
    final List<String[]> questions = new ArrayList<>();

    Block(String heading, String body) {
      this.heading = heading;
      this.body = body;
    }

    Block field(String name, String value) {
      fields.put(name, value);
      return this;
    }

    Block ask(String question, String answer) {
      questions.add(new String[] {question, answer});
      return this;
    }
  }

  private static final List<Kind> KINDS =
      List.of(
          new Kind(
              "MASTER SERVICES AGREEMENT",
              "MSA",
              "managed IT services, including monitoring, help desk support and security patching"),
          new Kind(
              "CONSULTING AGREEMENT",
              "CA",
              "management consulting services relating to supply chain planning"),
          new Kind(
              "SOFTWARE LICENSE AGREEMENT",
              "SLA",
              "a non-exclusive license to use the Provider's scheduling software, with hosting and"
                  + " support"),
          new Kind(
              "EQUIPMENT LEASE AGREEMENT",
              "ELA",
              "the lease of production equipment listed in Schedule A, with delivery and"
                  + " maintenance"));

  private static final List<String> STATES =
      List.of(
          "Delaware",
          "New York",
          "California",
          "Texas",
          "Illinois",
          "Washington",
          "Colorado",
          "Massachusetts",
          "Georgia",
          "Ohio");

  private static final List<String> SIGNER_TITLES =
      List.of(
          "Chief Executive Officer",
          "President",
          "Chief Operating Officer",
          "General Counsel",
          "VP, Procurement",
          "Managing Director");

  private static final String[] NUMBER_WORDS = {
    "", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve"
  };

  private ContractLayout() {}

  static void draw(Draft draft, int year) {
    Fabricator fab = draft.fab;
    Style style = draft.style;
    Kind kind = fab.pick(KINDS);
    String number = kind.prefix() + "-" + year + "-" + fab.digits(4);
    Fabricator.Company provider = fab.company();
    Fabricator.Company client = fab.company();
    List<String> states = new ArrayList<>(STATES);
    Collections.shuffle(states, fab.random());
    String providerState = states.get(0);
    String clientState = states.get(1);
    String law = states.get(2);
    LocalDate effective = fab.date(year);
    String effectiveText = style.dates().format(effective);
    int termMonths = fab.pick(List.of(12, 24, 36));
    long fee = fab.between(1_500L, 60_000L) * 100;
    int paymentDays = fab.pick(List.of(15, 30, 45));
    int noticeDays = fab.pick(List.of(60, 90, 120));
    int liabilityMonths = fab.pick(List.of(3, 6, 9));
    String lateInterest = fab.pick(List.of("1", "1.5", "2"));
    Fabricator.Person providerSigner = fab.person();
    Fabricator.Person clientSigner = fab.person();
    String providerTitle = fab.pick(SIGNER_TITLES);
    String clientTitle = fab.pick(SIGNER_TITLES);
    String sow = fab.digits(3);
    String feeText = style.money(fee);
    String title = kind.title();
    String about = "agreement " + number;

    List<Block> blocks = new ArrayList<>();
    blocks.add(
        new Block(
                null,
                "This "
                    + titleCase(title)
                    + " (the \"Agreement\") is entered into as of "
                    + effectiveText
                    + " (the \"Effective Date\") by and between "
                    + provider.name()
                    + ", a "
                    + providerState
                    + " corporation with its principal office at "
                    + provider.address().street()
                    + ", "
                    + provider.address().cityLine()
                    + " (\"Provider\"), and "
                    + client.name()
                    + ", a "
                    + clientState
                    + " company with its principal office at "
                    + client.address().street()
                    + ", "
                    + client.address().cityLine()
                    + " (\"Client\").")
            .field("effective_date", effectiveText)
            .field("provider_name", provider.name())
            .field("client_name", client.name())
            .ask("What is the effective date of " + about + "?", effectiveText)
            .ask("Which company is the Provider under " + about + "?", provider.name())
            .ask("Which company is the Client under " + about + "?", client.name())
            .ask(
                "In which state is the Provider under " + about + " incorporated?", providerState));
    blocks.add(
        new Block(
                "1. Services",
                "Provider shall provide "
                    + kind.services()
                    + " as described in Statement of Work No. "
                    + sow
                    + " (the \"Services\"). Provider shall perform the Services in a professional"
                    + " manner consistent with generally accepted industry standards and shall"
                    + " assign personnel with appropriate skills and experience.")
            .field("statement_of_work", sow)
            .ask(
                "Which statement of work number describes the services under " + about + "?", sow));
    blocks.add(
        new Block(
                "2. Term",
                "The initial term of this Agreement is "
                    + termMonths
                    + " months from the Effective Date. Thereafter the Agreement renews"
                    + " automatically for successive one-year periods unless either party gives"
                    + " written notice of non-renewal at least "
                    + NUMBER_WORDS[fab.pick(List.of(4, 6, 8))]
                    + " weeks before the end of the then-current term.")
            .field("term", termMonths + " months")
            .ask("How long is the initial term of " + about + "?", termMonths + " months"));
    blocks.add(
        new Block(
                "3. Fees and Payment",
                "Client shall pay Provider a monthly fee of "
                    + feeText
                    + ", exclusive of applicable taxes. Provider shall invoice Client monthly in"
                    + " arrears and invoices are payable within "
                    + paymentDays
                    + " days of receipt. Undisputed amounts not paid when due accrue interest at "
                    + lateInterest
                    + "% per month or the maximum rate permitted by law, whichever is lower.")
            .field("monthly_fee", feeText)
            .field("payment_terms", paymentDays + " days")
            .ask("What is the monthly fee under " + about + "?", feeText)
            .ask(
                "Within how many days must invoices be paid under " + about + "?",
                paymentDays + " days")
            .ask(
                "What monthly interest rate applies to late payments under " + about + "?",
                lateInterest + "%"));
    blocks.add(
        new Block(
            "4. Confidentiality",
            "Each party shall hold the other party's Confidential Information in confidence, use it"
                + " only to perform its obligations under this Agreement, and disclose it only to"
                + " employees and advisers who need to know it and are bound by obligations of"
                + " confidentiality at least as protective as these. These obligations survive"
                + " termination for three years."));
    blocks.add(
        new Block(
            "5. Intellectual Property",
            "Each party retains all rights in its pre-existing intellectual property. Deliverables"
                + " created specifically for Client under a Statement of Work become Client's"
                + " property upon full payment, and Provider grants Client a perpetual license to"
                + " any Provider tools embedded in those deliverables."));
    blocks.add(
        new Block(
                "6. Termination",
                "Either party may terminate this Agreement for convenience upon "
                    + noticeDays
                    + " days' prior written notice to the other party. Either party may terminate"
                    + " immediately if the other party materially breaches this Agreement and fails"
                    + " to cure the breach within thirty days after written notice describing it.")
            .field("termination_notice", noticeDays + " days")
            .ask(
                "How much prior written notice is needed to terminate "
                    + about
                    + " for convenience?",
                noticeDays + " days"));
    blocks.add(
        new Block(
                "7. Limitation of Liability",
                "Except for breaches of confidentiality, each party's aggregate liability arising"
                    + " out of this Agreement shall not exceed the fees paid or payable by Client"
                    + " in the "
                    + liabilityMonths
                    + " months preceding the event giving rise to the claim. Neither party is"
                    + " liable for indirect, incidental or consequential damages.")
            .field("liability_cap", liabilityMonths + " months")
            .ask(
                "Liability under " + about + " is capped at the fees paid over how many months?",
                liabilityMonths + " months"));
    blocks.add(
        new Block(
                "8. Governing Law",
                "This Agreement is governed by the laws of the State of "
                    + law
                    + ", without regard to its conflict of laws principles. The parties submit to"
                    + " the exclusive jurisdiction of the state and federal courts located in that"
                    + " state.")
            .field("governing_law", law)
            .ask("Which state's law governs " + about + "?", law));
    blocks.add(
        new Block(
                "9. Notices",
                "Notices under this Agreement must be in writing and are effective when delivered"
                    + " by hand, by courier, or by email with confirmation of receipt. Notices to"
                    + " Provider shall be sent to "
                    + provider.email()
                    + " and notices to Client to "
                    + client.email()
                    + ".")
            .ask(
                "To which email address must notices to the Provider be sent under " + about + "?",
                provider.email()));

    float margin = 64;
    float bottom = 70;
    float leading = 14;
    float bodySize = 10.5f;
    DraftPage page = draft.newPage();
    PageCanvas c = page.canvas;
    float width = c.width() - 2 * margin;
    float y = c.height() - 80;
    c.textCenter(style.bold(), 17, c.width() / 2, y, title);
    y -= 20;
    c.textCenter(style.regular(), 10, c.width() / 2, y, "Agreement No. " + number);
    y -= 34;
    page.field("agreement_number", number);
    page.field("agreement_type", title);
    for (Block block : blocks) {
      List<String> lines = PageCanvas.wrap(style.regular(), bodySize, width, block.body);
      float height = (block.heading == null ? 0 : 18) + lines.size() * leading + 12;
      if (y - height < bottom) {
        page = continuation(draft, number, margin);
        c = page.canvas;
        y = c.height() - 90;
      }
      if (block.heading != null) {
        c.text(style.bold(), 11.5f, margin, y, block.heading);
        y -= 18;
      }
      for (String line : lines) {
        c.text(style.regular(), bodySize, margin, y, line);
        y -= leading;
      }
      y -= 12;
      block.fields.forEach(page::field);
      for (String[] qa : block.questions) {
        page.ask(qa[0], qa[1], number);
      }
    }

    float signatureHeight = 120;
    if (y - signatureHeight < bottom) {
      page = continuation(draft, number, margin);
      c = page.canvas;
      y = c.height() - 90;
    }
    c.text(
        style.regular(),
        bodySize,
        margin,
        y,
        "IN WITNESS WHEREOF, the parties have executed this Agreement as of the Effective Date.");
    y -= 30;
    float column = width / 2;
    Object[][] signers = {
      {"PROVIDER", provider, providerSigner, providerTitle},
      {"CLIENT", client, clientSigner, clientTitle}
    };
    for (int i = 0; i < 2; i++) {
      float x = margin + i * column;
      Fabricator.Company party = (Fabricator.Company) signers[i][1];
      Fabricator.Person signer = (Fabricator.Person) signers[i][2];
      String signerTitle = (String) signers[i][3];
      float sy = y;
      String partyLine = signers[i][0] + ": " + party.name();
      c.text(
          style.bold(),
          Tables.fitting(style.bold(), 9.5f, column - 12, partyLine),
          x,
          sy,
          partyLine);
      sy -= 26;
      c.line(x + 18, sy, x + column - 30, sy, Style.INK, 0.6f);
      c.text(style.regular(), 9.5f, x, sy + 2, "By:");
      sy -= 14;
      c.text(style.regular(), 9.5f, x, sy, "Name: " + signer.fullName());
      sy -= 13;
      c.text(style.regular(), 9.5f, x, sy, "Title: " + signerTitle);
      sy -= 13;
      c.text(style.regular(), 9.5f, x, sy, "Date: " + effectiveText);
      String role = i == 0 ? "provider" : "client";
      page.field(role + "_signatory", signer.fullName());
      page.field(role + "_signatory_title", signerTitle);
      page.ask(
          "Who signed " + about + " on behalf of " + party.name() + "?", signer.fullName(), number);
      page.ask(
          "What is the title of the person who signed " + about + " for " + party.name() + "?",
          signerTitle,
          number);
    }
    Footers.pageNumbers(draft, titleCase(title) + " No. " + number);
  }

  private static DraftPage continuation(Draft draft, String number, float margin) {
    DraftPage page = draft.newPage();
    PageCanvas c = page.canvas;
    c.textRight(
        draft.style.regular(),
        8.5f,
        c.width() - margin,
        c.height() - 50,
        "Agreement No. " + number,
        Style.GREY);
    page.field("agreement_number", number);
    return page;
  }

  private static String titleCase(String upper) {
    StringBuilder out = new StringBuilder();
    for (String word : upper.toLowerCase(Locale.ROOT).split(" ")) {
      if (!out.isEmpty()) {
        out.append(' ');
      }
      out.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
    }
    return out.toString();
  }
}
