package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.model.Model;
import java.util.Optional;

/**
 * {@code /removemodel <alias>}: removes a model an admin added. A bot admin removes a global model
 * (or, when there is none by that name, one of this chat's); a chat's admin only one of their
 * chat's.
 */
final class RemoveModelCommand implements Command {
  private final CommandSupport env;

  RemoveModelCommand(CommandSupport env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "removemodel";
  }

  @Override
  public Reply run(CommandContext ctx, String args) {
    String alias = args == null ? "" : args.strip();
    if (alias.isEmpty() || alias.contains(" ")) return env.errorText(ctx, "cmd.removemodel.usage");
    return remove(ctx, alias);
  }

  @Override
  public Reply run(CommandContext ctx, CommandOptions options) {
    String alias = options.text("model");
    if (alias == null) return env.errorText(ctx, "cmd.removemodel.usage");
    return remove(ctx, alias);
  }

  private Reply remove(CommandContext ctx, String alias) {
    String chat = ctx.chat().key();
    Optional<Model> global = env.s.registry().find(alias);
    if (global.isPresent() && global.get().configured()) {
      return env.errorText(ctx, "cmd.removemodel.configured", global.get().alias());
    }
    if (global.isPresent() && env.botAdmin(ctx)) {
      String name = global.get().alias();
      if (!env.s.modelStore().remove(name)) {
        return env.errorText(ctx, "cmd.removemodel.notFound", alias);
      }
      env.s.registry().reload();
      env.audit(ctx, "removemodel", name);
      return Reply.message(env.text(ctx, "cmd.removemodel.ok", name));
    }
    Optional<Model> own = env.s.registry().chatModel(chat, alias);
    if (own.isEmpty()) {
      if (global.isPresent()) {
        return env.errorText(ctx, "cmd.removemodel.global", global.get().alias());
      }
      return env.errorText(ctx, "cmd.removemodel.notFound", alias);
    }
    String name = own.get().alias();
    if (!env.s.modelStore().removeFromChat(chat, name)) {
      return env.errorText(ctx, "cmd.removemodel.notFound", alias);
    }
    env.s.registry().reload();
    env.audit(ctx, "removemodel chat", name);
    return Reply.message(env.text(ctx, "cmd.removemodel.ok", name));
  }
}
