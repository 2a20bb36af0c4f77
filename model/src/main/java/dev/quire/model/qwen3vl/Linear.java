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
   * Bound by a training pass: the probability with which each LoRA path drops an element of its
   * input (PEFT's {@code lora_dropout}, an independent mask per module and call, kept elements
   * scaled by 1 / (1 - p) as torch.nn.Dropout does in training mode). Unbound, as in every
   * inference path, there is no dropout.
   */
  public static final ScopedValue<Float> LORA_DROPOUT = ScopedValue.newInstance();

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
    float dropout = LORA_DROPOUT.orElse(0f);
    NDArray input = dropout == 0 ? x : dropped(x, dropout);
    return Layers.linear(Layers.linear(input, adapter.a(), null), adapter.b(), null)
        .muli(LibtorchScalar.of(x.getManager(), adapter.module().scale()));
  }

  private static NDArray dropped(NDArray x, float p) {
    NDArray kept = x.getManager().randomUniform(0f, 1f, x.getShape(), x.getDataType()).gte(p);
    return x.mul(kept.toType(x.getDataType(), false).muli(1 / (1 - p)));
  }

  private static NDArray zeros(NDArray x, long features) {
    Shape shape = x.getShape();
    return x.getManager().zeros(shape.slice(0, shape.dimension() - 1).add(features), x.getDataType());
  }
}
