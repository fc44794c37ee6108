package dev.imaginebot.core.job;

import java.nio.file.Path;

/**
 * An image the core downloaded and stored, content-addressed, in its data directory.
 *
 * @param sha256 hex digest, the file's name
 * @param file where it is on disk (PNG or JPEG; WebP is converted)
 * @param mimeType {@code image/png} or {@code image/jpeg}
 * @param bytes file size
 * @param width pixels
 * @param height pixels
 */
public record StoredImage(
    String sha256, Path file, String mimeType, long bytes, int width, int height) {}
