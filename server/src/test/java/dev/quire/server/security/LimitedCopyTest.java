package dev.quire.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LimitedCopyTest {

  @TempDir Path directory;

  @Test
  void copiesABodyOfExactlyTheLimit() throws IOException {
    byte[] body = new byte[200_000];
    body[199_999] = 7;
    Path target = directory.resolve("body");
    LimitedCopy.copy(new ByteArrayInputStream(body), target, body.length);
    assertThat(Files.readAllBytes(target)).isEqualTo(body);
  }

  @Test
  void stopsOneBytePastTheLimitAndClosesTheBody() {
    AtomicBoolean closed = new AtomicBoolean();
    ByteArrayInputStream body = new ByteArrayInputStream(new byte[200_001]) {
      @Override
      public void close() {
        closed.set(true);
      }
    };
    assertThatThrownBy(() -> LimitedCopy.copy(body, directory.resolve("body"), 200_000))
        .isInstanceOf(LimitedCopy.OverLimitException.class)
        .hasMessage("over the limit of 200000 bytes");
    assertThat(closed).isTrue();
  }
}
