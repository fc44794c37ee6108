package dev.imaginebot.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code healthcheck}: asks a running bot's {@code /healthz}; exit status 0 when healthy. For
 * container health checks in images without curl.
 */
@Command(
    name = "healthcheck",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = "Exit 0 when the bot on this machine answers /healthz with 200.")
final class HealthcheckCommand implements Callable<Integer> {
  @Option(names = "--port", paramLabel = "PORT", description = "the http.port of the bot")
  int port = 9464;

  @Option(names = "--host", paramLabel = "HOST", description = "default: 127.0.0.1")
  String host = "127.0.0.1";

  @Override
  public Integer call() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/healthz"))
            .timeout(Duration.ofSeconds(5))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      System.out.print(response.body());
      return response.statusCode() == 200 ? 0 : Main.EXIT_FAILED;
    } catch (IOException e) {
      System.err.println("imagine-bot: " + e);
      return Main.EXIT_FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Main.EXIT_FAILED;
    }
  }
}
