package dev.quire.generation;

import dev.quire.model.qwen3vl.ProcessedImage;
import java.util.List;

/**
 * A prompt as the model reads it: the rendered chat text, its token ids with each image's pad
 * token expanded to the image's merged patch count, and the processed images in order.
 */
public record Prompt(String text, int[] ids, List<ProcessedImage> images) {
  public Prompt {
    ids = ids.clone();
    images = List.copyOf(images);
  }

  @Override
  public int[] ids() {
    return ids.clone();
  }

  public int length() {
    return ids.length;
  }
}
