package dev.quire.retrieval;

import dev.quire.encoder.MultiVector;
import dev.quire.encoder.MultiVectorEncoder;
import dev.quire.index.DocumentRecord;
import dev.quire.index.PageCodec;
import dev.quire.index.PageIndex;
import dev.quire.index.Snippet;
import dev.quire.index.PageInfo;
import dev.quire.index.TextHit;
import dev.quire.index.VectorReader;
import dev.quire.retrieval.kernels.MaxSimScorer;
import dev.quire.retrieval.kernels.PreparedQuery;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;

/**
 * The two-stage search: first-stage candidates (BM25, the text embedding's nearest pages, both
 * fused, every page, or BM25 fused with every page), then the rescoring chain over the stored
 * page codes. Thread-safe; each thread scores with its own
 * {@link MaxSimScorer}.
 */
public final class Searcher {

  private static final int SNIPPET_CHARS = 240;

  private final PageIndex index;
  private final MultiVectorEncoder encoder;
  private final dev.quire.textembedding.TextEmbedder textEmbedder;
  private final ThreadLocal<MaxSimScorer> scorers =
      ThreadLocal.withInitial(() -> new MaxSimScorer(PageCodec.MAX_DIM));

  /**
   * @param encoder embeds queries for rescoring; null searches with BM25 alone
   */
  public Searcher(PageIndex index, MultiVectorEncoder encoder) {
    this(index, encoder, null);
  }

  /**
   * @param textEmbedder embeds queries for the dense and hybrid first stages; null for none
   */
  public Searcher(PageIndex index, MultiVectorEncoder encoder,
      dev.quire.textembedding.TextEmbedder textEmbedder) {
    this.index = index;
    this.encoder = encoder;
    this.textEmbedder = textEmbedder;
  }

  /** Null when the dense and hybrid first stages can run; otherwise why not. */
  public String whyNoTextVectors() {
    if (index.textModel().isEmpty()) {
      return "the index holds no text vectors (it was built without a text embedding model)";
    }
    if (textEmbedder == null) {
      return "no text embedding model was given to embed the query";
    }
    return null;
  }

  public SearchResults search(SearchRequest request) throws IOException {
    return search(request, null);
  }

  /**
   * Searches with a query embedding computed beforehand (by this searcher's encoder), e.g. when
   * one query runs under several configurations; null embeds the query here.
   */
  public SearchResults search(SearchRequest request, MultiVector queryEmbedding)
      throws IOException {
    long start = System.nanoTime();
    SearchConfig config = request.config();
    List<SearchStats.Stage> stages = new ArrayList<>();
    List<String> notes = new ArrayList<>();

    String whyNoVectors = whyNoVectors();
    if (whyNoVectors != null && config.firstStage().needsPageVectors()) {
      throw new IllegalStateException(
          "first stage '" + config.firstStage().label() + "' ranks pages by their embeddings, but "
              + whyNoVectors);
    }
    String whyNoText = whyNoTextVectors();
    if (whyNoText != null && config.firstStage().needsTextVectors()) {
      throw new IllegalStateException(
          "first stage '" + config.firstStage().label() + "' ranks pages by their text vectors, but "
              + whyNoText);
    }

    if (!request.filter().isNone() && !index.hasPages(request.filter())) {
      // Nothing to rank: the query is not even embedded.
      notes.add("the filters match no document");
      return new SearchResults(request.query(), List.of(), new SearchStats(stages, notes, millisSince(start)));
    }

    List<Ranked> ranking;
    if (whyNoVectors != null || config.scorers().isEmpty()) {
      if (whyNoVectors != null) {
        notes.add((config.firstStage() == FirstStage.BM25 ? "BM25 only: " : "no MaxSim rescoring: ")
            + whyNoVectors);
      }
      ranking = textStage(request, request.k(), stages);
    } else {
      ranking = rankWithVectors(request, queryEmbedding, stages, notes);
    }

    List<SearchHit> hits = toHits(request, ranking);
    double total = (System.nanoTime() - start) / 1e6;
    return new SearchResults(request.query(), hits, new SearchStats(stages, notes, total));
  }

