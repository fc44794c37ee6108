package dev.imaginebot.core.testing;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Small, distinct PNG images for tests. */
public final class TestImages {
  private TestImages() {}

  /** An 8x8 PNG whose colour depends on {@code n}, so different {@code n} give different bytes. */
  public static byte[] png(int n) {
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    int rgb = new Color((n * 37) & 0xff, (n * 91) & 0xff, (n * 13 + 50) & 0xff).getRGB();
    for (int x = 0; x < 8; x++) {
      for (int y = 0; y < 8; y++) img.setRGB(x, y, rgb ^ (x == 0 && y == 0 ? n : 0));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
