package dev.quire.server.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The server-side folders index requests may name. A requested path is resolved through symbolic
 * links to its real location, which must lie under one of the roots' real locations; {@code ..}
 * segments are refused outright, so no spelling escapes a root.
 */
public final class AllowedRoots {

  /** A path the caller may not use, with why. */
  public static final class PathRefusedException extends Exception {
    private final boolean missing;

    PathRefusedException(String message, boolean missing) {
      super(message);
      this.missing = missing;
    }

    /** The path is allowed in form but does not exist. */
    public boolean missing() {
      return missing;
    }
  }

  private final List<Path> roots;

  /** @param roots existing folders, already real paths */
  public AllowedRoots(List<Path> roots) {
    this.roots = List.copyOf(roots);
  }

  /**
   * The real path of {@code requested}, which may be absolute or relative to a root (the first
   * root where it exists).
   */
  public Path resolve(String requested) throws PathRefusedException {
    if (roots.isEmpty()) {
      throw new PathRefusedException(
          "server-side paths are disabled (no allowedRoots are configured)", false);
    }
    if (requested == null || requested.isBlank() || requested.indexOf('\0') >= 0) {
      throw new PathRefusedException("empty or invalid path", false);
    }
    Path path;
    try {
      path = Path.of(requested);
    } catch (InvalidPathException e) {
      throw new PathRefusedException("invalid path '" + requested + "': " + e.getReason(), false);
    }
    for (Path part : path) {
      if (part.toString().equals("..")) {
        throw new PathRefusedException("'..' is not allowed in paths: '" + requested + "'", false);
      }
    }
    List<Path> candidates = new ArrayList<>();
    if (path.isAbsolute()) {
      candidates.add(path);
    } else {
      roots.forEach(root -> candidates.add(root.resolve(path)));
    }
    for (Path candidate : candidates) {
      if (!Files.exists(candidate)) {
        continue;
      }
      Path real;
      try {
        real = candidate.toRealPath();
      } catch (IOException e) {
        continue;
      }
      if (isUnderRoot(real)) {
        return real;
      }
      throw new PathRefusedException(
          "'" + requested + "' is outside the allowed roots", false);
    }
    if (path.isAbsolute() && !isUnderRoot(path.normalize())) {
      throw new PathRefusedException("'" + requested + "' is outside the allowed roots", false);
    }
    throw new PathRefusedException("'" + requested + "' does not exist", true);
  }

  /** Whether a real path lies under a root (a file found by walking a folder, say). */
  public boolean isUnderRoot(Path real) {
    for (Path root : roots) {
      if (real.startsWith(root)) {
        return true;
      }
    }
    return false;
  }
}
