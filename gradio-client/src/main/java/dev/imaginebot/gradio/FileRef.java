package dev.imaginebot.gradio;

import java.util.Objects;

/**
 * A file found in an app's output, with its download URL already resolved by the spec's rules
 * (absolute URL as given, relative URL against the app's origin, bare path as {@code file=}).
 *
 * @param url absolute {@code http(s)} URL, or a {@code data:} URI
 * @param path the server-side path, or null (for example for {@code data:} URIs)
 * @param origName the original file name, or null
 * @param mimeType the declared MIME type, or null
 * @param caption the gallery caption, or null
 */
public record FileRef(String url, String path, String origName, String mimeType, String caption) {
  public FileRef {
    Objects.requireNonNull(url, "url == null");
  }
}
