package dev.quire.indexing;

import dev.quire.datasets.DocumentReader;
import dev.quire.datasets.DocumentRejectedException;
import dev.quire.datasets.LoadedDocument;
import dev.quire.datasets.Page;
import dev.quire.datasets.SourceInfo;
import dev.quire.datasets.TextSource;
import dev.quire.encoder.EncoderInfo;
import dev.quire.encoder.MultiVector;
import dev.quire.encoder.MultiVectorEncoder;
import dev.quire.index.DocumentRecord;
import dev.quire.index.DocumentWriter;
import dev.quire.index.ModelStamp;
import dev.quire.index.PageIndex;
import dev.quire.index.PageInfo;
import dev.quire.index.PageRecord;
import dev.quire.index.PageVectors;
import dev.quire.index.PageCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Indexes documents into a {@link PageIndex}: skips unchanged ones, reads each page, embeds page
 * images in batches when an encoder is given, and commits each document once all its pages are
 * durable. An interrupted job resumes where it stopped: pages staged by the earlier run are not
 * read or embedded again.
 */
public final class IndexingJob {

  private final PageIndex index;
  private final DocumentReader reader;
  private final MultiVectorEncoder encoder;
  private final ModelStamp stamp;
  private final int batchSize;
  private final dev.quire.textembedding.TextEmbedder textEmbedder;
  private final ModelStamp textStamp;

  /**
   * @param encoder embeds page images; null indexes text (BM25) and images only
   * @param batchSize pages per encoder call
   */
  public IndexingJob(
      PageIndex index, DocumentReader reader, MultiVectorEncoder encoder, int batchSize) {
    this(index, reader, encoder, batchSize, null);
  }

