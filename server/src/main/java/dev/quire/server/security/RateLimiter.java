package dev.quire.server.security;

import dev.quire.server.ServerConfig;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Requests per window for each caller (a key's name, or a client address in the open loopback
 * mode): the window's allowance is refilled whole at each window's end.
 */
public final class RateLimiter {

  /** Whether a request may go on; if not, how long to wait before trying again. */
  public record Decision(boolean allowed, long remaining, long retryAfterSeconds, int limit) {}

  private final ServerConfig.RateLimit config;
  private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(ServerConfig.RateLimit config) {
    this.config = config;
  }

  public Decision tryAcquire(String caller) {
    Bucket bucket = buckets.computeIfAbsent(caller, c -> newBucket());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return new Decision(true, probe.getRemainingTokens(), 0, config.requests());
    }
    long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    return new Decision(false, 0, seconds, config.requests());
  }

  private Bucket newBucket() {
    return Bucket.builder()
        .addLimit(
            Bandwidth.builder()
                .capacity(config.requests())
                .refillIntervally(config.requests(), config.window())
                .build())
        .build();
  }
}
