package dev.quire.model.pt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code torch.save} files written by PyTorch (tools/reference/bge_m3_goldens.py, {@code pt_cases}): every
 * value is {@code (i % 251) * 0.25 - 7}, exact in float32, float16 and bfloat16.
 */
class TorchStateDictTest {

  @TempDir Path temp;

  static Path resource(String name) throws Exception {
    return Path.of(TorchStateDictTest.class.getResource(name).toURI());
  }

  static float value(long i) {
    return (i % 251) * 0.25f - 7;
  }

  @Test
  void readsEveryShapeAndFloatTypeTorchSaves() throws Exception {
    Map<String, TorchStateDict.Tensor> tensors = TorchStateDict.read(resource("cases.pt"));
    assertThat(tensors.keySet()).containsExactly(
        "scalar", "vector", "matrix", "cube", "empty", "half", "bfloat", "view", "large");
    Map<String, long[]> shapes = Map.of("scalar", new long[] {}, "vector", new long[] {7},
        "matrix", new long[] {3, 5}, "cube", new long[] {2, 3, 4}, "empty", new long[] {0, 4},
        "half", new long[] {6, 2}, "bfloat", new long[] {3, 3}, "large", new long[] {300, 300});
    shapes.forEach((name, shape) -> {
      TorchStateDict.Tensor t = tensors.get(name);
      assertThat(t.shape()).as(name).containsExactly(shape);
      for (int i = 0; i < t.data().length; i++) {
        assertThat(t.data()[i]).as(name + "[" + i + "]").isEqualTo(value(i));
      }
    });
    assertThat(tensors.get("large").data()).hasSize(90_000);
    // a view: 12 elements from offset 5 of a 40-element storage shared with nothing else saved
    TorchStateDict.Tensor view = tensors.get("view");
    assertThat(view.shape()).containsExactly(3, 4);
    for (int i = 0; i < 12; i++) {
      assertThat(view.data()[i]).isEqualTo(value(i + 5));
    }
  }

  @Test
  void refusesANonContiguousTensor() {
    assertThatThrownBy(() -> TorchStateDict.read(resource("transposed.pt")))
        .isInstanceOf(IOException.class).hasMessageContaining("not contiguous");
  }

  @Test
  void refusesIntegerTensors() {
    assertThatThrownBy(() -> TorchStateDict.read(resource("int64.pt")))
        .isInstanceOf(IOException.class).hasMessageContaining("torch.LongStorage");
  }

  @Test
  void refusesTheLegacyFormat() {
    assertThatThrownBy(() -> TorchStateDict.read(resource("legacy.pt")))
        .isInstanceOf(IOException.class).hasMessageContaining("not a readable zip archive");
  }

  @Test
  void refusesWhatIsNotADict() {
    assertThatThrownBy(() -> TorchStateDict.read(resource("list.pt")))
        .isInstanceOf(IOException.class).hasMessageContaining("not a state_dict");
  }

  @Test
  void refusesACorruptZip() throws Exception {
    byte[] bytes = Files.readAllBytes(resource("cases.pt"));
    Path truncated = temp.resolve("truncated.pt");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> TorchStateDict.read(truncated)).isInstanceOf(IOException.class);
    Path garbage = temp.resolve("garbage.pt");
    Files.write(garbage, new byte[] {1, 2, 3, 4, 5});
    assertThatThrownBy(() -> TorchStateDict.read(garbage)).isInstanceOf(IOException.class);
  }

  @Test
  void refusesAnUnexpectedOpcodeOrGlobal() throws Exception {
    Path original = resource("list.pt");
    // the same archive with data.pkl replaced
    Path opcode = rewrite(original, new byte[] {(byte) 0x80, 2, 'I', '1', '\n', '.'}); // INT, text form
    assertThatThrownBy(() -> TorchStateDict.read(opcode))
        .isInstanceOf(IOException.class).hasMessageContaining("opcode 0x49");
    Path global = rewrite(original, "\u0080\u0002cos\nsystem\nq\u0000.".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> TorchStateDict.read(global))
        .isInstanceOf(IOException.class).hasMessageContaining("the global os.system");
    Path noStop = rewrite(original, new byte[] {(byte) 0x80, 2, '}'});
    assertThatThrownBy(() -> TorchStateDict.read(noStop))
        .isInstanceOf(IOException.class).hasMessageContaining("ends before its STOP");
    Path missingStorage = rewrite(resource("cases.pt"), null, "cases/data/3");
    assertThatThrownBy(() -> TorchStateDict.read(missingStorage))
        .isInstanceOf(IOException.class).hasMessageContaining("data/3 is missing");
  }

  Path rewrite(Path original, byte[] pickle) throws IOException {
    return rewrite(original, pickle, null);
  }

  /** A copy of a torch.save archive with data.pkl replaced (unless null) and an entry left out. */
  Path rewrite(Path original, byte[] pickle, String drop) throws IOException {
    Path out = Files.createTempFile(temp, "rewritten", ".pt");
    try (ZipFile zip = new ZipFile(original.toFile());
        OutputStream file = Files.newOutputStream(out);
        ZipOutputStream z = new ZipOutputStream(file)) {
      for (var entries = zip.entries(); entries.hasMoreElements(); ) {
        ZipEntry entry = entries.nextElement();
        if (entry.getName().equals(drop)) {
          continue;
        }
        z.putNextEntry(new ZipEntry(entry.getName()));
        if (pickle != null && entry.getName().endsWith("/data.pkl")) {
          z.write(pickle);
        } else {
          try (var in = zip.getInputStream(entry)) {
            in.transferTo(z);
          }
        }
        z.closeEntry();
      }
    }
    return out;
  }
}
