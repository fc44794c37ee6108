package dev.imaginebot.core.job;

import java.util.Locale;
import java.util.Objects;

/**
 * One image of a result, ready to upload: already fitted to the platform's limits, with a file name
 * whose extension matches its bytes.
 *
 * @param name the file name, {@code image-1.png} or {@code image-1.jpg}
 * @param mimeType {@code image/png} or {@code image/jpeg}, read from the bytes
 * @param bytes the file's content (not copied: do not change it)
 * @param width pixels, or 0 when unknown
 * @param height pixels, or 0 when unknown
 * @param seed the seed that made this image, or null
 */
public record ImageFile(
    String name, String mimeType, byte[] bytes, int width, int height, Long seed) {
  public ImageFile {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(mimeType, "mimeType == null");
    Objects.requireNonNull(bytes, "bytes == null");
  }

  /** The file type the bytes are: {@code image/png}, {@code image/jpeg}, or null. */
  public static String sniff(byte[] bytes) {
    if (bytes.length >= 8
        && (bytes[0] & 0xff) == 0x89
        && bytes[1] == 'P'
        && bytes[2] == 'N'
        && bytes[3] == 'G') {
      return "image/png";
    }
    if (bytes.length >= 3
        && (bytes[0] & 0xff) == 0xff
        && (bytes[1] & 0xff) == 0xd8
        && (bytes[2] & 0xff) == 0xff) {
      return "image/jpeg";
    }
    return null;
  }

  /** The extension, with its dot, for a file type: {@code .jpg} for JPEG, else {@code .png}. */
  public static String extension(String mimeType) {
    return "image/jpeg".equals(mimeType == null ? null : mimeType.toLowerCase(Locale.ROOT))
        ? ".jpg"
        : ".png";
  }

  @Override
  public String toString() {
    return "ImageFile[" + name + ", " + mimeType + ", " + bytes.length + " bytes]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageFile f
        && name.equals(f.name)
        && mimeType.equals(f.mimeType)
        && java.util.Arrays.equals(bytes, f.bytes)
        && width == f.width
        && height == f.height
        && Objects.equals(seed, f.seed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, mimeType, java.util.Arrays.hashCode(bytes), width, height, seed);
  }
}
