package dev.quire.model.qwen3vl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.quire.model.TorchRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DJL's {@code toType} between dtypes is cut from autograd's graph; {@link Casts#to} is not, and
 * gives the same values bit for bit, both ways.
 */
class CastsTest {

  @BeforeAll
  static void init() {
    TorchRuntime.init();
  }

  @Test
  void castsKeepTheGraphAndTheValues() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch");
        GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
      Engine.getEngine("PyTorch").setRandomSeed(3);
      NDArray x = manager.randomNormal(0, 300, new Shape(4, 33), DataType.FLOAT32);
      x.setRequiresGradient(true);
      NDArray half = Casts.to(x, DataType.FLOAT16);
      assertThat(half.getDataType()).isEqualTo(DataType.FLOAT16);
      NDArray back = Casts.to(half, DataType.FLOAT32);
      assertThat(back.getDataType()).isEqualTo(DataType.FLOAT32);
      try (NDArray plainHalf = x.toType(DataType.FLOAT16, true)) {
        assertThat(half.toType(DataType.FLOAT32, false).toFloatArray())
            .containsExactly(plainHalf.toType(DataType.FLOAT32, false).toFloatArray());
      }
      assertThat(back.toFloatArray()).containsExactly(half.toType(DataType.FLOAT32, false).toFloatArray());
      NDArray weights = manager.arange(4 * 33).reshape(4, 33).toType(DataType.FLOAT32, false);
      collector.backward(back.mul(weights).sum());
      assertThat(x.getGradient().toFloatArray()).containsExactly(weights.toFloatArray());
    }
  }

  @Test
  void djlsOwnCastIsCutFromTheGraph() {
    // the reason Casts exists; if a DJL upgrade fixes toType, this fails and Casts can go
    try (NDManager manager = NDManager.newBaseManager("PyTorch");
        GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
      NDArray x = manager.ones(new Shape(3));
      x.setRequiresGradient(true);
      NDArray cut = x.toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false).sum();
      assertThatThrownBy(() -> collector.backward(cut)).hasMessageContaining("does not require grad");
    }
  }
}
