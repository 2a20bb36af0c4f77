package dev.quire.samples;

/**
 * One generated PDF.
 *
 * @param file the file name in the corpus folder
 * @param type the document type's label
 * @param pageCount its number of pages
 * @param scanned whether its pages are images only
 */
public record CorpusDocument(String file, String type, int pageCount, boolean scanned) {}
