package dev.quire.samples;

/** The kinds of document the generator writes; labels follow the classify API's type names. */
public enum DocumentType {
  INVOICE("invoice"),
  RECEIPT("receipt"),
  BANK_STATEMENT("bank_statement"),
  W2("W2"),
  FORM_1099_NEC("1099-NEC"),
  FORM_1099_INT("1099-INT"),
  FORM_1099_MISC("1099-MISC"),
  FORM_1099_DIV("1099-DIV"),
  REPORT("report"),
  SLIDES("slides"),
  CONTRACT("contract");

  private final String label;

  DocumentType(String label) {
    this.label = label;
  }

  /** The name used in the ground truth and file names, e.g. {@code bank_statement}, {@code W2}. */
  public String label() {
    return label;
  }
}
