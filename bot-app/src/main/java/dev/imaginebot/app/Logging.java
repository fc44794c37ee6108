package dev.imaginebot.app;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.LoggerFactory;

/** Chooses the log format and level; the only place that knows Logback is the backend. */
final class Logging {
  private Logging() {}

  /**
   * Reconfigures Logback from {@code logback.xml} with the given format and level. Safe to call
   * before or after the first logger was created.
   */
  static void configure(boolean json, String level) {
    System.setProperty("imaginebot.log.appender", json ? "JSON" : "TEXT");
    System.setProperty("imaginebot.log.level", level);
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext)) return;
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    URL xml = Logging.class.getResource("/logback.xml");
    if (xml == null) return;
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(xml);
    } catch (JoranException e) {
      throw new IllegalStateException("logback.xml is broken", e);
    }
  }
}
