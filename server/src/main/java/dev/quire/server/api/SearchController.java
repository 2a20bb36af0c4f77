package dev.quire.server.api;

import dev.quire.index.PageFilter;
import dev.quire.retrieval.FirstStage;
import dev.quire.retrieval.Fusion;
import dev.quire.retrieval.SearchConfig;
import dev.quire.retrieval.SearchHit;
import dev.quire.retrieval.SearchRequest;
import dev.quire.retrieval.SearchResults;
import dev.quire.retrieval.SimilarityMap;
import dev.quire.server.collections.Collection;
import dev.quire.server.security.Principal;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/** {@code POST /v1/search} and the similarity maps of one page. */
final class SearchController {

  /**
   * A search request; everything but the query is optional.
   *
   * @param snippets false leaves out the highlighted snippets, the costliest part of a BM25 search
   */
  record SearchBody(
      String query,
      Integer k,
      String collection,
      Filters filters,
      String firstStage,
      Integer depth,
      List<String> scorers,
      Double prefilterRatio,
      Boolean snippets,
      String fusion,
      Double denseWeight) {}

  /**
   * @param documentIds only these documents
   * @param metadata only documents whose metadata has all these values
   */
  record Filters(List<String> documentIds, Map<String, String> metadata) {}

  private static final int MAX_DEPTH = 10_000;

  private final ServerContext context;
  private final AccessControl access;
  private final Links links;

  SearchController(ServerContext context, AccessControl access) {
    this.context = context;
    this.access = access;
    this.links = new Links(context);
  }

  void search(Context ctx) throws IOException {
    SearchBody body = Bodies.json(ctx, SearchBody.class);
    Collection collection = access.readable(ctx, body.collection());
    String query = query(body.query(), "query");
    int k = body.k() == null ? 10 : body.k();
    int maxK = context.config().limits().maxResults();
    if (k < 1 || k > maxK) {
      throw ApiException.invalid("k must be in 1.." + maxK + ", got " + k, "k");
    }
    SearchConfig config = config(body);
    if (body.firstStage() == null && collection.quire().hasDenseStage()) {
      // where the collection has text vectors, BM25 fused with the dense stage is the default
      config = config.withFirstStage(FirstStage.HYBRID);
    }
    PageFilter filter = filter(body.filters());
    Principal caller = AccessControl.principal(ctx);
    if (config.firstStage().needsPageVectors() && context.collections().encoder().isEmpty()) {
      throw ApiException.modelNotLoaded("first stage '" + config.firstStage().label() + "'");
    }
    if (config.firstStage().needsTextVectors() && !collection.quire().hasDenseStage()) {
      throw new ApiException(503, "TEXT_MODEL_NOT_LOADED", "first stage '" + config.firstStage().label()
          + "' needs text vectors: " + (context.collections().textEmbedder().isEmpty()
          ? "this server loads no text embedding model (textModel: none)"
          : "collection " + collection.name() + " has none (its documents were indexed without a text model)"));
    }
    // The index resolves the filter: only pages that pass are ranked and scored.
    SearchRequest request = new SearchRequest(query, k, filter, config);
    SearchResults results =
        collection
            .quire()
            .search(Boolean.FALSE.equals(body.snippets()) ? request.withoutSnippets() : request);
    context.metrics().search(collection.name(), results.stats());
    ctx.json(dev.quire.SearchView.of(query, collection.name(), results,
        (hit, thumbnail) -> links.pageImage(collection.name(), hit.documentId(), hit.pageNumber(), thumbnail, caller)));
  }

