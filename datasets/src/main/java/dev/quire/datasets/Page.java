package dev.quire.datasets;

import java.awt.image.BufferedImage;

/**
 * One page, rendered.
 *
 * @param number 1-based page number
 * @param image the page as an RGB image ({@code TYPE_INT_RGB}) sized by {@link ReaderConfig}
 * @param text the page's text, empty when there is none
 * @param textSource where {@code text} came from
 */
public record Page(int number, BufferedImage image, String text, TextSource textSource) {}
