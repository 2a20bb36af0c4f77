/**
 * Run and qrels files: TREC ({@link dev.quire.evaluation.format.TrecRunFormat}, {@link
 * dev.quire.evaluation.format.TrecQrelsFormat}), BEIR's qrels TSV ({@link
 * dev.quire.evaluation.format.BeirQrelsTsvFormat}) and the JSON dictionaries of BEIR and
 * pytrec_eval ({@link dev.quire.evaluation.format.BeirJsonFormat}). Every parser error is a {@link
 * dev.quire.evaluation.format.FormatException} quoting the file, the line number and the line.
 */
package dev.quire.evaluation.format;
