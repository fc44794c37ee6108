package dev.imaginebot.discord;

import dev.imaginebot.core.Bot;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What handlers and views share: the core, the clock, and the front-end's own threads (JDA's event
 * thread is never blocked; REST calls are completed on {@code worker}).
 */
record DiscordServices(
    Bot bot, Clock clock, ExecutorService worker, ScheduledExecutorService timer) {}
