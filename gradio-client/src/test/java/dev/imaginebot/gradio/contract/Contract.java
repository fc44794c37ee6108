package dev.imaginebot.gradio.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.gradio.Event;
import dev.imaginebot.gradio.GradioClient;
import dev.imaginebot.gradio.GradioOptions;
import dev.imaginebot.gradio.Prediction;
import dev.imaginebot.gradio.testing.GradioTestServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Shared helpers for the contract tests against real Gradio servers. */
final class Contract {

  static final long MAX_BYTES = 32L * 1024 * 1024;

  private Contract() {}

  static GradioClient connect(String version, String app) {
    return connect(version, app, GradioOptions.defaults());
  }

  static GradioClient connect(String version, String app, GradioOptions options) {
    return GradioClient.connect(GradioTestServer.shared(version).url(app), options);
  }

  /**
   * Whether {@code /info} names parameters and their defaults ({@code parameter_name}, since 4.23);
   * before that, tests pass arguments by position.
   */
  static boolean namesParameters(String version) {
    return atLeast(version, "4.23");
  }

  /** Whether the server has {@code POST /cancel} (4.31+). */
  static boolean hasCancelRoute(String version) {
    return atLeast(version, "4.31");
  }

  static boolean atLeast(String version, String min) {
    String[] a = version.split("\\.");
    String[] b = min.split("\\.");
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      int x = i < a.length ? Integer.parseInt(a[i]) : 0;
      int y = i < b.length ? Integer.parseInt(b[i]) : 0;
      if (x != y) {
        return x > y;
      }
    }
    return true;
  }

  static BufferedImage decode(byte[] bytes) {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
      assertThat(image).as("decodable image of %d bytes", bytes.length).isNotNull();
      return image;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Prediction completed(Event terminal) {
    assertThat(terminal).isInstanceOf(Event.Completed.class);
    return ((Event.Completed) terminal).prediction();
  }

  static int asInt(Object number) {
    assertThat(number).isInstanceOf(Number.class);
    return ((Number) number).intValue();
  }
}
