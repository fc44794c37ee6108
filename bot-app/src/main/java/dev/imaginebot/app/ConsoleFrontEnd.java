package dev.imaginebot.app;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.command.Button;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.FrontEnd;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.JobView;
import dev.imaginebot.core.job.UserRef;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The bot in a terminal: one user (an admin) types commands on stdin, sees each job's progress on
 * one updating line, and gets the images saved to a folder. A line without a leading slash is a
 * prompt for {@code /imagine}; {@code /press <button id>} presses a button; {@code /quit} or end of
 * input stops, after the jobs still running have finished.
 */
final class ConsoleFrontEnd implements FrontEnd {
  static final String PLATFORM = "console";

  private final Bot bot;
  private final BufferedReader in;
  private final Terminal terminal;
  private final CliMessages messages;
  private final JobPrinter printer;
  private final UserRef user;
  private final ChatRef chat;
  private final Duration drainTimeout;

  ConsoleFrontEnd(
      Bot bot,
      BufferedReader in,
      Terminal terminal,
      CliMessages messages,
      JobPrinter printer,
      String userName,
      String language,
      Duration drainTimeout) {
    this.bot = Objects.requireNonNull(bot, "bot == null");
    this.in = Objects.requireNonNull(in, "in == null");
    this.terminal = Objects.requireNonNull(terminal, "terminal == null");
    this.messages = Objects.requireNonNull(messages, "messages == null");
    this.printer = Objects.requireNonNull(printer, "printer == null");
    this.user = new UserRef(PLATFORM, userName, userName, language);
    this.chat = new ChatRef(PLATFORM, userName, false);
    this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout == null");
  }

  /** The user key to list as an admin ({@code console:<name>}). */
  static String adminKey(String userName) {
    return PLATFORM + ":" + userName;
  }

  @Override
  public String platform() {
    return PLATFORM;
  }

  @Override
  public JobView reattach(long jobId, String replyRef) {
    JobPrinter.View view = printer.newView();
    printer.started(view);
    return view;
  }

  /** Reads commands until end of input or {@code /quit}; returns the exit status. */
  int run() throws IOException, InterruptedException {
    terminal.prompt("> ");
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String text = line.strip();
      if (!text.isEmpty()) {
        if (text.equals("/quit") || text.equals("/exit")) break;
        execute(text);
      }
      terminal.prompt("> ");
    }
    int running = printer.pendingCount();
    if (running > 0) {
      terminal.println(messages.text("console.waiting", running));
      printer.awaitIdle(drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    terminal.println(messages.text("console.bye"));
    return 0;
  }

  /** Runs one line of input. */
  void execute(String text) {
    String command = "imagine";
    String args = text;
    if (text.startsWith("/")) {
      int space = text.indexOf(' ');
      command = (space < 0 ? text.substring(1) : text.substring(1, space)).toLowerCase(Locale.ROOT);
      args = space < 0 ? "" : text.substring(space + 1).strip();
      int at = command.indexOf('@');
      if (at >= 0) command = command.substring(0, at);
    }
    JobPrinter.View view = printer.newView();
    CommandContext ctx = new CommandContext(user, chat, true, null, view);
    Reply reply = command.equals("press") ? bot.press(ctx, args) : bot.handle(ctx, command, args);
    show(reply, view);
  }

  private void show(Reply reply, JobPrinter.View view) {
    switch (reply.kind()) {
      case JOB_STARTED:
        printer.started(view);
        break;
      case DELETE_MESSAGE:
        terminal.println("(deleted)");
        break;
      case PENDING:
        // "Working on it" now; the answer is printed when the core has it, as job events are.
        terminal.println(reply.text());
        reply.later().thenAccept(answer -> show(answer, view));
        break;
      case ERROR:
      case MESSAGE:
      default:
        if (!reply.text().isBlank()) terminal.println(reply.text());
        if (!reply.buttons().isEmpty()) {
          terminal.println(
              messages.text(
                  "console.buttons",
                  reply.buttons().stream()
                      .map(ConsoleFrontEnd::button)
                      .collect(Collectors.joining("  "))));
        }
        break;
    }
  }

  private static String button(Button b) {
    return "[" + b.label() + ": /press " + b.id() + "]";
  }
}
