package dev.quire.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the documents under a list of roots: files named directly are kept whatever their name;
 * folders are walked recursively in name order, skipping hidden entries, following symbolic links
 * but never into a folder already being walked (a loop). A file under a folder is kept when its
 * extension is a document's or its magic bytes are, so a mislabelled or truncated "x.pdf" still
 * reaches the reader, which then says what is wrong with it.
 */
final class FolderWalk {
  private static final Logger LOG = LoggerFactory.getLogger(FolderWalk.class);

  private FolderWalk() {}

  static List<Path> discover(List<Path> roots) throws IOException {
    // Keyed by real path so a file reached twice (two roots, a link) is listed once.
    Map<Path, Path> found = new LinkedHashMap<>();
    for (Path root : roots) {
      Path path = root.toAbsolutePath().normalize();
      if (!Files.exists(path)) {
        throw new NoSuchFileException(root.toString(), null, "no such file or folder");
      }
      if (Files.isDirectory(path)) {
        walk(path, new HashSet<>(), found);
      } else {
        found.putIfAbsent(path.toRealPath(), path);
      }
    }
    return List.copyOf(found.values());
  }

  private static void walk(Path folder, Set<Path> ancestors, Map<Path, Path> found) {
    Path real;
    try {
      real = folder.toRealPath();
    } catch (IOException e) {
      LOG.warn("Skipping folder {}: {}", folder, e.toString());
      return;
    }
    if (!ancestors.add(real)) {
      LOG.warn("Skipping {}: it links back to {} (a symbolic-link loop)", folder, real);
      return;
    }
    try {
      for (Path entry : sortedEntries(folder)) {
        if (isHidden(entry)) {
          continue;
        }
        if (Files.isDirectory(entry)) {
          walk(entry, ancestors, found);
        } else if (Files.isRegularFile(entry)
            && (FileType.hasDocumentExtension(entry) || sniffs(entry))) {
          try {
            found.putIfAbsent(entry.toRealPath(), entry);
          } catch (IOException e) {
            LOG.warn("Skipping {}: {}", entry, e.toString());
          }
        } else if (!Files.exists(entry)) {
          LOG.warn("Skipping {}: a symbolic link to nothing", entry);
        }
      }
    } catch (IOException e) {
      LOG.warn("Skipping folder {}: {}", folder, e.toString());
    } finally {
      ancestors.remove(real);
    }
  }

  private static List<Path> sortedEntries(Path folder) throws IOException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
      stream.forEach(entries::add);
    }
    entries.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
    return entries;
  }

  private static boolean isHidden(Path entry) {
    if (entry.getFileName().toString().startsWith(".")) {
      return true;
    }
    try {
      return Files.isHidden(entry);
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean sniffs(Path file) {
    byte[] head = new byte[FileType.SNIFF_BYTES];
    try (InputStream in = Files.newInputStream(file)) {
      int length = in.readNBytes(head, 0, head.length);
      return FileType.sniff(head, length) != null;
    } catch (IOException e) {
      // Unreadable: not ours to judge here; only named document files are reported.
      return false;
    }
  }
}
