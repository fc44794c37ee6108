package dev.imaginebot.core.store;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** Images made in memory for tests. */
final class TestImages {
  /** A 5x3 lossless WebP with alpha (red, one half-transparent blue pixel), made with PIL. */
  static final byte[] WEBP_LOSSLESS =
      Base64.getDecoder().decode("UklGRiAAAABXRUJQVlA4TBMAAAAvBIAAEA8Q+z//D/yPCiMQ0f8QAA==");

  /** A 7x4 lossy WebP, all green, made with PIL. */
  static final byte[] WEBP_LOSSY =
      Base64.getDecoder()
          .decode(
              "UklGRjwAAABXRUJQVlA4IDAAAAAQAgCdASoHAAQAAUAmJaACdLoB+AH4AAPIAP7guX/2My3QEfmdf/efNYDqv7RgAAA=");

  private TestImages() {}

  /** A PNG of one colour with a diagonal line (so different colours give different bytes). */
  static byte[] png(int width, int height, Color color) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.drawLine(0, 0, width - 1, height - 1);
    g.dispose();
    return encode(image, "png");
  }

  /** A PNG of random noise: it compresses badly, so it is large for its size. */
  static byte[] noisePng(int width, int height, long seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    SplittableRandom random = new SplittableRandom(seed);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) image.setRGB(x, y, random.nextInt(0x1000000));
    }
    return encode(image, "png");
  }

  static byte[] jpeg(int width, int height, Color color) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, width, height);
    g.dispose();
    return encode(image, "jpeg");
  }

  static byte[] gif(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, width, height);
    g.dispose();
    return encode(image, "gif");
  }

  static BufferedImage read(byte[] bytes) {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
      if (image == null) throw new IllegalArgumentException("not an image");
      return image;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) throw new IllegalStateException("no " + format);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
