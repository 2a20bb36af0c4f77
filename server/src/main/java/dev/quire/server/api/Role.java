package dev.quire.server.api;

import io.javalin.security.RouteRole;

/** What a route needs beyond the default, which is a valid API key. */
enum Role implements RouteRole {
  /** Anyone: health probes, the OpenAPI document. */
  OPEN,
  /** A key, or a signed link issued to one (page images in {@code <img>} tags). */
  SIGNED,
  /** An admin key: server-wide data such as metrics. */
  ADMIN
}
