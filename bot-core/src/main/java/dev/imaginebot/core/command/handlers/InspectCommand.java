package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.model.Backend;
import dev.imaginebot.core.model.BackendStatus;
import dev.imaginebot.core.model.Model;
import dev.imaginebot.core.model.SpaceMapping;
import java.time.Instant;

/**
 * {@code /inspect <model>}: each backend's status, endpoint and parameter mapping, of a model seen
 * in the chat (answered to the admin privately). The API of backends not checked yet is read on the
 * core's slow-work threads first ({@link Reply.Kind#PENDING}).
 */
final class InspectCommand implements Command {
  private final CommandSupport env;

  InspectCommand(CommandSupport env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "inspect";
  }

  @Override
  public Reply run(CommandContext ctx, String args) {
    String alias = args == null ? "" : args.strip();
    if (alias.isEmpty()) return env.errorText(ctx, "cmd.inspect.usage");
    return inspect(ctx, alias);
  }

  @Override
  public Reply run(CommandContext ctx, CommandOptions options) {
    String alias = options.text("model");
    if (alias == null) return env.errorText(ctx, "cmd.inspect.usage");
    return inspect(ctx, alias);
  }

  private Reply inspect(CommandContext ctx, String alias) {
    var found = env.s.registry().find(alias, ctx.chat().key());
    if (found.isEmpty()) return SettingsCommand.unknownModel(env, ctx, alias);
    Model m = found.get();
    boolean unchecked =
        m.backends().stream()
            .anyMatch(b -> b.status(Instant.now()).kind() == BackendStatus.Kind.UNKNOWN);
    if (!unchecked) return describe(ctx, m);
    return env.later(
            ctx,
            "cmd.inspect.working",
            () -> {
              for (Backend b : m.backends()) {
                if (b.status(Instant.now()).kind() == BackendStatus.Kind.UNKNOWN) {
                  env.s.registry().check(b);
                }
              }
              return describe(ctx, m);
            })
        .asPersonal();
  }

  private Reply describe(CommandContext ctx, Model m) {
    String lang = env.lang(ctx);
    StringBuilder out =
        new StringBuilder(
            env.text(
                ctx,
                "cmd.inspect.header",
                m.alias(),
                m.displayName(),
                env.status(lang, env.s.registry().status(m))));
    for (Backend b : m.backends()) {
      BackendStatus status = b.status(Instant.now());
      out.append('\n')
          .append(
              env.text(ctx, "cmd.inspect.backend", b.index(), b.space(), env.status(lang, status)));
      // The admin's view: the English detail behind the cause, as the log has it.
      if (status.reason() != null) {
        out.append('\n').append(env.text(ctx, "cmd.inspect.reason", status.reason()));
      }
      SpaceMapping mapping = b.mapping();
      if (mapping != null) out.append('\n').append(env.mapping(ctx, mapping));
    }
    return Reply.message(out.toString()).asPersonal();
  }
}
