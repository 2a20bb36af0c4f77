package dev.quire.server.api;

import dev.quire.index.IndexStats;
import dev.quire.server.collections.Collection;
import dev.quire.server.security.Principal;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The collections a key may see, and creating one. */
final class CollectionController {

  record CreateBody(String name) {}

  private final ServerContext context;
  private final AccessControl access;

  CollectionController(ServerContext context, AccessControl access) {
    this.context = context;
    this.access = access;
  }

  void list(Context ctx) throws IOException {
    Principal caller = AccessControl.principal(ctx);
    List<Views.Collection> visible = new ArrayList<>();
    for (Collection c : context.collections().all()) {
      if (caller.canRead(c.name())) {
        visible.add(view(c, caller));
      }
    }
    ctx.json(new Views.Collections(visible));
  }

  void create(Context ctx) throws IOException {
    CreateBody body = Bodies.json(ctx, CreateBody.class);
    if (body.name() == null) {
      throw ApiException.invalid("name the collection to create");
    }
    boolean existed = context.collections().get(AccessControl.collectionName(body.name())).isPresent();
    Collection collection = access.writable(ctx, body.name(), true);
    Principal caller = AccessControl.principal(ctx);
    if (!existed) {
      context.audit().record(
          ServerApp.requestId(ctx), caller.name(), "collection.created", collection.name(), Map.of());
    }
    ctx.status(existed ? 200 : 201).json(view(collection, caller));
  }

  private static Views.Collection view(Collection c, Principal caller) throws IOException {
    IndexStats stats = c.quire().info();
    return new Views.Collection(
        c.name(),
        stats.documents(),
        stats.pages(),
        stats.pagesWithVectors(),
        stats.model().map(m -> m.name()).orElse(null),
        caller.canWrite(c.name()));
  }
}
