package dev.imaginebot.core.model;

import java.util.Objects;

/**
 * An output file of a call on a Space, to {@linkplain SpaceGateway#download download}.
 *
 * @param url absolute {@code http(s)} URL, or a {@code data:} URI
 * @param path the Space's own path of the file, or null
 * @param mimeType the declared MIME type, or null
 */
public record SpaceFile(String url, String path, String mimeType) {
  public SpaceFile {
    Objects.requireNonNull(url, "url == null");
  }
}
