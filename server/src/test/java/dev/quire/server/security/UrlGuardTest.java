package dev.quire.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UrlGuardTest {

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
      "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1",
      "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2001:db8::1", "198.18.0.1"})
  void privateAndReservedAddressesAreRefused(String address) throws Exception {
    assertThat(UrlGuard.isPublic(InetAddress.getByName(address))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8"})
  void publicAddressesAreAllowed(String address) throws Exception {
    assertThat(UrlGuard.isPublic(InetAddress.getByName(address))).isTrue();
  }

  @Property
  void everyAddressInTheTenNetworkIsPrivate(@ForAll @IntRange(min = 0, max = 255) int b, @ForAll @IntRange(min = 0, max = 255) int c) throws Exception {
    assertThat(UrlGuard.isPublic(InetAddress.getByAddress(new byte[] {10, (byte) b, (byte) c, 1}))).isFalse();
  }

  @Test
  void aHostResolvingToAnyPrivateAddressIsRefused() throws Exception {
    UrlGuard guard =
        new UrlGuard(false, host -> List.of(InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.0.0.5")));
    assertThatThrownBy(() -> guard.check("https://rebind.example/a.png"))
        .hasMessageContaining("10.0.0.5");
    UrlGuard publicOnly = new UrlGuard(false, host -> List.of(InetAddress.getByName("93.184.216.34")));
    assertThat(publicOnly.check("https://example.com/a.png").getHost()).isEqualTo("example.com");
    assertThatThrownBy(() -> publicOnly.check("ftp://example.com/a")).hasMessageContaining("only http");
    assertThatThrownBy(() -> publicOnly.check("https://u:p@example.com/")).hasMessageContaining("credentials");
  }
}
