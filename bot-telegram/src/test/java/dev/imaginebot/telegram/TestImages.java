package dev.imaginebot.telegram;

import dev.imaginebot.core.job.StoredImage;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/** Small real PNG files for tests, and a big file for size limits. */
final class TestImages {
  private TestImages() {}

  static byte[] png(int width, int height, Color color) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, width, height);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static StoredImage stored(Path dir, String name, byte[] data, int width, int height) {
    try {
      Path file = dir.resolve(name);
      Files.write(file, data);
      return new StoredImage(name, file, "image/png", data.length, width, height);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static StoredImage png(Path dir, String name, int width, int height, Color color) {
    return stored(dir, name, png(width, height, color), width, height);
  }

  /** A file of {@code bytes} random bytes that claims to be a PNG of the given size. */
  static StoredImage big(Path dir, String name, int bytes, int width, int height) {
    byte[] data = new byte[bytes];
    new Random(42).nextBytes(data);
    return stored(dir, name, data, width, height);
  }
}
