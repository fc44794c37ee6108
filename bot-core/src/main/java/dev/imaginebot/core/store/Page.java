package dev.imaginebot.core.store;

import java.util.List;

/**
 * One page of a longer list.
 *
 * @param items this page's items
 * @param page the zero-based page index
 * @param pageSize the most items a page holds
 * @param total how many items there are over all pages
 */
public record Page<T>(List<T> items, int page, int pageSize, long total) {
  public Page {
    items = List.copyOf(items);
    if (page < 0) throw new IllegalArgumentException("page < 0");
    if (pageSize < 1) throw new IllegalArgumentException("pageSize < 1");
  }

  /** How many pages there are; 0 when there are no items. */
  public int pages() {
    return (int) ((total + pageSize - 1) / pageSize);
  }

  /** True when a page follows this one. */
  public boolean hasNext() {
    return page + 1 < pages();
  }
}
