package dev.quire.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventStreamAcceptTest {

  @Test
  void theAcceptHeaderIsReadByTypeAndQuality() {
    List<String> accepted = new ArrayList<>();
    for (String accept :
        new String[] {
          null, "", "*/*", "TEXT/EVENT-STREAM", "text/*;q=0.5", "application/json, text/event-stream",
          "text/event-stream;q=0", "application/json", "text/event-stream;q=0, */*;q=0", "image/png",
          "text/event-stream;q=abc"
        }) {
      if (EventStreamAccept.accepts(accept)) {
        accepted.add(String.valueOf(accept));
      }
    }
    assertThat(accepted)
        .containsExactly("null", "", "*/*", "TEXT/EVENT-STREAM", "text/*;q=0.5",
            "application/json, text/event-stream", "text/event-stream;q=abc");
  }
}
