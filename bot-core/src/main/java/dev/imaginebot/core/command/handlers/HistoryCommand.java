package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.UserText;
import dev.imaginebot.core.command.Button;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.store.JobRecord;
import dev.imaginebot.core.store.Page;
import dev.imaginebot.core.store.UserStats;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /history [page]}: the user's jobs, newest first, with re-run buttons, answered privately.
 * In a group only the jobs made in that group are listed: a group never sees another chat's
 * prompts.
 */
final class HistoryCommand implements Command {
  static final int PAGE_SIZE = 5;
  private static final int PREVIEW = 60;
  private final CommandSupport env;

  HistoryCommand(CommandSupport env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "history";
  }

  @Override
  public Reply run(CommandContext ctx, String args) {
    int page = 1;
    String a = args == null ? "" : args.strip();
    if (!a.isEmpty()) {
      try {
        page = Math.max(1, Integer.parseInt(a));
      } catch (NumberFormatException e) {
        page = 1;
      }
    }
    return page(ctx, page);
  }

  @Override
  public Reply run(CommandContext ctx, CommandOptions options) {
    Long page = options.integer("page");
    return page(ctx, page == null ? 1 : (int) Math.max(1, Math.min(Integer.MAX_VALUE, page)));
  }

  /** Page {@code page} (1-based). */
  Reply page(CommandContext ctx, int page) {
    String chat = ctx.chat().group() ? ctx.chat().key() : null;
    Page<JobRecord> p = env.s.jobs().history(ctx.user().key(), chat, page - 1, PAGE_SIZE);
    if (p.total() == 0) return Reply.message(env.text(ctx, "cmd.history.empty")).asPersonal();
    StringBuilder out =
        new StringBuilder(env.text(ctx, "cmd.history.header", page, Math.max(1, p.pages())));
    List<Button> buttons = new ArrayList<>();
    for (JobRecord j : p.items()) {
      String seed =
          j.seed() == null
              ? env.text(ctx, "cmd.history.noSeed")
              : env.text(ctx, "cmd.history.seed", j.seed());
      String prompt = j.request().prompt();
      prompt = UserText.cut(prompt, PREVIEW);
      out.append('\n')
          .append(
              env.text(
                  ctx,
                  "cmd.history.line",
                  j.id(),
                  env.text(ctx, "state." + j.state().name()),
                  j.model(),
                  seed,
                  CommandSupport.TIME.format(j.createdAt()),
                  prompt));
      buttons.add(env.button(ctx, "rerun", j.id(), "button.rerun", j.id()));
    }
    UserStats stats = env.s.jobs().stats(ctx.user().key());
    out.append('\n')
        .append(
            env.text(
                ctx,
                "cmd.history.stats",
                stats.jobs(),
                stats.images(),
                env.s.messages().duration(env.lang(ctx), stats.averageWait())));
    if (page > 1) buttons.add(env.button(ctx, "history", page - 1, "button.previous"));
    if (page < p.pages()) buttons.add(env.button(ctx, "history", page + 1, "button.next"));
    return Reply.message(out.toString(), buttons).asPersonal();
  }
}