  /** {@code GET /v1/documents/{id}/pages/{n}/similarity?query=}: per query token, per patch. */
  void similarity(Context ctx) throws IOException {
    Collection collection = access.readable(ctx, ctx.queryParam("collection"));
    String documentId = Bodies.documentId(ctx);
    int page = Bodies.pageNumber(ctx);
    String query = query(ctx.queryParam("query"), "query");
    if (context.collections().encoder().isEmpty()) {
      throw ApiException.modelNotLoaded("a similarity map");
    }
    if (collection.quire().pageImage(documentId, page, false).isEmpty()) {
      throw ApiException.notFound(
          "PAGE_NOT_FOUND", "document '" + documentId + "' has no page " + page + " with an image");
    }
    SimilarityMap map =
        collection
            .quire()
            .similarityMap(query, documentId, page)
            .orElseThrow(
                () ->
                    new ApiException(
                        409, "NO_EMBEDDING",
                        "page " + page + " of '" + documentId + "' has no embedding to compare"
                            + " with (it was indexed without a model)"));
    List<Views.TokenMap> tokens =
        map.tokens().stream()
            .map(t -> new Views.TokenMap(t.token(), t.text(), t.scores(), t.best(), t.maxSim()))
            .toList();
    ctx.json(
        new Views.Similarity(
            collection.name(), documentId, page, query, map.rows(), map.cols(),
            links.pageImage(collection.name(), documentId, page, false, AccessControl.principal(ctx)),
            tokens));
  }

  private String query(String query, String param) {
    if (query == null || query.isBlank()) {
      throw ApiException.invalid("query must not be empty", param);
    }
    int max = context.config().limits().maxQueryChars();
    if (query.length() > max) {
      throw ApiException.invalid("query is " + query.length() + " characters; the limit is " + max, param);
    }
    return query;
  }

  /**
   * The search settings the request names. The retrieval library refuses what it cannot run with
   * an {@code IllegalArgumentException}; here that is the caller's request, so a 400 naming the
   * field.
   */
  private static SearchConfig config(SearchBody body) {
    SearchConfig config = SearchConfig.defaults();
    if (body.firstStage() != null) {
      try {
        config = config.withFirstStage(FirstStage.parse(body.firstStage()));
      } catch (IllegalArgumentException e) {
        throw ApiException.invalid(e.getMessage(), "first_stage");
      }
    }
    if (body.depth() != null) {
      if (body.depth() < 1 || body.depth() > MAX_DEPTH) {
        throw ApiException.invalid("depth must be in 1.." + MAX_DEPTH + ", got " + body.depth(), "depth");
      }
      config = config.withDepth(body.depth());
    }
    if (body.scorers() != null) {
      if (body.scorers().size() > 8 || Bodies.hasNull(body.scorers())) {
        throw ApiException.invalid("scorers must list at most 8 of hamming, asymmetric, half", "scorers");
      }
      try {
        config = config.withScorers(SearchConfig.parseScorers(String.join(",", body.scorers())));
      } catch (IllegalArgumentException e) {
        throw ApiException.invalid(e.getMessage(), "scorers");
      }
    }
    if (body.prefilterRatio() != null) {
      try {
        config = config.withPrefilterRatio(body.prefilterRatio());
      } catch (IllegalArgumentException e) {
        throw ApiException.invalid(e.getMessage(), "prefilter_ratio");
      }
    }
    if (body.fusion() != null || body.denseWeight() != null) {
      Fusion.Method method;
      try {
        method = body.fusion() == null ? config.fusion().method() : Fusion.Method.parse(body.fusion());
      } catch (IllegalArgumentException e) {
        throw ApiException.invalid(e.getMessage(), "fusion");
      }
      try {
        config = config.withFusion(body.denseWeight() == null ? Fusion.of(method) : new Fusion(method, body.denseWeight()));
      } catch (IllegalArgumentException e) {
        throw ApiException.invalid(e.getMessage(), "dense_weight");
      }
    }
    return config;
  }

  /** The pages the filters let through; {@link PageFilter#NONE} without filters. */
  private static PageFilter filter(Filters filters) {
    if (filters == null) {
      return PageFilter.NONE;
    }
    if (filters.documentIds() != null && Bodies.hasNull(filters.documentIds())) {
      throw ApiException.invalid("filters.document_ids must not contain null", "filters.document_ids");
    }
    Map<String, String> metadata = filters.metadata() == null ? Map.of() : filters.metadata();
    for (Map.Entry<String, String> pair : metadata.entrySet()) {
      if (pair.getKey().isEmpty()) {
        throw ApiException.invalid("filters.metadata keys must not be empty", "filters.metadata");
      }
      if (pair.getValue() == null) {
        throw ApiException.invalid("filters.metadata." + pair.getKey() + " must be a string, not null",
            "filters.metadata." + pair.getKey());
      }
    }
    return new PageFilter(
        filters.documentIds() == null ? null : new HashSet<>(filters.documentIds()), metadata);
  }
}
