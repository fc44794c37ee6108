package dev.imaginebot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.FrontEnd;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.engine.JobEventListener;
import dev.imaginebot.core.job.GenerationRequest;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.JobView;
import dev.imaginebot.core.job.StoredImage;
import dev.imaginebot.core.render.JobRenderer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/**
 * A {@link Bot} stepped by hand: records every command and press with its context (so the test can
 * push events to the view), answers with a replaceable responder, words events plainly.
 */
final class FakeBot implements Bot {
  /**
   * One handle, run, imagine or press. {@code command} is {@code "press"} for buttons. {@code args}
   * is the text of a handle, the button id of a press, and for a typed run its options as {@code
   * name=value} words in name order (for reading, never parsed); null for a typed imagine, whose
   * request is in {@code request}.
   */
  record Call(
      CommandContext ctx,
      String command,
      String args,
      CommandOptions options,
      GenerationRequest request) {
    Call(CommandContext ctx, String command, String args) {
      this(ctx, command, args, null, null);
    }
  }

  final LinkedBlockingQueue<Call> calls = new LinkedBlockingQueue<>();
  final List<Long> fitLimits = new CopyOnWriteArrayList<>();
  final List<FrontEnd> registered = new CopyOnWriteArrayList<>();
  final AtomicLong jobIds = new AtomicLong(100);
  volatile Function<Call, Reply> responder = FakeBot::defaultReply;
  volatile List<String> models = List.of("flux", "mj", "sdxl");

  /** Where each job's message is now, as the front-end reported it ({@link #moved}). */
  final Map<Long, String> moved = new ConcurrentHashMap<>();

  /** Renders as the real core does, with this fake's words, buttons and fitting. */
  final JobRenderer renderer = new JobRenderer(this::describe, this::buttons, this::fit);

  private final Map<JobView, JobEventListener> listeners =
      Collections.synchronizedMap(new IdentityHashMap<>());

  /**
   * The core's end of {@code view}: events pushed here reach the view rendered in English, once
   * each (the core's one throttle is not in the way: tests step events by hand).
   */
  JobEventListener events(JobView view) {
    return listeners.computeIfAbsent(view, v -> renderer.listener(v, "en"));
  }

  @Override
  public void moved(long jobId, String replyRef) {
    moved.put(jobId, replyRef);
  }

  static Reply defaultReply(Call call) {
    return Reply.message("ok " + call.command() + " " + call.args());
  }

  /** Answers {@code imagine} (and job-starting presses) with a new job id. */
  Reply startJob(Call call) {
    return Reply.jobStarted(jobIds.incrementAndGet());
  }

  Call next() {
    try {
      Call call = calls.poll(10, TimeUnit.SECONDS);
      assertThat(call).as("a call to the bot").isNotNull();
      return call;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public Reply handle(CommandContext ctx, String command, String args) {
    Call call = new Call(ctx, command, args);
    calls.add(call);
    return responder.apply(call);
  }

  @Override
  public Reply run(CommandContext ctx, String command, CommandOptions options) {
    StringBuilder args = new StringBuilder();
    new TreeMap<>(options.values())
        .forEach((k, v) -> args.append(args.length() == 0 ? "" : " ").append(k + "=" + v));
    Call call = new Call(ctx, command, args.toString(), options, null);
    calls.add(call);
    return responder.apply(call);
  }

  @Override
  public Reply imagine(CommandContext ctx, GenerationRequest request) {
    Call call = new Call(ctx, "imagine", null, null, request);
    calls.add(call);
    return responder.apply(call);
  }

  @Override
  public Reply press(CommandContext ctx, String buttonId) {
    Call call = new Call(ctx, "press", buttonId);
    calls.add(call);
    return responder.apply(call);
  }

  @Override
  public void register(FrontEnd frontEnd) {
    registered.add(frontEnd);
  }

  @Override
  public List<String> modelAliases(String prefix) {
    return models.stream().filter(m -> m.startsWith(prefix)).collect(Collectors.toList());
  }

  @Override
  public String describe(JobEvent event, String language) {
    if (event instanceof JobEvent.Accepted) {
      return "Queued at " + ((JobEvent.Accepted) event).position();
    }
    if (event instanceof JobEvent.Waking) return "Waking the Space";
    if (event instanceof JobEvent.SpaceQueued) {
      return "Space queue " + ((JobEvent.SpaceQueued) event).rank();
    }
    if (event instanceof JobEvent.Progress) {
      JobEvent.Progress p = (JobEvent.Progress) event;
      return "Progress " + p.step() + "/" + p.total();
    }
    if (event instanceof JobEvent.Completed) return "Done";
    if (event instanceof JobEvent.Failed) {
      JobEvent.Failed f = (JobEvent.Failed) event;
      return "Failed " + f.code() + " " + f.detail();
    }
    return "Cancelled";
  }

  @Override
  public String text(String language, String key, Object... args) {
    return "L:" + key.toLowerCase(Locale.ROOT);
  }

  /** What {@link #fit} returns (a small PNG unless a test says otherwise). */
  volatile byte[] fitResult = png(8, 8);

  @Override
  public byte[] fit(StoredImage image, long maxBytes) {
    // As the image store does: the stored bytes when they fit, else a smaller version.
    if (image.bytes() <= maxBytes) {
      try {
        return java.nio.file.Files.readAllBytes(image.file());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    fitLimits.add(maxBytes);
    return fitResult;
  }

  @Override
  public void close() {}

  static byte[] jpeg(int w, int h) {
    return encode(w, h, "jpg");
  }

  static byte[] png(int w, int h) {
    return encode(w, h, "png");
  }

  private static byte[] encode(int w, int h, String format) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) img.setRGB(x, y, (x * 31 + y * 17) * 0x010203);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
