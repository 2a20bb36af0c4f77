package dev.quire.generation;

import dev.quire.generation.chat.ChatTemplate;
import dev.quire.model.qwen3vl.ImageProcessor;
import dev.quire.model.qwen3vl.ProcessedImage;
import dev.quire.model.qwen3vl.Qwen3VLTokenizer;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Messages and images to a {@link Prompt}, as transformers' Qwen3-VL processor makes one: the
 * chat template renders the messages (one {@code <|vision_start|><|image_pad|><|vision_end|>} per
 * image part), the tokenizer turns the text into ids, and each {@code <|image_pad|>} becomes
 * grid_t x grid_h x grid_w / merge^2 pad ids, the images' merged patch count (the processor
 * expands the text the same way before tokenizing; an added token tokenizes alone, so the ids
 * agree).
 */
public final class PromptBuilder {

  private final ChatTemplate template;
  private final Qwen3VLTokenizer tokenizer;
  private final ImageProcessor processor;
  private final int imagePad;
  private final int merge;

  public PromptBuilder(ChatTemplate template, Qwen3VLTokenizer tokenizer, ImageProcessor processor,
      int mergeSize) {
    this.template = template;
    this.tokenizer = tokenizer;
    this.processor = processor;
    this.imagePad = tokenizer.tokenId(Qwen3VLTokenizer.IMAGE_PAD);
    this.merge = mergeSize;
  }

  /**
   * The prompt of {@code messages}, whose image parts ({@code {type: image}}) stand for
   * {@code images} in order; {@code options} go to the template ({@code add_generation_prompt}
   * is true unless given).
   */
  public Prompt build(List<? extends Map<String, ?>> messages, List<BufferedImage> images,
      Map<String, ?> options) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("add_generation_prompt", true);
    context.putAll(options);
    String text = template.render(messages, context);
    int[] ids = tokenizer.encode(text);
    int pads = 0;
    for (int id : ids) {
      if (id == imagePad) {
        pads++;
      }
    }
    if (pads != images.size()) {
      throw new PromptRefusedException("the rendered prompt has " + pads + " image places for "
          + images.size() + " images: each image needs an image part in a message");
    }
    List<ProcessedImage> processed = new ArrayList<>(images.size());
    for (BufferedImage image : images) {
      processed.add(processor.process(image));
    }
    return new Prompt(text, expand(ids, processed), processed);
  }

  private int[] expand(int[] ids, List<ProcessedImage> images) {
    int length = ids.length;
    for (ProcessedImage image : images) {
      length += image.tokenCount(merge) - 1;
    }
    int[] out = new int[length];
    int at = 0;
    int image = 0;
    for (int id : ids) {
      if (id == imagePad) {
        int n = images.get(image++).tokenCount(merge);
        java.util.Arrays.fill(out, at, at + n, imagePad);
        at += n;
      } else {
        out[at++] = id;
      }
    }
    return out;
  }
}
