package dev.quire.samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Collections;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TimeZone;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.common.PDRectangle;

/**
 * Generates a corpus of realistic business documents as PDFs (invoices, receipts, bank statements,
 * W-2 and 1099 forms, reports with tables and charts, slide decks, contracts) with the ground truth
 * of every page: its text, fields, tables and questions only it answers. The same seed gives
 * byte-identical files.
 */
public final class SyntheticCorpus {
  /** One cycle of the mix: invoices, receipts and statements are the commonest documents. */
  private static final List<DocumentType> CYCLE =
      List.of(
          DocumentType.INVOICE,
          DocumentType.RECEIPT,
          DocumentType.BANK_STATEMENT,
          DocumentType.INVOICE,
          DocumentType.W2,
          DocumentType.FORM_1099_NEC,
          DocumentType.REPORT,
          DocumentType.RECEIPT,
          DocumentType.SLIDES,
          DocumentType.CONTRACT,
          DocumentType.BANK_STATEMENT,
          DocumentType.INVOICE);

  private static final List<DocumentType> FORMS_1099 =
      List.of(
          DocumentType.FORM_1099_NEC,
          DocumentType.FORM_1099_INT,
          DocumentType.FORM_1099_MISC,
          DocumentType.FORM_1099_DIV);

  /** Every this-many documents, starting with the second, one is a scan: image only. */
  static final int SCAN_EVERY = 20;

  private SyntheticCorpus() {}

  /**
   * Writes {@code documentCount} PDFs into {@code dir} (created if needed) and, one JSON line per
   * page, {@code dir/ground-truth.jsonl}.
   */
  public static CorpusManifest generate(Path dir, int documentCount, long seed) throws IOException {
    if (documentCount < 1) {
      throw new IllegalArgumentException("documentCount must be at least 1, got " + documentCount);
    }
    Files.createDirectories(dir);
    Random random = new Random(seed);
    Fabricator fab = new Fabricator(random);
    List<DocumentType> plan = plan(documentCount, random);
    List<GroundTruthPage> truth = new ArrayList<>();
    List<CorpusDocument> documents = new ArrayList<>();
    for (int i = 0; i < documentCount; i++) {
      boolean scanned = i % SCAN_EVERY == 1;
      DocumentType type =
          scanned
              ? ((i / SCAN_EVERY) % 2 == 0 ? DocumentType.RECEIPT : DocumentType.INVOICE)
              : plan.get(i);
      // A draw whose layout overlaps or leaves a page without a question that singles it out is
      // drawn again from where the random sequence stands (rare: a seed that draws cleanly the
      // first time gives the same corpus as before this retry existed).
      for (int attempt = 1; ; attempt++) {
      int year = 2021 + random.nextInt(4);
      // Scans use Helvetica: PDFBox renders it with its bundled Liberation Sans on any machine.
      Style style =
          scanned
              ? Style.random(random, Style.Family.HELVETICA, PDRectangle.LETTER)
              : style(type, random);
      Draft draft = new Draft(type, style, fab);
      try {
        switch (type) {
          case INVOICE -> InvoiceLayout.draw(draft, year, scanned);
          case RECEIPT -> ReceiptLayout.draw(draft, year);
          case BANK_STATEMENT -> StatementLayout.draw(draft, year);
          case W2 -> TaxFormLayout.drawW2(draft, year);
          case FORM_1099_NEC, FORM_1099_INT, FORM_1099_MISC, FORM_1099_DIV ->
              TaxFormLayout.draw1099(draft, year);
          case REPORT -> ReportLayout.draw(draft, year);
          case SLIDES -> SlidesLayout.draw(draft, year);
          case CONTRACT -> ContractLayout.draw(draft, year);
        }
        String file =
            String.format(Locale.ROOT, "%04d-%s.pdf", i + 1, type.label().toLowerCase(Locale.ROOT));
        List<GroundTruthPage> pages;
        try {
          pages = draft.finish(file, scanned, random);
        } catch (IllegalStateException e) {
          if (attempt >= MAX_ATTEMPTS) {
            throw new IllegalStateException(e.getMessage() + " (after " + attempt + " draws)", e);
          }
          continue;
        }
        save(draft.pdf, dir.resolve(file), scanned, random, seed ^ (0x9E3779B97F4A7C15L * (i + 1)));
        truth.addAll(pages);
        documents.add(new CorpusDocument(file, type.label(), pages.size(), scanned));
        break;
      } finally {
        draft.pdf.close();
      }
      }
    }
    GroundTruth.write(dir, truth);
    return new CorpusManifest(dir, dir.resolve(GroundTruth.FILE_NAME), documents, seed);
  }

  /** Draws of one document before generation gives up. */
  private static final int MAX_ATTEMPTS = 8;

  /** The type of each document: shuffled cycles of {@link #CYCLE}, 1099s of all four kinds. */
  private static List<DocumentType> plan(int count, Random random) {
    List<DocumentType> plan = new ArrayList<>();
    while (plan.size() < count) {
      List<DocumentType> cycle = new ArrayList<>(CYCLE);
      Collections.shuffle(cycle, random);
      for (DocumentType type : cycle) {
        plan.add(
            type == DocumentType.FORM_1099_NEC
                ? FORMS_1099.get(random.nextInt(FORMS_1099.size()))
                : type);
      }
    }
    return plan.subList(0, count);
  }

  private static Style style(DocumentType type, Random random) {
    return switch (type) {
      case RECEIPT ->
          Style.random(
              random,
              random.nextInt(5) < 3 ? Style.Family.COURIER : Style.Family.HELVETICA,
              PDRectangle.LETTER);
      case W2, FORM_1099_NEC, FORM_1099_INT, FORM_1099_MISC, FORM_1099_DIV ->
          Style.random(
              random,
              random.nextInt(4) == 0 ? Style.Family.COURIER : Style.Family.HELVETICA,
              PDRectangle.LETTER);
      case SLIDES ->
          Style.random(
              random,
              random.nextInt(4) == 0 ? Style.Family.TIMES : Style.Family.HELVETICA,
              SlidesLayout.SLIDE);
      default -> Style.randomDocument(random);
    };
  }

  private static void save(
      PDDocument vector, Path file, boolean scanned, Random random, long documentId)
      throws IOException {
    PDDocument out = scanned ? ScannedLook.scan(vector, random) : vector;
    try {
      PDDocumentInformation info = out.getDocumentInformation();
      info.setProducer("Quire synthetic corpus");
      // Fixed dates and id: PDFBox would otherwise stamp the current time into the file.
      Calendar created = new GregorianCalendar(TimeZone.getTimeZone("UTC"), Locale.ROOT);
      created.clear();
      created.set(2025, Calendar.JANUARY, 1);
      info.setCreationDate(created);
      out.setDocumentId(documentId);
      out.save(file.toFile());
    } finally {
      if (out != vector) {
        out.close();
      }
    }
  }
}
