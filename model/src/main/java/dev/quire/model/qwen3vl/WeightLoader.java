package dev.quire.model.qwen3vl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.quire.model.safetensors.Bfloat16;
import dev.quire.model.safetensors.SafetensorsTensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns checkpoint tensors into NDArrays of the model's device and dtype, straight from the
 * mapping: float32 weights on the CPU alias the mapped file (no copy at all); bfloat16 is
 * widened in Java into a scratch buffer that torch copies once; float16 is converted by torch.
 * LoRA modules are merged into their weights here, or kept as low-rank factors.
 */
final class WeightLoader {

  private final CheckpointWeights checkpoint;
  private final LoraAdapter adapter;
  private final boolean mergeLora;
  private final NDManager model;
  private final DataType dtype;
  private final Set<String> adapted = new HashSet<>();
  private final List<Linear.LowRank> adapters = new ArrayList<>();
  /** Arrays of the current call that view a widening arena (identity, not equality). */
  private final Set<NDArray> scratchViews = Collections.newSetFromMap(new IdentityHashMap<>());

  WeightLoader(CheckpointWeights checkpoint, LoraAdapter adapter, boolean mergeLora,
      NDManager model, DataType dtype) {
    this.checkpoint = checkpoint;
    this.adapter = adapter;
    this.mergeLora = mergeLora;
    this.model = model;
    this.dtype = dtype;
  }

  CheckpointWeights checkpoint() {
    return checkpoint;
  }

  /** The tensor {@code name}, checked against {@code shape}, owned by the model's manager. */
  NDArray load(String name, long... shape) {
    try (NDManager scratch = model.newSubManager(); Arena widening = Arena.ofConfined()) {
      NDArray array = owned(create(checkpoint.tensor(name, shape), scratch, widening));
      array.attach(model);
      return array;
    } finally {
      scratchViews.clear();
    }
  }

  /**
   * The matrix {@code name} [rows, columns] as arrays of at most {@code chunkRows} rows each, for
   * a matrix over the size one array can take (the language-model head of an 8B model is 1.2 GB
   * in bfloat16): each part is loaded as {@link #load} loads a tensor.
   */
  List<NDArray> loadRows(String name, long rows, long columns, int chunkRows) {
    SafetensorsTensor tensor = checkpoint.tensor(name, rows, columns);
    List<NDArray> parts = new ArrayList<>();
    for (long from = 0; from < rows; from += chunkRows) {
      try (NDManager scratch = model.newSubManager(); Arena widening = Arena.ofConfined()) {
        SafetensorsTensor part = tensor.rows(from, Math.min(chunkRows, rows - from));
        NDArray array = owned(create(part, scratch, widening));
        array.attach(model);
        parts.add(array);
      } finally {
        scratchViews.clear();
      }
    }
    return parts;
  }

