package dev.quire.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.datasets.DocumentReader;
import dev.quire.generation.backend.Generators;
import dev.quire.server.ServerConfig;
import dev.quire.server.collections.Collections;
import dev.quire.server.jobs.Jobs;
import dev.quire.server.jobs.Webhooks;
import dev.quire.server.observability.AccessLog;
import dev.quire.server.observability.AuditLog;
import dev.quire.server.observability.Metrics;
import dev.quire.server.observability.Readiness;
import dev.quire.server.security.AllowedRoots;
import dev.quire.server.security.ApiKeys;
import dev.quire.server.security.RateLimiter;
import dev.quire.server.security.SignedUrls;
import dev.quire.server.security.UrlFetcher;
import java.nio.file.Path;
import java.time.Clock;

/**
 * What the HTTP layer needs from the rest of the server; {@link ServerApp#create} builds the app
 * from it.
 *
 * @param imageFetcher fetches client-named image URLs; null when that is disabled
 * @param reader identifies and decodes uploads (no OCR: indexing does that later)
 * @param temporaryDirectory where uploads are streamed before they are checked
 * @param generators the chat models of /v1/chat/completions (none when not configured)
 */
public record ServerContext(
    ServerConfig config,
    Collections collections,
    Jobs jobs,
    Webhooks webhooks,
    ApiKeys keys,
    RateLimiter rateLimiter,
    SignedUrls signedUrls,
    AllowedRoots allowedRoots,
    UrlFetcher imageFetcher,
    DocumentReader reader,
    Metrics metrics,
    AuditLog audit,
    AccessLog accessLog,
    Readiness readiness,
    ObjectMapper json,
    Path temporaryDirectory,
    Clock clock,
    Generators generators) {}
