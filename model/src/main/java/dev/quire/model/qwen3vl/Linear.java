package dev.quire.model.qwen3vl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * A linear layer {@code x W^T + b}, possibly several checkpoint modules fused along the output
 * (q, k and v; gate and up) so one matrix product serves them all. Each unmerged LoRA module
 * adds {@code scale (x A^T) B^T} to its own slice of the output; its A and B stay separate
 * tensors so that training can give them gradients and save them as PEFT wrote them.
 */
public record Linear(NDArray weight, NDArray bias, List<LowRank> adapters) {

  /**
   * One unmerged LoRA module: A [r, in], B [out, r] and its scale, adding to output features
   * {@code [from, from + out)} of the fused layer.
   */
  public record LowRank(LoraAdapter.Module module, long from, NDArray a, NDArray b) {

    long out() {
      return b.getShape().get(0);
    }
  }

  public Linear {
    adapters = List.copyOf(adapters);
  }

  public NDArray apply(NDArray x) {
    NDArray y = Layers.linear(x, weight, bias);
    if (adapters.isEmpty()) {
      return y;
    }
    long outputs = weight.getShape().get(0);
    if (adapters.size() == 1 && adapters.getFirst().out() == outputs) {
      return y.add(delta(adapters.getFirst(), x));
    }
    // the modules' deltas side by side, zeros where a fused module has no adapter
    NDList parts = new NDList();
    long at = 0;
    for (LowRank adapter : adapters) {
      if (adapter.from() > at) {
        parts.add(zeros(x, adapter.from() - at));
      }
      parts.add(delta(adapter, x));
      at = adapter.from() + adapter.out();
    }
    if (at < outputs) {
      parts.add(zeros(x, outputs - at));
    }
    return y.add(NDArrays.concat(parts, -1));
  }

  private static NDArray delta(LowRank adapter, NDArray x) {
    return Layers.linear(Layers.linear(x, adapter.a(), null), adapter.b(), null)
        .muli(adapter.module().scale());
  }

  private static NDArray zeros(NDArray x, long features) {
    Shape shape = x.getShape();
    return x.getManager().zeros(shape.slice(0, shape.dimension() - 1).add(features), x.getDataType());
  }
}
