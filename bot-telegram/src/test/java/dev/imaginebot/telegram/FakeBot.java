package dev.imaginebot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.command.Button;
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
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hand-stepped {@link Bot}: records every command and press, starts a "job" for {@code imagine}
 * and the job buttons, and lets the test push events to the job's view. Admin commands are refused
 * unless the platform says admin; Delete is refused to anyone but the job's owner or an admin.
 */
final class FakeBot implements Bot {
  static final Set<String> ADMIN_COMMANDS =
      Set.of("setdefault", "addmodel", "removemodel", "inspect", "audit");

  /** One call the front-end made. */
  record Call(String kind, CommandContext ctx, String name, String args, long jobId) {}

  private final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
  private final AtomicLong nextJob = new AtomicLong(0);
  private final Map<Long, Call> jobs = new ConcurrentHashMap<>();
  final List<FrontEnd> frontEnds = new CopyOnWriteArrayList<>();
  final List<Long> fitCalls = new CopyOnWriteArrayList<>();
  volatile byte[] fitResult = new byte[] {(byte) 0x89, 'P', 'N', 'G'};
  volatile Reply nextImagineReply;
  volatile RuntimeException nextFault;

  /** The reply to the next command other than imagine, instead of the made-up one. */
  volatile Reply nextReply;

  /** The next call, waiting up to 10 s. */
  Call awaitCall() throws InterruptedException {
    Call c = calls.poll(10, TimeUnit.SECONDS);
    assertThat(c).as("a call to the core").isNotNull();
    return c;
  }

  Call pollCall(long millis) throws InterruptedException {
    return calls.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** Renders as the real core does, with this fake's words, buttons and fitting. */
  final JobRenderer renderer = new JobRenderer(this::describe, this::buttons, this::fit);

  private final Map<JobView, JobEventListener> listeners =
      Collections.synchronizedMap(new IdentityHashMap<>());

  /** The core's end of {@code view}: events pushed here reach the view rendered in English. */
  JobEventListener events(JobView view) {
    return listeners.computeIfAbsent(view, v -> renderer.listener(v, "en"));
  }

  /** The core's end of the view of a job the fake started. */
  JobEventListener view(long jobId) {
    return events(jobs.get(jobId).ctx().view());
  }

  @Override
  public Reply handle(CommandContext ctx, String command, String args) {
    RuntimeException fault = nextFault;
    if (fault != null) {
      nextFault = null;
      calls.add(new Call("fault", ctx, command, args, 0));
      throw fault;
    }
    long job = 0;
    Reply reply;
    if (command.equals("imagine")) {
      Reply preset = nextImagineReply;
      nextImagineReply = null;
      if (preset != null) {
        reply = preset;
      } else if (args.isBlank()) {
        reply = Reply.error("Please describe the image you want.");
      } else {
        job = nextJob.incrementAndGet();
        reply = Reply.jobStarted(job);
        // As the core does: Accepted reaches the view before handle returns.
        events(ctx.view()).onEvent(new JobEvent.Accepted(job, 0, "mj"));
      }
    } else if (nextReply != null) {
      reply = nextReply;
      nextReply = null;
    } else if (ADMIN_COMMANDS.contains(command) && !ctx.platformAdmin()) {
      reply = Reply.error("Only admins can do that.");
    } else if (command.equals("history")) {
      reply =
          Reply.message(
              "page 1: " + args,
              List.of(new Button("history:2", "Next"), new Button("rerun:1", "Re-run #1")));
    } else {
      reply = Reply.message("ok " + command + (args.isEmpty() ? "" : " " + args));
    }
    Call call = new Call("handle", ctx, command, args, job);
    if (job != 0) jobs.put(job, call);
    calls.add(call);
    return reply;
  }

  /** Telegram is a text platform: its front-end hands the core text, never typed options. */
  @Override
  public Reply run(CommandContext ctx, String command, CommandOptions options) {
    throw new UnsupportedOperationException("typed options from the Telegram front-end");
  }

  /** As {@link #run}: Telegram's prompts are parsed by the core from their text. */
  @Override
  public Reply imagine(CommandContext ctx, GenerationRequest request) {
    throw new UnsupportedOperationException("a typed request from the Telegram front-end");
  }

  @Override
  public Reply press(CommandContext ctx, String buttonId) {
    long job = 0;
    Reply reply;
    if (buttonId.startsWith("reroll:")
        || buttonId.startsWith("vary:")
        || buttonId.startsWith("rerun:")) {
      job = nextJob.incrementAndGet();
      reply = Reply.jobStarted(job);
      events(ctx.view()).onEvent(new JobEvent.Accepted(job, 0, "mj"));
    } else if (buttonId.startsWith("delete:")) {
      Call owner = jobs.get(Long.parseLong(buttonId.substring("delete:".length())));
      boolean mine = owner != null && owner.ctx().user().id().equals(ctx.user().id());
      reply =
          mine || ctx.platformAdmin()
              ? Reply.deleteMessage()
              : Reply.error("Only the person who asked can delete it.");
    } else if (buttonId.startsWith("cancel:")) {
      long id = Long.parseLong(buttonId.substring("cancel:".length()));
      events(jobs.get(id).ctx().view()).onEvent(new JobEvent.Cancelled(id));
      reply = Reply.message("Cancelled job #" + id + ".");
    } else if (buttonId.startsWith("history:")) {
      reply =
          Reply.message(
              "page " + buttonId.substring(8), List.of(new Button("history:1", "Previous")));
    } else {
      reply = Reply.error("That button no longer works.");
    }
    Call call = new Call("press", ctx, buttonId, "", job);
    if (job != 0) jobs.put(job, call);
    calls.add(call);
    return reply;
  }

  /** Where each job's status message is, as the front-end reported it ({@link #moved}). */
  final Map<Long, String> moved = new ConcurrentHashMap<>();

  @Override
  public void moved(long jobId, String replyRef) {
    moved.put(jobId, replyRef);
  }

  @Override
  public void register(FrontEnd frontEnd) {
    frontEnds.add(frontEnd);
  }

  @Override
  public List<String> modelAliases(String prefix) {
    return List.of("mj", "flux");
  }

  @Override
  public String describe(JobEvent event, String language) {
    if (event instanceof JobEvent.Accepted a) return "queued " + a.position();
    if (event instanceof JobEvent.Waking) return "waking";
    if (event instanceof JobEvent.SpaceQueued q)
      return "space queue " + q.rank() + "/" + q.queueSize();
    if (event instanceof JobEvent.Progress p) return "progress " + p.step() + "/" + p.total();
    if (event instanceof JobEvent.Completed c)
      return "done: " + c.prompt() + " · " + c.model() + " · seed " + c.seed();
    if (event instanceof JobEvent.Failed f) return "failed: " + f.code();
    return "cancelled";
  }

  @Override
  public String text(String language, String key, Object... args) {
    return args.length == 0 ? key : key + " " + List.of(args);
  }

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
    fitCalls.add(maxBytes);
    return fitResult;
  }

  @Override
  public void close() {}
}