  /**
   * A linear layer over the modules {@code names} (fused along the output when several), each
   * {@code [outs[i], in]}, with biases when {@code bias}; adapter modules merged or kept.
   */
  Linear linear(long in, long[] outs, boolean bias, String... names) {
    // scratch arrays may view the widening arena: everything kept is copied out before it closes
    try (NDManager scratch = model.newSubManager(); Arena widening = Arena.ofConfined()) {
      NDList weights = new NDList();
      NDList biases = new NDList();
      List<LoraAdapter.Module> lora = new ArrayList<>();
      for (int i = 0; i < names.length; i++) {
        NDArray weight = create(checkpoint.tensor(names[i] + ".weight", outs[i], in), scratch, widening);
        LoraAdapter.Module module = adapter == null ? null : adapter.module(names[i]);
        if (module != null) {
          adapted.add(names[i]);
          checkShapes(module, in, outs[i]);
          if (mergeLora) {
            NDArray a = create(module.a(), scratch, widening).toType(DataType.FLOAT32, false);
            NDArray b = create(module.b(), scratch, widening).toType(DataType.FLOAT32, false);
            NDArray delta = b.matMul(a).mul(module.scale());
            weight = weight.toType(DataType.FLOAT32, false).add(delta).toType(dtype, false);
          }
        }
        lora.add(module);
        weights.add(weight);
        if (bias) {
          biases.add(create(checkpoint.tensor(names[i] + ".bias", outs[i]), scratch, widening));
        }
      }
      NDArray weight = names.length == 1 ? owned(weights.head()) : NDArrays.concat(weights, 0);
      NDArray biasArray = !bias ? null
          : names.length == 1 ? owned(biases.head()) : NDArrays.concat(biases, 0);
      List<Linear.LowRank> lowRanks = new ArrayList<>();
      long from = 0;
      for (int i = 0; i < names.length; i++) {
        LoraAdapter.Module m = lora.get(i);
        if (m != null && !mergeLora) {
          // copies libtorch owns, never views of the read-only mapping: training updates them in place
          NDArray a = create(m.a(), scratch, widening).duplicate();
          NDArray b = create(m.b(), scratch, widening).duplicate();
          a.attach(model);
          b.attach(model);
          lowRanks.add(new Linear.LowRank(m, from, a, b));
        }
        from += outs[i];
      }
      for (NDArray kept : new NDArray[] {weight, biasArray}) {
        if (kept != null) {
          kept.attach(model);
        }
      }
      adapters.addAll(lowRanks);
      return new Linear(weight, biasArray, lowRanks);
    } finally {
      scratchViews.clear();
    }
  }

  /** The unmerged LoRA modules of every layer built so far, in load order. */
  List<Linear.LowRank> adapters() {
    return List.copyOf(adapters);
  }

  private static void checkShapes(LoraAdapter.Module module, long in, long out) {
    if (module.a().shape()[1] != in || module.b().shape()[0] != out) {
      throw new IllegalArgumentException("LoRA module " + module.name() + " has A "
          + Arrays.toString(module.a().shape()) + " and B " + Arrays.toString(module.b().shape())
          + " but the layer maps " + in + " to " + out + " features");
    }
  }

  /** Adapter modules no layer asked for: a sign the adapter belongs to another model. */
  Set<String> unusedAdapterModules() {
    Set<String> unused = new TreeSet<>(adapter == null ? Set.of() : adapter.modules().keySet());
    unused.removeAll(adapted);
    return unused;
  }

  /**
   * An NDArray of the model's device and dtype holding {@code tensor}, in {@code into}: on the
   * CPU a view of the mapping (F32) or of a buffer of {@code widening} (BF16), so whatever is kept
   * must be {@link #owned} or copied by an operation before the arena closes.
   */
  private NDArray create(SafetensorsTensor tensor, NDManager into, Arena widening) {
    Shape shape = new Shape(tensor.shape());
    if (tensor.data().byteSize() > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException("tensor " + tensor + " is over 1 GB: only the token"
          + " embedding table may be that large, and it is read from the mapping directly");
    }
    NDArray array = switch (tensor.dtype()) {
      // aliases the read-only mapping on the CPU; nothing ever writes into weights
      case F32 -> into.create(tensor.data().asByteBuffer(), shape, DataType.FLOAT32);
      case F16 -> into.create(tensor.data().asByteBuffer(), shape, DataType.FLOAT16)
          .toType(DataType.FLOAT32, true);
      case BF16 -> {
        MemorySegment wide = widening.allocate(4 * tensor.elementCount(), 64);
        Bfloat16.widen(tensor.data(), wide, tensor.elementCount());
        NDArray view = into.create(wide.asByteBuffer(), shape, DataType.FLOAT32);
        if (!view.getDevice().isGpu()) { // a GPU array is a copy already
          scratchViews.add(view);
        }
        yield view;
      }
      default -> throw new IllegalArgumentException(
          "tensor " + tensor + " is not floating point: not a weight");
    };
    return array.toType(dtype, false);
  }

  /** {@code array} itself unless it views a widening arena, else a copy libtorch owns. */
  private NDArray owned(NDArray array) {
    return scratchViews.contains(array) ? array.duplicate() : array;
  }
}