  /** Null when embeddings can rerank; otherwise the reason, as the user should read it. */
  private String whyNoVectors() {
    if (index.model().isEmpty()) {
      return "the index holds no page embeddings (it was built without a model)";
    }
    if (encoder == null) {
      return "no model was given to embed the query (the index was embedded with "
          + index.model().get().name() + ")";
    }
    return null;
  }

  private List<Ranked> rankWithVectors(
      SearchRequest request,
      MultiVector embedding,
      List<SearchStats.Stage> stages,
      List<String> notes)
      throws IOException {
    SearchConfig config = request.config();
    long t = System.nanoTime();
    MultiVector q = embedding;
    if (q == null) {
      q = encoder.encodeQueries(List.of(request.query())).get(0);
      stages.add(new SearchStats.Stage("encode-query", 1, 1, millisSince(t)));
    }
    PreparedQuery query = PreparedQuery.prepare(q.values(), q.tokens(), q.dimension());

    try (VectorReader vectors = index.vectors()) {
      return switch (config.firstStage()) {
        case BM25, DENSE, HYBRID -> {
          List<Ranked> hits = textStage(request, config.depth(), stages);
          List<Long> withVectors = new ArrayList<>();
          List<Ranked> textOnly = new ArrayList<>();
          for (Ranked hit : hits) {
            if (vectors.hasVectors(hit.pageId())) {
              withVectors.add(hit.pageId());
            } else {
              textOnly.add(hit);
            }
          }
          List<Ranked> ranked = rescore(config, query, vectors, toArray(withVectors), stages);
          if (!textOnly.isEmpty()) {
            notes.add(
                textOnly.size() + " " + config.firstStage().label()
                    + " candidates have no embedding; they follow the rescored pages");
            ranked.addAll(textOnly);
          }
          yield ranked;
        }
        case EXHAUSTIVE -> rescore(config, query, vectors, allPages(request, vectors), stages);
        case FUSION -> {
          List<TextHit> hits = bm25(request, config.depth(), stages);
          List<Ranked> dense = rescore(config, query, vectors, allPages(request, vectors), stages);
          if (dense.size() > config.depth()) {
            dense = dense.subList(0, config.depth());
          }
          t = System.nanoTime();
          List<Ranked> fused = ReciprocalRankFusion.fuse(textRanking(hits), dense, config.rrfK());
          stages.add(
              new SearchStats.Stage(
                  "fusion", hits.size() + dense.size(), fused.size(), millisSince(t)));
          yield fused;
        }
      };
    }
  }

  /** The candidates of a text first stage: BM25, dense (text vectors), or the two fused. */
  private List<Ranked> textStage(SearchRequest request, int n, List<SearchStats.Stage> stages)
      throws IOException {
    FirstStage stage = request.config().firstStage();
    if (stage == FirstStage.DENSE) {
      return textRanking(dense(request, n, stages));
    }
    if (stage == FirstStage.HYBRID) {
      List<TextHit> text = bm25(request, n, stages);
      List<TextHit> dense = dense(request, n, stages);
      long t = System.nanoTime();
      Fusion fusion = request.config().fusion();
      List<Ranked> fused = fusion.method() == Fusion.Method.CONVEX
          ? ReciprocalRankFusion.convex(textRanking(text), textRanking(dense), fusion.denseWeight())
          : ReciprocalRankFusion.fuseWeighted(textRanking(text), textRanking(dense), request.config().rrfK(),
              fusion.denseWeight());
      if (fused.size() > n) {
        fused = fused.subList(0, n);
      }
      stages.add(new SearchStats.Stage("fusion", text.size() + dense.size(), fused.size(), millisSince(t)));
      return fused;
    }
    return textRanking(bm25(request, n, stages));
  }

