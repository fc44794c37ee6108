package dev.imaginebot.discord;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.command.FrontEnd;
import dev.imaginebot.core.job.JobView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.sharding.ShardManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Discord front-end: connects with JDA, registers the slash commands made from the core's
 * catalogue ({@code /imagine}, {@code /models}, ..., the admin commands as {@code /admin
 * <command>}) globally or in the configured server, and shows jobs by editing their replies.
 *
 * <p>Interactions are acknowledged on JDA's event thread and handled on the front-end's own worker
 * threads. The caller closes it (before closing the {@link Bot}).
 */
public final class DiscordFrontEnd implements FrontEnd, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DiscordFrontEnd.class);
  private static final int WORKERS = 8;

  private final DiscordServices services;
  // Sharded, the lowest shard this instance runs: replies go through interaction tokens over REST,
  // which any shard's client can send, whichever shard received the interaction.
  private final JDA jda;
  private final ShardManager shards;

  private DiscordFrontEnd(DiscordServices services, JDA jda, ShardManager shards) {
    this.services = services;
    this.jda = jda;
    this.shards = shards;
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
    DiscordServices services =
        new DiscordServices(
            bot,
            config.clock(),
            Executors.newFixedThreadPool(WORKERS, threads("discord-worker")),
            Executors.newSingleThreadScheduledExecutor(threads("discord-timer")));
    InteractionRouter router = new InteractionRouter(services);
    JDA jda = null;
    ShardManager shards = null;
    try {
      if (config.shards() == null) {
        jda = JdaFactory.create(config, router);
        jda.awaitReady();
      } else {
        Semaphore ready = new Semaphore(0);
        shards =
            JdaFactory.createShards(
                config,
                router,
                (net.dv8tion.jda.api.hooks.EventListener)
                    event -> {
                      if (event instanceof ReadyEvent) ready.release();
                    });
        jda = startShards(shards, ready);
      }
      if (config.guildId() == null) {
        jda.updateCommands().addCommands(router.commandData()).complete();
      } else {
        Guild guild =
            shards == null
                ? jda.getGuildById(config.guildId())
                : shards.getGuildById(config.guildId());
        if (guild == null) {
          throw new IllegalStateException("the bot is not in server " + config.guildId());
        }
        guild.updateCommands().addCommands(router.commandData()).complete();
      }
      log.info(
          "Discord front-end ready as {} (commands {}{})",
          jda.getSelfUser().getName(),
          config.guildId() == null ? "global" : "in server " + config.guildId(),
          shards == null
              ? ""
              : ", shards " + runningShards(shards) + " of " + shards.getShardsTotal());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      shutdown(jda, shards, services);
      throw new IllegalStateException("interrupted while connecting to Discord", e);
    } catch (RuntimeException e) {
      shutdown(jda, shards, services);
      throw e;
    }
    DiscordFrontEnd frontEnd = new DiscordFrontEnd(services, jda, shards);
    bot.register(frontEnd);
    frontEnd.resumeStored();
    return frontEnd;
  }

  /**
   * Starts the shards this instance runs and waits until each is connected (its READY, counted by
   * {@code ready} from the first event on); returns the lowest.
   */
  private static JDA startShards(ShardManager shards, Semaphore ready) throws InterruptedException {
    int expected = shards.getShardsQueued() + shards.getShards().size();
    if (!ready.tryAcquire(expected, 2, TimeUnit.MINUTES)) {
      throw new IllegalStateException("Discord shards did not all connect within 2 minutes");
    }
    for (JDA shard : shards.getShards()) shard.awaitReady();
    return shards.getShards().stream()
        .min(Comparator.comparingInt(j -> j.getShardInfo().getShardId()))
        .orElseThrow();
  }

  private static String runningShards(ShardManager shards) {
    return shards.getShards().stream()
        .map(j -> j.getShardInfo().getShardId())
        .sorted()
        .map(String::valueOf)
        .collect(Collectors.joining(","));
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
                  else DiscordImagine.resume(services, jda, stored);
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

  /**
   * A gateway shard this instance runs.
   *
   * @param id the shard's id, from 0 to the total less one
   * @param status its connection status as JDA names it ({@code CONNECTED}, {@code
   *     WAITING_TO_RECONNECT}, ...)
   */
  public record Shard(int id, String status) {}

  /**
   * The gateway shards this instance runs, by id; unsharded, the one connection as shard 0 of 1.
   */
  public List<Shard> shards() {
    List<JDA> clients = shards == null ? List.of(jda) : shards.getShards();
    return clients.stream()
        .map(j -> new Shard(j.getShardInfo().getShardId(), j.getStatus().name()))
        .sorted(Comparator.comparingInt(Shard::id))
        .toList();
  }

  /** How many shards the bot has across all instances (1 when unsharded). */
  public int shardsTotal() {
    return shards == null ? 1 : shards.getShardsTotal();
  }

  /** Disconnects from Discord and stops the worker threads; pending updates are dropped. */
  @Override
  public void close() {
    shutdown(jda, shards, services);
  }

  private static void shutdown(JDA jda, ShardManager shards, DiscordServices services) {
    services.timer().shutdownNow();
    services.worker().shutdown();
    List<JDA> clients = new ArrayList<>();
    if (shards != null) {
      clients.addAll(shards.getShards());
    } else if (jda != null) {
      clients.add(jda);
    }
    try {
      if (!services.worker().awaitTermination(5, TimeUnit.SECONDS)) services.worker().shutdownNow();
      if (shards != null) shards.shutdown();
      for (JDA client : clients) {
        if (shards == null) client.shutdown();
        if (!client.awaitShutdown(5, TimeUnit.SECONDS)) client.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      services.worker().shutdownNow();
      clients.forEach(JDA::shutdownNow);
    }
  }

  private static ThreadFactory threads(String prefix) {
    return dev.imaginebot.core.DaemonThreads.named(prefix);
  }
}
