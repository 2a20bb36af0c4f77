package dev.quire.server.api;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Locale;

/**
 * Lets a client that accepts anything ({@code curl}'s {@code *}/{@code *}, a browser's
 * {@code text/*}) follow a job's events: Javalin's SSE handler streams only when the Accept header
 * names {@code text/event-stream} literally, so for the events routes an Accept that admits it is
 * presented to Javalin as exactly that. What does not admit it is left alone (and answered 406).
 */
final class EventStreamAccept implements Filter {

  static final String EVENT_STREAM = "text/event-stream";

  /**
   * Whether an Accept header lets us answer with {@code text/event-stream}: absent, {@code *}/{@code
   * *}, {@code text/*} or the type itself, unless its quality is 0.
   */
  static boolean accepts(String accept) {
    if (accept == null || accept.isBlank()) {
      return true;
    }
    for (String range : accept.split(",")) {
      String[] parts = range.split(";");
      String type = parts[0].strip().toLowerCase(Locale.ROOT);
      if (!type.equals("*/*") && !type.equals("text/*") && !type.equals(EVENT_STREAM)) {
        continue;
      }
      boolean refused = false;
      for (int i = 1; i < parts.length; i++) {
        String parameter = parts[i].strip().toLowerCase(Locale.ROOT);
        if (parameter.startsWith("q=")) {
          try {
            refused = Double.parseDouble(parameter.substring(2)) <= 0;
          } catch (NumberFormatException e) {
            refused = false; // an unreadable quality is the default, 1
          }
        }
      }
      if (!refused) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (request instanceof HttpServletRequest http
        && http.getRequestURI().endsWith("/events")
        && accepts(http.getHeader("Accept"))) {
      chain.doFilter(new AsEventStream(http), response);
    } else {
      chain.doFilter(request, response);
    }
  }

  private static final class AsEventStream extends HttpServletRequestWrapper {
    AsEventStream(HttpServletRequest request) {
      super(request);
    }

    @Override
    public String getHeader(String name) {
      return name.equalsIgnoreCase("Accept") ? EVENT_STREAM : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      return name.equalsIgnoreCase("Accept")
          ? Collections.enumeration(java.util.List.of(EVENT_STREAM))
          : super.getHeaders(name);
    }
  }
}
