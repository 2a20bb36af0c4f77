package dev.quire.samples;

import java.util.List;
import java.util.Objects;

/**
 * A table as printed on a page.
 *
 * @param caption what the table is, e.g. "Line items" or "Revenue by region (USD thousands)"
 * @param rows the cells, header row first, each row as wide as the header
 */
public record TableCells(String caption, List<List<String>> rows) {
  public TableCells {
    Objects.requireNonNull(caption, "caption");
    rows = rows.stream().map(List::copyOf).toList();
  }
}
