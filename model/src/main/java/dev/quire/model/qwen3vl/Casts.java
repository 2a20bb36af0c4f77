package dev.quire.model.qwen3vl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Dtype changes that autograd can differentiate. DJL 0.35.1's {@code toType} between two dtypes
 * returns a tensor cut from the graph (no error: the backward pass then finds nothing requiring a
 * gradient, or gradients stop there), so a half-precision model trains only if its casts on the
 * differentiated path go through arithmetic instead: widening adds a float32 zero of shape [1]
 * (type promotion), narrowing adds into half-precision zeros in place (the in-place result keeps
 * its dtype). Both give the values a cast gives, bit for bit. Outside a gradient collector, a
 * plain {@code toType}.
 */
public final class Casts {

  private Casts() {}

  /** {@code x} as {@code dtype}, on autograd's graph when it records. */
  public static NDArray to(NDArray x, DataType dtype) {
    DataType own = x.getDataType();
    if (own == dtype) {
      return x;
    }
    if (!JniUtils.isGradMode()) {
      return x.toType(dtype, false);
    }
    if (dtype.getNumOfBytes() > own.getNumOfBytes()) {
      return x.add(x.getManager().zeros(new Shape(1), dtype));
    }
    return x.getManager().zeros(x.getShape(), dtype).addi(x);
  }
}
