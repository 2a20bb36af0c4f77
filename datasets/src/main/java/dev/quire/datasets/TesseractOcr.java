package dev.quire.datasets;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import net.sourceforge.tess4j.ITessAPI.TessBaseAPI;
import net.sourceforge.tess4j.ITessAPI.TessOcrEngineMode;
import net.sourceforge.tess4j.TessAPI;
import net.sourceforge.tess4j.util.LoadLibs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tesseract through tess4j's JNA binding of its C API. Only the binding is used: tess4j's own
 * {@code Tesseract} class converts every image to TIFF first, which we do not need.
 */
final class TesseractOcr implements OcrEngine {
  private static final Logger LOG = LoggerFactory.getLogger(TesseractOcr.class);

  /** Where distributions install the language data, newest layout first. */
  static final List<Path> TESSDATA_LOCATIONS =
      List.of(
          Path.of("/usr/share/tesseract-ocr/5/tessdata"),
          Path.of("/usr/share/tesseract-ocr/4.00/tessdata"),
          Path.of("/usr/share/tessdata"),
          Path.of("/usr/local/share/tessdata"),
          Path.of("/opt/homebrew/share/tessdata"),
          Path.of("/opt/local/share/tessdata"));

  private static final AtomicBoolean OPENMP_WARNED = new AtomicBoolean();

  private final TessAPI api;
  private final Path tessdata;
  private final String language;
  private final String status;
  private final ThreadLocal<TessBaseAPI> threadHandle = new ThreadLocal<>();
  private final List<TessBaseAPI> handles = new ArrayList<>();
  private volatile boolean closed;

  private TesseractOcr(TessAPI api, Path tessdata, String language, String status) {
    this.api = api;
    this.tessdata = tessdata;
    this.language = language;
    this.status = status;
  }

  static OcrEngine locate(OcrConfig config) {
    return locate(config, System.getenv());
  }

  static OcrEngine locate(OcrConfig config, Map<String, String> environment) {
    List<Path> candidates = tessdataCandidates(config, environment);
    Path tessdata = findTessdata(candidates, config.language());
    if (tessdata == null) {
      return new UnavailableOcr(
          "no Tesseract language data for '"
              + config.language()
              + "' in "
              + candidates
              + "; install it (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-"
              + config.language().split("\\+")[0]
              + ") or set TESSDATA_PREFIX to the folder holding "
              + config.language().split("\\+")[0]
              + ".traineddata");
    }
    String library = Platform.isWindows() ? LoadLibs.LIB_NAME : LoadLibs.LIB_NAME_NON_WIN;
    TessAPI api;
    String version;
    try {
      api = Native.load(library, TessAPI.class);
      version = api.TessVersion();
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      return new UnavailableOcr(
          "the Tesseract native library ("
              + System.mapLibraryName(library)
              + ") was not found: install Tesseract 5 (Debian/Ubuntu: apt-get install tesseract-ocr"
              + " tesseract-ocr-eng) or add its folder to -Djna.library.path ("
              + e.getMessage()
              + ")");
    }
    String threadLimit = environment.get("OMP_THREAD_LIMIT");
    boolean openMpLimited = "1".equals(threadLimit);
    String status =
        "Tesseract "
            + version
            + ", language "
            + config.language()
            + ", data in "
            + tessdata
            + (openMpLimited
                ? ""
                : "; warning: OMP_THREAD_LIMIT is " + describe(threadLimit) + ", not 1");
    TesseractOcr engine = new TesseractOcr(api, tessdata, config.language(), status);
    try {
      engine.handle(); // initialises this thread's instance now, so a bad model shows up here
    } catch (IllegalStateException e) {
      engine.close();
      return new UnavailableOcr(e.getMessage());
    }
    if (!openMpLimited && OPENMP_WARNED.compareAndSet(false, true)) {
      LOG.warn(
          "OMP_THREAD_LIMIT is {}, not 1: Tesseract's OpenMP threads will compete with Quire's own"
              + " threads for the cores and slow everything down. Set OMP_THREAD_LIMIT=1 in the"
              + " environment before the JVM starts (./quire and the Maven build do); it cannot be"
              + " changed once libgomp is loaded.",
          describe(threadLimit));
    }
    return engine;
  }

