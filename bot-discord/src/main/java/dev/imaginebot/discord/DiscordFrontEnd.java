package dev.imaginebot.discord;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.command.FrontEnd;
import dev.imaginebot.core.job.JobView;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Guild;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Discord front-end: connects with JDA, registers the slash commands ({@code /imagine}, {@code
 * /models}, {@code /history}, {@code /cancel}, {@code /settings}, {@code /help}, {@code /admin})
 * globally or in the configured server, and shows jobs by editing their replies.
 *
 * <p>Interactions are acknowledged on JDA's event thread and handled on the front-end's own worker
 * threads. The caller closes it (before closing the {@link Bot}).
 */
public final class DiscordFrontEnd implements FrontEnd, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DiscordFrontEnd.class);
  private static final int WORKERS = 8;

  private final Services services;
  private final JDA jda;

  private DiscordFrontEnd(Services services, JDA jda) {
    this.services = services;
    this.jda = jda;
  }

  /**
   * Connects to Discord, waits until ready, registers the commands, then registers itself with the
   * bot (which reattaches jobs left over from a previous run). Blocks until all that is done.
   *
   * @throws IllegalStateException if Discord cannot be reached, the token is refused, or the
   *     configured server is not one the bot is in
   */
  public static DiscordFrontEnd start(DiscordConfig config, Bot bot) {
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(bot, "bot == null");
    Services services =
        new Services(
            bot,
            config.clock(),
            config.editInterval(),
            Executors.newFixedThreadPool(WORKERS, threads("discord-worker")),
            Executors.newSingleThreadScheduledExecutor(threads("discord-timer")));
    InteractionRouter router = new InteractionRouter(services);
    JDA jda = null;
    try {
      jda = JdaFactory.create(config, router);
      jda.awaitReady();
      if (config.guildId() == null) {
        jda.updateCommands().addCommands(router.commandData()).complete();
      } else {
        Guild guild = jda.getGuildById(config.guildId());
        if (guild == null) {
          throw new IllegalStateException("the bot is not in server " + config.guildId());
        }
        guild.updateCommands().addCommands(router.commandData()).complete();
      }
      log.info(
          "Discord front-end ready as {} (commands {})",
          jda.getSelfUser().getName(),
          config.guildId() == null ? "global" : "in server " + config.guildId());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      shutdown(jda, services);
      throw new IllegalStateException("interrupted while connecting to Discord", e);
    } catch (RuntimeException e) {
      shutdown(jda, services);
      throw e;
    }
    DiscordFrontEnd frontEnd = new DiscordFrontEnd(services, jda);
    bot.register(frontEnd);
    frontEnd.resumeStored();
    return frontEnd;
  }

  /**
   * Finishes the commands and job-starting button presses the previous run stored but did not hand
   * to the core, on the workers. Only while an interaction's token lives can its reply be edited;
   * older ones are dropped with a log line (the user saw "thinking…" end in Discord's own failure
   * notice).
   */
  private void resumeStored() {
    for (dev.imaginebot.core.command.PendingUpdate p :
        services.bot().pending(Interactions.PLATFORM)) {
      StoredInteraction stored;
      try {
        stored = StoredInteraction.parse(p.key(), p.payload());
      } catch (RuntimeException e) {
        log.warn("stored interaction {} unreadable; dropped: {}", p.key(), e.toString());
        services.bot().handled(Interactions.PLATFORM, p.key());
        continue;
      }
      long age = services.clock().millis() - stored.createdMillis();
      boolean press = stored.customId() != null && ButtonHandler.startsJob(stored.customId());
      if (!(press || stored.name().equals("imagine"))
          || age > DiscordJobView.TOKEN_SAFE_AGE.toMillis()) {
        log.info("stored interaction {} can no longer be answered; dropped", p.key());
        services.bot().handled(Interactions.PLATFORM, p.key());
        continue;
      }
      services
          .worker()
          .execute(
              () -> {
                try {
                  if (press) ButtonHandler.resume(services, jda, stored);
                  else ImagineCommand.resume(services, jda, stored);
                } catch (RuntimeException e) {
                  log.error("stored interaction {} could not be finished", p.key(), e);
                }
              });
    }
  }

  @Override
  public String platform() {
    return Interactions.PLATFORM;
  }

  /**
   * A view onto a job started before a restart: edits the original reply through the interaction
   * token while it is young enough, otherwise the message itself as a channel message.
   */
  @Override
  public JobView reattach(long jobId, String replyRef) {
    ReplyRef ref;
    try {
      ref = ReplyRef.decode(replyRef);
    } catch (IllegalArgumentException | NullPointerException e) {
      log.warn("job {}: no usable Discord message reference; its result will not be shown", jobId);
      return event -> {};
    }
    log.info("job {}: reattached to {}", jobId, ref);
    return new DiscordJobView(services, jda, ref, null);
  }

  /** Disconnects from Discord and stops the worker threads; pending updates are dropped. */
  @Override
  public void close() {
    shutdown(jda, services);
  }

  private static void shutdown(JDA jda, Services services) {
    services.timer().shutdownNow();
    services.worker().shutdown();
    try {
      if (!services.worker().awaitTermination(5, TimeUnit.SECONDS)) services.worker().shutdownNow();
      if (jda != null) {
        jda.shutdown();
        if (!jda.awaitShutdown(5, TimeUnit.SECONDS)) jda.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      services.worker().shutdownNow();
      if (jda != null) jda.shutdownNow();
    }
  }

  private static ThreadFactory threads(String prefix) {
    return dev.imaginebot.core.DaemonThreads.named(prefix);
  }
}
