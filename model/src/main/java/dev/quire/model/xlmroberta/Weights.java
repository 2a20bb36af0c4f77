package dev.quire.model.xlmroberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.quire.model.qwen3vl.CheckpointWeights;
import dev.quire.model.safetensors.SafetensorsTensor;

/**
 * The checkpoint's tensors as NDArrays of the model's manager and dtype. F32 on the CPU aliases
 * the mapped file (no copy: the checkpoint stays open as long as the model); F16 and BF16 are
 * widened. Names are looked up bare ({@code embeddings.*}, {@code encoder.*}, as BGE-M3 and
 * XLMRobertaModel save them) or under {@code roberta.} (a checkpoint saved with a task head).
 */
final class Weights {

  private final CheckpointWeights checkpoint;
  private final NDManager manager;
  private final DataType dtype;

  Weights(CheckpointWeights checkpoint, NDManager manager, DataType dtype) {
    this.checkpoint = checkpoint;
    this.manager = manager;
    this.dtype = dtype;
  }

  NDArray load(String name, long... shape) {
    String key = !checkpoint.has(name) && checkpoint.has("roberta." + name) ? "roberta." + name : name;
    SafetensorsTensor tensor = checkpoint.tensor(key, shape);
    NDArray array = switch (tensor.dtype()) {
      case F32 -> manager.create(tensor.data().asByteBuffer(), new Shape(shape), DataType.FLOAT32);
      case F16, BF16 -> manager.create(tensor.toFloatArray(), new Shape(shape));
      default -> throw new IllegalArgumentException("tensor " + tensor + " is not floating point");
    };
    return array.getDataType() == dtype ? array : array.toType(dtype, false);
  }

  NDManager manager() {
    return manager;
  }
}
