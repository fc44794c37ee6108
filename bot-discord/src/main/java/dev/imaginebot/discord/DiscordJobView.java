package dev.imaginebot.discord;

import dev.imaginebot.core.job.ImageFile;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.JobUpdate;
import dev.imaginebot.core.job.JobView;
import dev.imaginebot.core.job.PlatformLimits;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.EmbedBuilder;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.MessageEmbed;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.exceptions.InteractionExpiredException;
import net.dv8tion.jda.api.interactions.InteractionHook;
import net.dv8tion.jda.api.requests.ErrorResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows one job in one Discord message: puts each update the core rendered on it (the core
 * throttles and fits; this view only edits), ending with the images, an embed and the
 * Reroll/Variations/Delete buttons. While the interaction token is young the message is edited
 * through the interaction webhook; from about 14 minutes on (the token dies at 15) the job moves to
 * a normal channel message and finishes there, and the old reply is edited to point at the new
 * message, without buttons. The move is scheduled on the front-end's timer for when the clock says
 * the token reaches that age, so a job that is silent around then still moves in time.
 *
 * <p>{@link #onUpdate} only enqueues: all Discord calls run in order on the front-end's worker
 * threads, one at a time per view.
 */
final class DiscordJobView implements JobView {
  private static final Logger log = LoggerFactory.getLogger(DiscordJobView.class);

  /** Tokens live 15 minutes; leave a margin for a slow last edit. */
  static final Duration TOKEN_SAFE_AGE = Duration.ofMinutes(14);

  /** Discord's cap on one request's size, less room for the JSON part. */
  static final long REQUEST_MAX = 25L * 1024 * 1024 - 256 * 1024;

  static final int FILES_MAX = 10;

  static final String MODEL_FIELD = "\ud83c\udfa8";
  static final String SEED_FIELD = "\ud83c\udf31";
  static final String TIME_FIELD = "\u23f1\ufe0f";

  private final DiscordServices services;
  private final JDA jda;
  private final InteractionHook hook;
  private final Object lock = new Object();
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private final Set<String> logged = new HashSet<>();

  // Guarded by lock.
  private boolean running;

  // Touched only by the task running now (one at a time).
  private ReplyRef ref;
  private boolean viaChannel;
  private boolean done;
  private long jobId;
  private String language = "";
  private Payload lastPayload;
  private ScheduledFuture<?> rolloverTask;

  /**
   * @param hook the interaction's hook, or null to make one from the ref's token (after a restart)
   */
  DiscordJobView(DiscordServices services, JDA jda, ReplyRef ref, InteractionHook hook) {
    this.services = services;
    this.jda = jda;
    this.ref = ref;
    this.hook =
        hook != null || ref.token().isEmpty() ? hook : InteractionHook.from(jda, ref.token());
    this.viaChannel = this.hook == null || tokenTooOld();
    if (!viaChannel) scheduleRollover();
  }

  /**
   * A message holds 2000 characters and 10 files; one request at most 25 MiB, and each file at most
   * the interaction's upload limit.
   */
  @Override
  public PlatformLimits limits() {
    return new PlatformLimits(
        Text.CONTENT_MAX, Text.CONTENT_MAX, ref.sizeLimit(), REQUEST_MAX, FILES_MAX);
  }

  /** Schedules {@link #checkRollover} for when the clock says the token is too old. */
  private void scheduleRollover() {
    long due = ref.createdMillis() + TOKEN_SAFE_AGE.toMillis() - services.clock().millis();
    if (rolloverTask != null) rolloverTask.cancel(false);
    try {
      rolloverTask =
          services.timer().schedule(this::checkRollover, Math.max(0, due), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("front-end closed; no move to a channel message for job {}", jobId);
    }
  }

  /**
   * Moves the job to a channel message if the token is too old by now (in order with the job's
   * other updates); the timer calls this when the move is due.
   */
  void checkRollover() {
    enqueue(this::rollover);
  }

  private void rollover() {
    if (done || viaChannel) return;
    if (!tokenTooOld()) {
      // Woken early (the clock is not the timer's): look again when the clock says it is due.
      scheduleRollover();
      return;
    }
    // Nothing shown yet: the next update finds the token too old and posts in the channel.
    if (lastPayload == null) return;
    log.info("job {}: interaction token nearly expired; continuing in a channel message", jobId);
    moveToChannel(lastPayload);
  }

  @Override
  public void onUpdate(JobUpdate update) {
    enqueue(() -> accept(update));
  }

  /**
   * Shows the outcome; the stage completes once Discord took it, or refused it for good (a message
   * and channel that are gone). A view whose front-end closed first leaves it incomplete, so the
   * next start shows the outcome again.
   */
  @Override
  public CompletionStage<Void> deliver(JobUpdate outcome) {
    CompletableFuture<Void> shown = new CompletableFuture<>();
    enqueue(
        () -> {
          try {
            accept(outcome);
          } finally {
            shown.complete(null);
          }
        });
    return shown;
  }

  private void enqueue(Runnable task) {
    synchronized (lock) {
      tasks.add(task);
      if (running) return;
      running = true;
    }
    try {
      services.worker().execute(this::drain);
    } catch (RejectedExecutionException e) {
      synchronized (lock) {
        running = false;
        tasks.clear();
      }
      log.debug("front-end closed; dropping an update for job {}", jobId);
    }
  }

  private void drain() {
    while (true) {
      Runnable task;
      synchronized (lock) {
        task = tasks.poll();
        if (task == null) {
          running = false;
          return;
        }
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        logOnce("fault", "job {}: showing an update failed", jobId, e);
      }
    }
  }

  private void accept(JobUpdate update) {
    if (update.jobId() != 0) jobId = update.jobId();
    language = update.language();
    if (done) return;
    if (update.terminal()) {
      done = true;
      if (rolloverTask != null) rolloverTask.cancel(false);
      if (update.event() instanceof JobEvent.Completed c) {
        finish(update, c);
        return;
      }
    }
    Payload payload = Payload.text(update.text(), DiscordButtons.of(update.buttons()));
    if (deliver(payload)) lastPayload = payload;
  }

  /**
   * Puts the result on the message. The core fitted its files under this view's limits, so the
   * first request is one Discord takes; if Discord refuses it anyway, the result is shown without
   * its files rather than not at all.
   */
  private void finish(JobUpdate update, JobEvent.Completed done) {
    List<Payload.NamedFile> files = new ArrayList<>();
    for (ImageFile f : update.images()) files.add(new Payload.NamedFile(f.name(), f.bytes()));
    Payload payload =
        new Payload(
            update.text(), embed(update, done, files), files, DiscordButtons.of(update.buttons()));
    log.debug("job {}: {} image(s), {} bytes", jobId, files.size(), payload.fileBytes());
    try {
      deliverOrThrowTooLarge(payload);
    } catch (ErrorResponseException e) {
      logOnce(
          "too-large",
          "job {}: Discord refused {} bytes of images ({})",
          jobId,
          payload.fileBytes(),
          e.getMeaning());
      deliver(
          new Payload(update.text(), embed(update, done, List.of()), List.of(), payload.buttons()));
    }
  }

  private MessageEmbed embed(
      JobUpdate update, JobEvent.Completed done, List<Payload.NamedFile> files) {
    EmbedBuilder embed = new EmbedBuilder();
    embed.setDescription(Text.safe(update.prompt(), Text.EMBED_DESCRIPTION_MAX));
    // Symbols, not words, as field names: the message bundles have no labels for these.
    embed.addField(MODEL_FIELD, Text.safe(update.model(), Text.FIELD_MAX), true);
    embed.addField(SEED_FIELD, Text.safe(seeds(update, done), Text.FIELD_MAX), true);
    embed.addField(TIME_FIELD, seconds(done.elapsed()), true);
    if (files.size() == 1) embed.setImage("attachment://" + files.get(0).name());
    return embed.build();
  }

  /** Every image's seed (Variations have four), else the job's one seed. */
  private static String seeds(JobUpdate update, JobEvent.Completed done) {
    List<String> seeds = new ArrayList<>();
    for (ImageFile f : update.images()) {
      if (f.seed() != null) seeds.add(f.seed().toString());
    }
    if (seeds.isEmpty() && done.seed() != null) seeds.add(done.seed().toString());
    return seeds.isEmpty() ? "\u2014" : String.join(", ", seeds);
  }

  private static String seconds(Duration d) {
    if (d == null) return "\u2014";
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private boolean tokenTooOld() {
    long age = services.clock().millis() - ref.createdMillis();
    return age >= TOKEN_SAFE_AGE.toMillis();
  }

  /** Shows the payload; false when Discord would not take it (logged once). */
  private boolean deliver(Payload payload) {
    try {
      deliverOrThrowTooLarge(payload);
      return true;
    } catch (ErrorResponseException e) {
      logOnce("too-large", "job {}: Discord refused the message: {}", jobId, e.getMeaning());
      return false;
    }
  }

  private void deliverOrThrowTooLarge(Payload payload) {
    if (!viaChannel && tokenTooOld()) {
      // The token dies at 15 minutes: continue in a normal channel message.
      log.info("job {}: interaction token nearly expired; continuing in a channel message", jobId);
      moveToChannel(payload);
      return;
    }
    try {
      if (viaChannel) {
        if (ref.messageId() == 0) {
          send(payload);
          return;
        }
        channel().editMessageById(ref.messageId(), payload.toEdit()).complete();
      } else if (ref.original()) {
        hook.editOriginal(payload.toEdit()).complete();
      } else {
        hook.editMessageById(ref.messageId(), payload.toEdit()).complete();
      }
    } catch (ErrorResponseException e) {
      if (tooLarge(e)) throw e;
      if (gone(e)) {
        logOnce(
            "gone", "job {}: the message is gone ({}); posting a new one", jobId, e.getMeaning());
        viaChannel = true;
        send(payload);
        return;
      }
      logOnce("edit", "job {}: Discord refused an edit: {}", jobId, e.getMeaning());
    } catch (InteractionExpiredException e) {
      viaChannel = true;
      send(payload);
    }
  }

  /**
   * Posts the payload as a channel message and, while the token still works, edits the old reply to
   * point at it and drops the old reply's buttons: a Cancel left there would still cancel the job,
   * from a message that no longer shows it.
   */
  private void moveToChannel(Payload payload) {
    ReplyRef old = ref;
    if (!send(payload)) return;
    String link = link(ref);
    Payload pointer =
        Payload.text(
            services.bot().text(language.isEmpty() ? null : language, "job.movedHere", link));
    try {
      if (old.original()) hook.editOriginal(pointer.toEdit()).complete();
      else hook.editMessageById(old.messageId(), pointer.toEdit()).complete();
    } catch (ErrorResponseException | InteractionExpiredException e) {
      logOnce("pointer", "job {}: could not point the old reply at the new message", jobId, e);
    }
  }

  private static String link(ReplyRef ref) {
    return "https://discord.com/channels/"
        + (ref.guildId() == 0 ? "@me" : Long.toUnsignedString(ref.guildId()))
        + "/"
        + Long.toUnsignedString(ref.channelId())
        + "/"
        + Long.toUnsignedString(ref.messageId());
  }

  /**
   * Posts the payload as a new channel message and edits that one from now on; the core is told, so
   * a restart edits the new message too.
   */
  private boolean send(Payload payload) {
    try {
      Message m = channel().sendMessage(payload.toCreate()).complete();
      ref = ref.withMessage(m.getChannelIdLong(), m.getIdLong());
      viaChannel = true;
      if (jobId != 0) services.bot().moved(jobId, ref.encode());
      return true;
    } catch (ErrorResponseException e) {
      if (tooLarge(e)) throw e;
      logOnce("send", "job {}: Discord refused a new message: {}", jobId, e.getMeaning());
      return false;
    }
  }

  private MessageChannel channel() {
    MessageChannel channel = jda.getChannelById(MessageChannel.class, ref.channelId());
    if (channel != null) return channel;
    if (ref.guildId() == 0 && ref.userId() != 0) {
      return jda.openPrivateChannelById(ref.userId()).complete();
    }
    throw new IllegalStateException("channel " + ref.channelId() + " is not reachable");
  }

  static boolean tooLarge(ErrorResponseException e) {
    return e.getErrorResponse() == ErrorResponse.REQUEST_ENTITY_TOO_LARGE
        || e.getErrorCode() == 40005
        || (e.getResponse() != null && e.getResponse().code == 413);
  }

  static boolean gone(ErrorResponseException e) {
    ErrorResponse r = e.getErrorResponse();
    return r == ErrorResponse.UNKNOWN_MESSAGE
        || r == ErrorResponse.UNKNOWN_WEBHOOK
        || r == ErrorResponse.UNKNOWN_INTERACTION
        || r == ErrorResponse.INVALID_WEBHOOK_TOKEN;
  }

  private void logOnce(String kind, String format, Object... args) {
    if (logged.add(kind)) log.warn(format, args);
  }
}
