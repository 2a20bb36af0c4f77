package dev.quire.server.security;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Page-image links that work without a header, so a browser's {@code <img>} can show them: the
 * link carries its expiry, the name of the key it was issued to, and an HMAC-SHA256 over both and
 * the image it names, under a secret made fresh at every start.
 */
public final class SignedUrls {

  /** What a signature vouches for. */
  public record Grant(String keyName, long expiresEpochSecond) {}

  private final byte[] secret;
  private final Clock clock;
  private final Duration lifetime;

  public SignedUrls(Duration lifetime, Clock clock) {
    this.secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    this.lifetime = lifetime;
    this.clock = clock;
  }

  /** The query string ({@code expires=..&key=..&sig=..}) for {@code resource}. */
  public String sign(String resource, String keyName) {
    long expires = clock.instant().plus(lifetime).getEpochSecond();
    return "expires=" + expires + "&key=" + keyName + "&sig=" + signature(resource, keyName, expires);
  }

  /** Whether the signature is valid and not expired. */
  public boolean verify(String resource, String keyName, String expires, String sig) {
    if (keyName == null || expires == null || sig == null) {
      return false;
    }
    long expiresAt;
    try {
      expiresAt = Long.parseLong(expires);
    } catch (NumberFormatException e) {
      return false;
    }
    if (expiresAt < clock.instant().getEpochSecond()) {
      return false;
    }
    byte[] expected = signature(resource, keyName, expiresAt).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, sig.getBytes(StandardCharsets.US_ASCII));
  }

  private String signature(String resource, String keyName, long expires) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] digest =
          mac.doFinal((resource + "\n" + keyName + "\n" + expires).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every Java platform provides HmacSHA256", e);
    }
  }
}