  /**
   * @param textEmbedder embeds page text (in overlapping chunks, see
   *     {@link dev.quire.textembedding.TextChunker}) for the dense first stage; null for none
   */
  public IndexingJob(PageIndex index, DocumentReader reader, MultiVectorEncoder encoder, int batchSize,
      dev.quire.textembedding.TextEmbedder textEmbedder) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    this.index = index;
    this.reader = reader;
    this.encoder = encoder;
    this.stamp = encoder == null ? null : stamp(encoder.info());
    this.batchSize = batchSize;
    this.textEmbedder = textEmbedder;
    this.textStamp = textEmbedder == null ? null : textStamp(textEmbedder.info());
  }

  /** How an index records a text embedding model. */
  public static ModelStamp textStamp(dev.quire.textembedding.TextModelInfo info) {
    return new ModelStamp(info.name(), "sha256:" + info.sha256(), info.dimension());
  }

  /** Indexes the files under {@code roots} (folders are walked recursively). */
  public IndexReport run(List<Path> roots, IndexListener listener) throws IOException {
    Tally tally = start();
    List<Path> files = reader.discover(roots);
    listener.started(files.size());
    for (Path file : files) {
      if (listener.cancelled()) {
        tally.cancelled = true;
        break;
      }
      IndexReport.Outcome outcome = indexFile(file, tally, listener);
      if (tally.cancelled) {
        break; // stopped inside the document: it is not finished, its pages stay staged
      }
      listener.documentFinished(file, outcome);
    }
    return finish(tally);
  }

  /** Indexes documents that do not come from files, e.g. the pages of a dataset. */
  public IndexReport run(Iterator<DocumentInput> inputs, int count, IndexListener listener)
      throws IOException {
    Tally tally = start();
    listener.started(count);
    while (inputs.hasNext()) {
      if (listener.cancelled()) {
        tally.cancelled = true;
        break;
      }
      DocumentInput input = inputs.next();
      IndexReport.Outcome outcome = indexDocument(input, tally, listener);
      if (tally.cancelled) {
        break;
      }
      listener.documentFinished(input.source().path(), outcome);
    }
    return finish(tally);
  }

  public static ModelStamp stamp(EncoderInfo info) {
    return new ModelStamp(info.name(), info.checkpointHash(), info.dimension());
  }

  private Tally start() {
    Optional<ModelStamp> indexModel = index.model();
    if (stamp == null && indexModel.isPresent()) {
      throw new IllegalStateException(
          "this index holds embeddings from " + indexModel.get().name()
              + "; index into it with that model so every page stays searchable");
    }
    if (stamp != null) {
      index.checkModel(stamp);
    }
    Tally tally = new Tally(System.nanoTime());
    if (encoder == null) {
      tally.notes.add("no model given: pages are indexed for BM25 and kept as images, not embedded");
    }
    return tally;
  }

  private IndexReport finish(Tally tally) {
    if (tally.pagesWithoutText > 0 && !reader.ocr().available()) {
      tally.notes.add(
          tally.pagesWithoutText + " pages have no text layer and OCR is unavailable ("
              + reader.ocr().status() + "): they are indexed image-only");
    }
    if (tally.cancelled) {
      tally.notes.add("cancelled: pages stored so far are kept; run the job again to resume");
    }
    return new IndexReport(
        tally.indexed,
        tally.unchanged,
        tally.skipped,
        tally.pages,
        tally.resumed,
        tally.embedded,
        tally.pagesWithoutText,
        tally.notes,
        tally.cancelled,
        (System.nanoTime() - tally.startNanos) / 1e9);
  }

  private IndexReport.Outcome indexFile(Path file, Tally tally, IndexListener listener)
      throws IOException {
    try {
      SourceInfo source = reader.identify(file);
      if (isUnchanged(source)) {
        tally.unchanged.add(source.documentId());
        return IndexReport.Outcome.UNCHANGED;
      }
      try (LoadedDocument document = reader.open(file)) {
        return write(new DocumentInput(source, document.pageCount(), document::page), tally, listener);
      }
    } catch (DocumentRejectedException e) {
      tally.skipped.add(skipped(e));
      return IndexReport.Outcome.SKIPPED;
    }
  }

  private IndexReport.Outcome indexDocument(DocumentInput input, Tally tally, IndexListener listener)
      throws IOException {
    if (isUnchanged(input.source())) {
      tally.unchanged.add(input.source().documentId());
      return IndexReport.Outcome.UNCHANGED;
    }
    return write(input, tally, listener);
  }

  /** Same content, and embedded already if this run embeds. */
  private boolean isUnchanged(SourceInfo source) {
    Optional<DocumentRecord> existing = index.document(source.documentId());
    if (existing.isEmpty() || !existing.get().contentHash().equals(source.contentHash())) {
      return false;
    }
    if (stamp == null) {
      return true;
    }
    for (int n = 1; n <= existing.get().pageCount(); n++) {
      Optional<PageInfo> page = index.page(source.documentId(), n);
      if (page.isPresent()) {
        return page.get().hasVectors();
      }
    }
    return true;
  }

  private IndexReport.Outcome write(DocumentInput input, Tally tally, IndexListener listener)
      throws IOException {
    SourceInfo source = input.source();
    listener.documentStarted(source, input.pageCount());
    DocumentRecord record =
        new DocumentRecord(
            source.documentId(),
            source.path().toString(),
            source.contentHash(),
            source.sizeBytes(),
            source.mediaType(),
            input.pageCount(),
            Instant.now(),
            Map.of("fileName", String.valueOf(source.path().getFileName())));
    try (DocumentWriter writer = index.write(record, stamp)) {
      Set<Integer> staged = writer.stagedPages();
      List<Page> batch = new ArrayList<>(batchSize);
      for (int n = 1; n <= input.pageCount(); n++) {
        if (listener.cancelled()) {
          tally.cancelled = true;
          return IndexReport.Outcome.SKIPPED;
        }
        if (staged.contains(n)) {
          tally.resumed++;
          tally.pages++;
          listener.pageIndexed(source, n);
          continue;
        }
        try {
          batch.add(input.pages().page(n));
        } catch (DocumentRejectedException e) {
          tally.skipped.add(skipped(e));
          continue;
        }
        if (batch.size() == batchSize) {
          addPages(batch, writer, source, tally, listener);
        }
      }
      addPages(batch, writer, source, tally, listener);
      // A page that could not be read is left out; the rest of the document is committed.
      writer.commit();
    }
    tally.indexed.add(source.documentId());
    return IndexReport.Outcome.INDEXED;
  }

  private void addPages(
      List<Page> batch, DocumentWriter writer, SourceInfo source, Tally tally,
      IndexListener listener)
      throws IOException {
    if (batch.isEmpty()) {
      return;
    }
    List<MultiVector> embeddings =
        encoder == null ? null : encoder.encodePages(batch.stream().map(Page::image).toList());
    List<dev.quire.index.TextVectors> texts = textVectors(batch);
    for (int i = 0; i < batch.size(); i++) {
      Page page = batch.get(i);
      PageVectors vectors = null;
      if (embeddings != null) {
        MultiVector mv = embeddings.get(i);
        vectors = PageCodec.encode(mv.values(), mv.tokens(), mv.dimension());
        tally.embedded++;
      }
      if (page.textSource() == TextSource.NONE) {
        tally.pagesWithoutText++;
      }
      writer.addPage(
          new PageRecord(page.number(), page.text(), page.textSource().name(), page.image(), vectors,
              texts.get(i)));
      tally.pages++;
      listener.pageIndexed(source, page.number());
    }
    batch.clear();
  }

  /** Each page's text chunks embedded in one call for the batch; null for a page without text. */
  private List<dev.quire.index.TextVectors> textVectors(List<Page> batch) {
    List<dev.quire.index.TextVectors> out = new java.util.ArrayList<>();
    if (textEmbedder == null) {
      batch.forEach(p -> out.add(null));
      return out;
    }
    List<String> chunks = new java.util.ArrayList<>();
    int[] counts = new int[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      List<String> pageChunks = dev.quire.textembedding.TextChunker.chunks(batch.get(i).text());
      counts[i] = pageChunks.size();
      chunks.addAll(pageChunks);
    }
    float[][] vectors = chunks.isEmpty() ? new float[0][] : textEmbedder.embed(chunks);
    int at = 0;
    for (int count : counts) {
      out.add(count == 0 ? null
          : new dev.quire.index.TextVectors(textStamp, java.util.Arrays.copyOfRange(vectors, at, at + count)));
      at += count;
    }
    return out;
  }

  private static IndexReport.Skipped skipped(DocumentRejectedException e) {
    return new IndexReport.Skipped(e.file(), e.page(), e.reason().name(), e.detail());
  }

  private static final class Tally {
    final long startNanos;
    final List<String> indexed = new ArrayList<>();
    final List<String> unchanged = new ArrayList<>();
    final List<IndexReport.Skipped> skipped = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    int pages;
    int resumed;
    int embedded;
    int pagesWithoutText;
    boolean cancelled;

    Tally(long startNanos) {
      this.startNanos = startNanos;
    }
  }
}
