package dev.imaginebot.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imaginebot.core.Bot;
import dev.imaginebot.discord.DiscordFrontEnd;
import dev.imaginebot.telegram.TelegramConfig;
import dev.imaginebot.telegram.TelegramFrontEnd;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@code /healthz} answers: whether this instance is up and its database answers (both, or
 * 503), and what it holds among the instances sharing the database: whether it is the one that
 * long-polls Telegram, and which Discord shards it runs. Holds no tokens or database URL.
 *
 * @param up the bot has started and is not stopping
 * @param instance this instance's {@code instance-id}
 * @param database whether the database answered, or null when it was not asked (the core has not
 *     started)
 * @param telegram the Telegram front-end's part, or null without one
 * @param discord the Discord front-end's part, or null without one
 */
record HealthReport(
    boolean up, String instance, Boolean database, Telegram telegram, Discord discord) {
  private static final ObjectMapper JSON = new ObjectMapper();

  HealthReport {
    Objects.requireNonNull(instance, "instance == null");
  }

  /**
   * @param mode {@code "polling"} or {@code "webhook"}
   * @param poller true while this instance long-polls (it holds the poller role); always false in
   *     webhook mode, where every instance takes calls
   */
  record Telegram(String mode, boolean poller) {}

  /**
   * @param shards the shards this instance runs, by id
   * @param total the shards across all instances
   */
  record Discord(List<DiscordFrontEnd.Shard> shards, int total) {
    Discord {
      shards = List.copyOf(shards);
    }
  }

  /**
   * Asks the core (its database check blocks up to a few seconds) and the front-ends now.
   *
   * @param bot the core, or null before it started
   * @param frontEnds the started front-ends (others are ignored)
   */
  static HealthReport check(
      boolean up, String instance, Bot bot, List<? extends AutoCloseable> frontEnds) {
    Boolean database = bot == null ? null : bot.health().database();
    Telegram telegram = null;
    Discord discord = null;
    for (AutoCloseable f : frontEnds) {
      if (f instanceof TelegramFrontEnd t) {
        telegram =
            new Telegram(
                t.mode() == TelegramConfig.Mode.WEBHOOK ? "webhook" : "polling", t.polling());
      } else if (f instanceof DiscordFrontEnd d) {
        discord = new Discord(d.shards(), d.shardsTotal());
      }
    }
    return new HealthReport(up, instance, database, telegram, discord);
  }

  /** True when {@code /healthz} answers 200: the bot is up and its database answers. */
  boolean healthy() {
    return failed().isEmpty();
  }

  /** The parts that make this instance unhealthy: {@code "bot"}, {@code "database"}. */
  List<String> failed() {
    List<String> failed = new ArrayList<>();
    if (!up) failed.add("bot");
    if (!Boolean.TRUE.equals(database)) failed.add("database");
    return failed;
  }

  /**
   * The body, for example {@code
   * {"status":"ok","instance":"bot-1","database":"ok","telegram":{"mode":"polling","poller":true},
   * "discord":{"shards":[{"id":0,"status":"CONNECTED"}],"total":2}}}; unhealthy, {@code status} is
   * {@code "unavailable"} and {@code failed} lists the parts.
   */
  String toJson() {
    ObjectNode root = JSON.createObjectNode();
    List<String> failed = failed();
    root.put("status", failed.isEmpty() ? "ok" : "unavailable");
    if (!failed.isEmpty()) {
      ArrayNode parts = root.putArray("failed");
      failed.forEach(parts::add);
    }
    root.put("instance", instance);
    root.put("database", database == null ? "unknown" : database ? "ok" : "unavailable");
    if (telegram != null) {
      root.putObject("telegram").put("mode", telegram.mode()).put("poller", telegram.poller());
    }
    if (discord != null) {
      ObjectNode d = root.putObject("discord");
      ArrayNode shards = d.putArray("shards");
      for (DiscordFrontEnd.Shard s : discord.shards()) {
        shards.addObject().put("id", s.id()).put("status", s.status());
      }
      d.put("total", discord.total());
    }
    return root.toString();
  }
}
