package dev.quire.server.security;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether the server may call a URL a client gave it (an image to fetch, a webhook to
 * notify): http or https only, no credentials in the URL, and, unless private networks are
 * allowed, a host whose every address is public. Loopback, private (RFC 1918, unique-local),
 * link-local (cloud metadata services live there), carrier-grade NAT, multicast, reserved and
 * unspecified addresses are refused, IPv4-mapped IPv6 forms included, so a client cannot make the
 * server reach what only the server can reach (SSRF). The check resolves the host; the JVM caches
 * that answer (30 s by default), so the connection made right after goes to the checked address.
 */
public final class UrlGuard {

  /** A URL the server will not call, with why, as the client should read it. */
  public static final class RefusedUrlException extends Exception {
    public RefusedUrlException(String message) {
      super(message);
    }
  }

  /** Resolves host names; replaceable in tests. */
  @FunctionalInterface
  public interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;
  }

  private final boolean allowPrivateNetworks;
  private final Resolver resolver;

  public UrlGuard(boolean allowPrivateNetworks) {
    this(allowPrivateNetworks, host -> List.of(InetAddress.getAllByName(host)));
  }

  UrlGuard(boolean allowPrivateNetworks, Resolver resolver) {
    this.allowPrivateNetworks = allowPrivateNetworks;
    this.resolver = resolver;
  }

  /** The parsed URL when the server may call it. */
  public URI check(String url) throws RefusedUrlException {
    if (url == null || url.isBlank()) {
      throw new RefusedUrlException("the URL is empty");
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new RefusedUrlException("'" + abbreviate(url) + "' is not a valid URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new RefusedUrlException(
          "only http and https URLs are fetched, not '" + abbreviate(url) + "'");
    }
    if (uri.getRawUserInfo() != null) {
      throw new RefusedUrlException("URLs with credentials (user@host) are refused");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new RefusedUrlException("'" + abbreviate(url) + "' names no host");
    }
    if (allowPrivateNetworks) {
      return uri;
    }
    List<InetAddress> addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      throw new RefusedUrlException("cannot resolve host '" + host + "'");
    }
    if (addresses.isEmpty()) {
      throw new RefusedUrlException("host '" + host + "' has no address");
    }
    for (InetAddress address : addresses) {
      if (!isPublic(address)) {
        throw new RefusedUrlException(
            "host '" + host + "' resolves to " + address.getHostAddress()
                + ", a loopback, private or reserved address the server does not call");
      }
    }
    return uri;
  }

  /** Whether an address is on the public internet. */
  static boolean isPublic(InetAddress address) {
    if (address.isAnyLocalAddress()
        || address.isLoopbackAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isMulticastAddress()) {
      return false;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet6Address) {
      if (isMappedOrCompatibleIpv4(b)) {
        try {
          return isPublic(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
        } catch (UnknownHostException e) {
          return false;
        }
      }
      int first = b[0] & 0xFF;
      // fc00::/7 unique-local; 2001:db8::/32 documentation; 64:ff9b::/96 NAT64 may reach IPv4
      // private space.
      if ((first & 0xFE) == 0xFC) {
        return false;
      }
      if (first == 0x20 && (b[1] & 0xFF) == 0x01 && (b[2] & 0xFF) == 0x0D && (b[3] & 0xFF) == 0xB8) {
        return false;
      }
      if (first == 0x00 && (b[1] & 0xFF) == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B) {
        return false;
      }
      return true;
    }
    if (address instanceof Inet4Address) {
      int a = b[0] & 0xFF;
      int s = b[1] & 0xFF;
      return !(a == 0 // "this network"
          || (a == 100 && s >= 64 && s <= 127) // carrier-grade NAT
          || (a == 192 && s == 0 && (b[2] & 0xFF) == 0) // IETF protocol assignments
          || (a == 192 && s == 0 && (b[2] & 0xFF) == 2) // documentation
          || (a == 198 && (s == 18 || s == 19)) // benchmarking
          || (a == 198 && s == 51 && (b[2] & 0xFF) == 100) // documentation
          || (a == 203 && s == 0 && (b[2] & 0xFF) == 113) // documentation
          || a >= 224); // multicast, reserved, broadcast
    }
    return false;
  }

  private static boolean isMappedOrCompatibleIpv4(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    boolean mapped = (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
    boolean compatible = b[10] == 0 && b[11] == 0;
    return mapped || compatible;
  }

  private static String abbreviate(String url) {
    return url.length() <= 120 ? url : url.substring(0, 120) + "…";
  }
}