  private List<TextHit> dense(SearchRequest request, int n, List<SearchStats.Stage> stages)
      throws IOException {
    long t = System.nanoTime();
    float[] query = textEmbedder.embed(request.query());
    stages.add(new SearchStats.Stage("encode-query-text", 1, 1, millisSince(t)));
    t = System.nanoTime();
    List<TextHit> hits = index.searchTextVectors(query, n, request.filter());
    stages.add(new SearchStats.Stage("dense", -1, hits.size(), millisSince(t)));
    return hits;
  }

  private List<TextHit> bm25(SearchRequest request, int n, List<SearchStats.Stage> stages)
      throws IOException {
    long t = System.nanoTime();
    List<TextHit> hits = index.searchText(request.query(), n, request.filter(), false);
    stages.add(new SearchStats.Stage("bm25", -1, hits.size(), millisSince(t)));
    return hits;
  }

  private static List<Ranked> textRanking(List<TextHit> hits) {
    List<Ranked> out = new ArrayList<>(hits.size());
    for (TextHit hit : hits) {
      out.add(new Ranked(hit.pageId(), hit.score()));
    }
    return out;
  }

  /**
   * The pages with vectors the request's filter lets through, in page id order: listed by the
   * index only here, where every page that passes is scored (the text stages filter in Lucene).
   */
  private long[] allPages(SearchRequest request, VectorReader vectors) throws IOException {
    if (request.filter().isNone()) {
      LongStream.Builder all = LongStream.builder();
      vectors.forEachPage(all);
      return all.build().toArray();
    }
    return LongStream.of(index.pageIds(request.filter())).filter(vectors::hasVectors).toArray();
  }

  /**
   * Runs the scorer chain over the candidates (phased ranking): an intermediate stage ranks all
   * it receives and passes the best {@code ceil(depth x ratio)} on; the pages it holds back
   * follow the final ranking, in its order and with scores shifted below it, so a phased search
   * still returns k pages whose scores sort them in rank order.
   */
  private List<Ranked> rescore(
      SearchConfig config,
      PreparedQuery query,
      VectorReader vectors,
      long[] candidates,
      List<SearchStats.Stage> stages) {
    MaxSimScorer scorer = scorers.get();
    int passOn = config.passedOn();
    long[] ids = candidates;
    float[] scores = new float[ids.length];
    List<List<Ranked>> heldBack = new ArrayList<>();
    List<Scorer> chain = config.scorers();
    for (int s = 0; s < chain.size(); s++) {
      long t = System.nanoTime();
      Scorer kind = chain.get(s);
      boolean half = kind == Scorer.HALF;
      vectors.willRead(ids, half);
      // Pages are read in place, through one segment: nothing is allocated per page.
      MemorySegment memory = vectors.memory();
      for (int i = 0; i < ids.length; i++) {
        VectorReader.PageBlob page =
            half ? vectors.halfBlob(ids[i], query.dim()) : vectors.binaryBlob(ids[i], query.dim());
        scores[i] =
            switch (kind) {
              case HAMMING -> scorer.hamming(query, memory, page.offset(), page.tokens());
              case ASYMMETRIC -> scorer.asymmetric(query, memory, page.offset(), page.tokens());
              case HALF -> scorer.halfPrecision(query, memory, page.offset(), page.tokens());
            };
      }
      boolean last = s == chain.size() - 1;
      int[] order = TopPages.select(scores, ids, ids.length, ids.length);
      int kept = last ? order.length : Math.min(passOn, order.length);
      List<Ranked> rest = new ArrayList<>(order.length - kept);
      for (int i = kept; i < order.length; i++) {
        rest.add(new Ranked(ids[order[i]], scores[order[i]]));
      }
      heldBack.add(rest);
      long[] keptIds = new long[kept];
      float[] keptScores = new float[kept];
      for (int i = 0; i < kept; i++) {
        keptIds[i] = ids[order[i]];
        keptScores[i] = scores[order[i]];
      }
      stages.add(new SearchStats.Stage(kind.label(), ids.length, kept, millisSince(t)));
      ids = keptIds;
      scores = keptScores;
    }
    List<Ranked> out = new ArrayList<>(candidates.length);
    for (int i = 0; i < ids.length; i++) {
      out.add(new Ranked(ids[i], scores[i]));
    }
    // Later stages held back the better pages of earlier stages: theirs come first.
    for (int s = heldBack.size() - 1; s >= 0; s--) {
      appendBelow(out, heldBack.get(s));
    }
    return out;
  }

