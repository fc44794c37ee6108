package dev.imaginebot.core.store;

import java.nio.file.Path;

/** Where content-addressed image files live: {@code <dataDir>/images/<2 hex>/<sha256>.<ext>}. */
final class ImageFiles {
  static final String PNG = "image/png";
  static final String JPEG = "image/jpeg";

  private ImageFiles() {}

  static Path file(Path dataDir, String sha256, String mimeType) {
    return dataDir
        .resolve("images")
        .resolve(sha256.substring(0, 2))
        .resolve(sha256 + ext(mimeType));
  }

  static String ext(String mimeType) {
    return JPEG.equals(mimeType) ? ".jpg" : ".png";
  }
}