  private static String describe(String value) {
    return value == null ? "unset" : "'" + value + "'";
  }

  static List<Path> tessdataCandidates(OcrConfig config, Map<String, String> environment) {
    if (config.tessdata() != null) {
      return List.of(config.tessdata());
    }
    Set<Path> candidates = new LinkedHashSet<>();
    String prefix = environment.get("TESSDATA_PREFIX");
    if (prefix != null && !prefix.isBlank()) {
      // Tesseract 3 read TESSDATA_PREFIX as the parent of tessdata/, Tesseract 4+ as tessdata/.
      Path path = Path.of(prefix.strip());
      candidates.add(path);
      candidates.add(path.resolve("tessdata"));
    }
    candidates.addAll(TESSDATA_LOCATIONS);
    return List.copyOf(candidates);
  }

  /** The first candidate folder holding the model of every language in {@code language}. */
  static Path findTessdata(List<Path> candidates, String language) {
    List<String> models =
        Arrays.stream(language.split("\\+")).map(l -> l + ".traineddata").toList();
    for (Path candidate : candidates) {
      if (models.stream().allMatch(model -> Files.isRegularFile(candidate.resolve(model)))) {
        return candidate;
      }
    }
    return null;
  }

  @Override
  public boolean available() {
    return true;
  }

  @Override
  public String status() {
    return status;
  }

  @Override
  public String recognize(BufferedImage image, int dpi) throws IOException {
    TessBaseAPI handle = handle();
    BufferedImage gray = PageImages.toGray(image);
    int width = gray.getWidth();
    int height = gray.getHeight();
    // A grey BufferedImage of our own making has one band, scanline stride == width.
    byte[] pixels = ((DataBufferByte) gray.getRaster().getDataBuffer()).getData();
    try (Memory memory = new Memory(pixels.length)) {
      memory.write(0, pixels, 0, pixels.length);
      api.TessBaseAPISetImage(
          handle, memory.getByteBuffer(0, pixels.length), width, height, 1, width);
      if (dpi > 0) {
        api.TessBaseAPISetSourceResolution(handle, dpi);
      }
      Pointer text = api.TessBaseAPIGetUTF8Text(handle);
      if (text == null) {
        throw new IOException(
            "Tesseract could not recognise the " + width + " x " + height + " image");
      }
      try {
        return text.getString(0, "UTF-8").strip();
      } finally {
        api.TessDeleteText(text);
      }
    } finally {
      api.TessBaseAPIClear(handle);
    }
  }

  /** This thread's Tesseract instance, created on first use. */
  private TessBaseAPI handle() {
    if (closed) {
      throw new IllegalStateException("the OCR engine is closed");
    }
    TessBaseAPI handle = threadHandle.get();
    return handle != null ? handle : createHandle();
  }

  private synchronized TessBaseAPI createHandle() {
    if (closed) {
      throw new IllegalStateException("the OCR engine is closed");
    }
    TessBaseAPI handle = api.TessBaseAPICreate();
    // Tesseract reports progress and warnings on stderr unless given a debug file.
    api.TessBaseAPISetVariable(handle, "debug_file", Platform.isWindows() ? "nul" : "/dev/null");
    int status =
        api.TessBaseAPIInit2(handle, tessdata.toString(), language, TessOcrEngineMode.OEM_DEFAULT);
    if (status != 0) {
      api.TessBaseAPIDelete(handle);
      throw new IllegalStateException(
          "Tesseract could not load language '"
              + language
              + "' from "
              + tessdata
              + " (TessBaseAPIInit2 returned "
              + status
              + "); the .traineddata file may be damaged or from an older Tesseract");
    }
    handles.add(handle);
    threadHandle.set(handle);
    return handle;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (TessBaseAPI handle : handles) {
      api.TessBaseAPIEnd(handle);
      api.TessBaseAPIDelete(handle);
    }
    handles.clear();
  }
}