  /**
   * Appends pages an earlier stage held back. Their scores come from another scorer and may be
   * higher than the reranked ones (Hamming sums above float MaxSim), so the block is shifted down
   * by one offset to start just below the ranking so far: scores then sort the ranking into its
   * own order, as anything that orders by score (a TREC run, a client) expects. Ties stay ties
   * and a drop stays a drop.
   */
  static void appendBelow(List<Ranked> ranking, List<Ranked> block) {
    if (block.isEmpty()) {
      return;
    }
    if (ranking.isEmpty() || block.get(0).score() < ranking.getLast().score()) {
      ranking.addAll(block);
      return;
    }
    float first = block.get(0).score();
    float previousOut = Math.nextDown(ranking.getLast().score());
    float offset = previousOut - first;
    float previousIn = first;
    ranking.add(new Ranked(block.get(0).pageId(), previousOut));
    for (int i = 1; i < block.size(); i++) {
      float score = block.get(i).score();
      float shifted =
          score == previousIn
              ? previousOut
              : Math.min(score + offset, Math.nextDown(previousOut)); // rounding must not tie
      ranking.add(new Ranked(block.get(i).pageId(), shifted));
      previousIn = score;
      previousOut = shifted;
    }
  }

  private List<SearchHit> toHits(SearchRequest request, List<Ranked> ranking) throws IOException {
    int k = request.k();
    List<Ranked> top = new ArrayList<>(Math.min(k, ranking.size()));
    List<PageInfo> pages = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    for (Ranked r : ranking) {
      if (top.size() == k) {
        break;
      }
      if (!seen.add(r.pageId())) {
        continue;
      }
      Optional<PageInfo> page = index.page(r.pageId());
      if (page.isPresent()) { // else deleted between the stages
        top.add(r);
        pages.add(page.get());
      }
    }
    Map<Long, Snippet> snippets =
        request.snippets() ? index.snippets(request.query(), seen) : Map.of();
    Map<String, String> sources = new HashMap<>();
    List<SearchHit> hits = new ArrayList<>(top.size());
    for (int i = 0; i < top.size(); i++) {
      Ranked r = top.get(i);
      PageInfo info = pages.get(i);
      Snippet snippet = Snippet.EMPTY;
      if (request.snippets()) {
        snippet = snippets.getOrDefault(r.pageId(), Snippet.EMPTY);
        if (snippet.isEmpty()) {
          snippet = leadingText(info.text());
        }
      }
      String source =
          sources.computeIfAbsent(
              info.documentId(),
              id -> index.document(id).map(DocumentRecord::sourcePath).orElse(""));
      hits.add(
          new SearchHit(
              i + 1, info.documentId(), info.pageNumber(), r.score(), snippet, source, r.pageId()));
    }
    return hits;
  }

  /** The start of the page text, for a page whose text the query did not match. */
  private static Snippet leadingText(String text) {
    if (text == null) {
      return Snippet.EMPTY;
    }
    String flat = text.strip().replaceAll("\\s+", " ");
    if (flat.length() > SNIPPET_CHARS) {
      flat = flat.substring(0, SNIPPET_CHARS) + "…";
    }
    return Snippet.plain(flat);
  }

  private static long[] toArray(List<Long> ids) {
    long[] out = new long[ids.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ids.get(i);
    }
    return out;
  }

  private static double millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e6;
  }
}
