package dev.imaginebot.discord;

import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.JobView;
import dev.imaginebot.core.job.StoredImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.EmbedBuilder;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.exceptions.InteractionExpiredException;
import net.dv8tion.jda.api.interactions.InteractionHook;
import net.dv8tion.jda.api.requests.ErrorResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows one job in one Discord message: edits it on each event (at most one edit per interval,
 * never an unchanged one), then puts the images, an embed and the Reroll/Variations/Delete buttons
 * on it. While the interaction token is young the message is edited through the interaction
 * webhook; from about 14 minutes on (the token dies at 15) the job moves to a normal channel
 * message and finishes there. The move is scheduled on the front-end's timer for when the clock
 * says the token reaches that age, so a job that is silent around then still moves in time.
 *
 * <p>{@link #onEvent} only enqueues: all Discord calls run in order on the front-end's worker
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

  private final Services services;
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
  private String lastShown;
  private long lastEditNanos;
  private JobEvent pending;
  private boolean flushScheduled;
  private long jobId;
  private Payload lastPayload;
  private ScheduledFuture<?> rolloverTask;

  /**
   * @param hook the interaction's hook, or null to make one from the ref's token (after a restart)
   */
  DiscordJobView(Services services, JDA jda, ReplyRef ref, InteractionHook hook) {
    this.services = services;
    this.jda = jda;
    this.ref = ref;
    this.hook =
        hook != null || ref.token().isEmpty() ? hook : InteractionHook.from(jda, ref.token());
    this.viaChannel = this.hook == null || tokenTooOld();
    if (!viaChannel) scheduleRollover();
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
    Payload now = lastPayload;
    JobEvent waiting = pending;
    if (waiting != null) {
      pending = null;
      now = Payload.text(describe(waiting), buttons(waiting));
    }
    // Nothing shown yet: the next event finds the token too old and posts in the channel.
    if (now == null) return;
    log.info("job {}: interaction token nearly expired; continuing in a channel message", jobId);
    if (send(now)) shown(now, shown(now));
  }

  @Override
  public void onEvent(JobEvent event) {
    enqueue(() -> accept(event));
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

  private void accept(JobEvent event) {
    if (event.jobId() != 0) jobId = event.jobId();
    if (done) return;
    if (event.terminal()) {
      pending = null;
      done = true;
      if (rolloverTask != null) rolloverTask.cancel(false);
      if (event instanceof JobEvent.Completed) {
        finish((JobEvent.Completed) event);
      } else {
        deliver(Payload.text(describe(event), buttons(event)));
      }
      return;
    }
    long waited = System.nanoTime() - lastEditNanos;
    long interval = services.editInterval().toNanos();
    if (lastShown != null && waited < interval) {
      pending = event;
      if (!flushScheduled) {
        flushScheduled = true;
        try {
          services
              .timer()
              .schedule(() -> enqueue(this::flush), interval - waited, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          log.debug("front-end closed; dropping an update for job {}", jobId);
        }
      }
      return;
    }
    progress(event);
  }

  private void flush() {
    flushScheduled = false;
    JobEvent event = pending;
    pending = null;
    if (event != null && !done) progress(event);
  }

  private void progress(JobEvent event) {
    Payload payload = Payload.text(describe(event), buttons(event));
    String shown = shown(payload);
    if (shown.equals(lastShown)) return;
    if (deliver(payload)) shown(payload, shown);
  }

  /** What the user sees of a progress payload, to skip unchanged edits. */
  private static String shown(Payload payload) {
    StringBuilder shown = new StringBuilder(payload.content());
    for (var b : payload.buttons()) shown.append('\n').append(b.getCustomId()).append(b.getLabel());
    return shown.toString();
  }

  private void shown(Payload payload, String shown) {
    lastShown = shown;
    lastPayload = payload;
    lastEditNanos = System.nanoTime();
  }

  private void finish(JobEvent.Completed done) {
    List<StoredImage> images = done.images();
    if (images.size() > FILES_MAX) images = images.subList(0, FILES_MAX);
    long limit =
        images.isEmpty() ? ref.sizeLimit() : Math.min(ref.sizeLimit(), REQUEST_MAX / images.size());
    for (int attempt = 0; attempt < 4; attempt++) {
      Payload payload = result(done, images, limit);
      log.debug(
          "job {}: {} image(s), {} bytes, limit {} per file",
          jobId,
          images.size(),
          payload.fileBytes(),
          limit);
      try {
        deliverOrThrowTooLarge(payload);
        return;
      } catch (ErrorResponseException e) {
        logOnce(
            "too-large",
            "job {}: Discord refused {} bytes of images ({}); shrinking",
            jobId,
            payload.fileBytes(),
            e.getMeaning());
        limit /= 2;
      }
    }
    // Even quarter-size images were refused: show the result without files rather than nothing.
    deliver(new Payload(describe(done), embed(done, List.of()), List.of(), buttons(done)));
  }

  private Payload result(JobEvent.Completed done, List<StoredImage> images, long limit) {
    List<Payload.NamedFile> files = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      StoredImage image = images.get(i);
      String ext = "image/jpeg".equals(image.mimeType()) ? ".jpg" : ".png";
      files.add(new Payload.NamedFile("image-" + (i + 1) + ext, bytes(image, limit)));
    }
    return new Payload(describe(done), embed(done, files), files, buttons(done));
  }

  private byte[] bytes(StoredImage image, long limit) {
    if (image.bytes() <= limit) {
      try {
        byte[] bytes = Files.readAllBytes(image.file());
        if (bytes.length <= limit) return bytes;
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + image.file(), e);
      }
    }
    return services.bot().fit(image, limit);
  }

  private net.dv8tion.jda.api.entities.MessageEmbed embed(
      JobEvent.Completed done, List<Payload.NamedFile> files) {
    EmbedBuilder embed = new EmbedBuilder();
    embed.setDescription(Text.safe(done.prompt(), Text.EMBED_DESCRIPTION_MAX));
    // Symbols, not words, as field names: the message bundles have no labels for these.
    embed.addField(MODEL_FIELD, Text.safe(done.model(), Text.FIELD_MAX), true);
    embed.addField(SEED_FIELD, done.seed() == null ? "\u2014" : done.seed().toString(), true);
    embed.addField(TIME_FIELD, seconds(done.elapsed()), true);
    if (files.size() == 1) embed.setImage("attachment://" + files.get(0).name());
    return embed.build();
  }

  /**
   * The core's buttons for this state: Cancel while running, Reroll/Variations/Delete when done.
   */
  private List<net.dv8tion.jda.api.components.buttons.Button> buttons(JobEvent event) {
    return Buttons.of(services.bot().buttons(event, language()));
  }

  private static String seconds(Duration d) {
    if (d == null) return "\u2014";
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private String describe(JobEvent event) {
    return services.bot().describe(event, language());
  }

  private String language() {
    return ref.language().isEmpty() ? null : ref.language();
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
      send(payload);
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

  /** Posts the payload as a new channel message and edits that one from now on. */
  private boolean send(Payload payload) {
    try {
      Message m = channel().sendMessage(payload.toCreate()).complete();
      ref = ref.withMessage(m.getChannelIdLong(), m.getIdLong());
      viaChannel = true;
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
