package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.model.ModelRegistry;
import dev.imaginebot.core.model.Onboarding;
import dev.imaginebot.gradio.FailureCode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /addmodel <alias> <space> [endpoint]}: reads the Space's API on the core's slow-work
 * threads (answering {@link Reply.Kind#PENDING} at once) and keeps the model only if a mapping can
 * be made. A bot admin's model is global; a chat admin's is seen in their chat only and can't take
 * the alias of a global model.
 */
final class AddModelCommand implements Command {
  private static final Logger log = LoggerFactory.getLogger(AddModelCommand.class);
  private static final Pattern ALIAS = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

  /** Models one chat's admins may add for their chat. */
  static final int MAX_PER_CHAT = 10;

  private final CommandSupport env;

  AddModelCommand(CommandSupport env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "addmodel";
  }

  @Override
  public Reply run(CommandContext ctx, String args) {
    String[] words = args == null || args.isBlank() ? new String[0] : args.strip().split("\\s+");
    if (words.length < 2 || words.length > 3) return env.errorText(ctx, "cmd.addmodel.usage");
    return add(ctx, words[0], words[1], words.length == 3 ? words[2] : null);
  }

  @Override
  public Reply run(CommandContext ctx, CommandOptions options) {
    String alias = options.text("alias");
    String space = options.text("space");
    if (alias == null || space == null) return env.errorText(ctx, "cmd.addmodel.usage");
    return add(ctx, alias, space, options.text("endpoint"));
  }

  /** Checks what can be checked at once; the Space is read later, off the caller's thread. */
  private Reply add(CommandContext ctx, String typedAlias, String space, String endpoint) {
    String alias = typedAlias.toLowerCase(Locale.ROOT);
    if (!ALIAS.matcher(alias).matches())
      return env.errorText(ctx, "cmd.addmodel.badAlias", typedAlias);
    boolean global = env.botAdmin(ctx);
    var existing = env.s.registry().find(alias);
    if (existing.isPresent() && existing.get().configured()) {
      return env.errorText(ctx, "cmd.addmodel.configured", alias);
    }
    if (!global && existing.isPresent()) return env.errorText(ctx, "cmd.addmodel.taken", alias);
    boolean replacing = env.s.registry().chatModel(ctx.chat().key(), alias).isPresent();
    // Every model's Space is re-read on a schedule: one chat can't make the bot watch hundreds.
    if (!global
        && !replacing
        && env.s.registry().models(ctx.chat().key()).size() - env.s.registry().models().size()
            >= MAX_PER_CHAT) {
      return env.errorText(ctx, "cmd.addmodel.chatLimit", MAX_PER_CHAT);
    }
    return env.later(ctx, "cmd.addmodel.working", () -> probe(ctx, alias, space, endpoint, global));
  }

  private Reply probe(
      CommandContext ctx, String alias, String space, String endpoint, boolean global) {
    BackendConfig backend = new BackendConfig(space, endpoint, Map.of(), Map.of(), 2);
    ModelRegistry.Probe probe = env.s.registry().probe(backend);
    if (probe.failure() != null) {
      // The code and the client's text stay in the log: they tell what answers at that address.
      String ref = dev.imaginebot.core.FaultRef.next();
      log.info(
          "addmodel {} by {} failed (ref {}): {}: {}",
          space,
          ctx.user().key(),
          ref,
          probe.failure(),
          probe.detail());
      return probe.failure() == FailureCode.HOST_REFUSED
          ? env.errorText(ctx, "cmd.addmodel.refused", space, ref)
          : env.errorText(ctx, "cmd.addmodel.unreachable", space, ref);
    }
    if (!probe.ok()) {
      Onboarding.Problem problem = probe.result().problem();
      log.info("addmodel {} by {}: no mapping: {}", space, ctx.user().key(), problem.text());
      return env.errorText(
          ctx,
          "cmd.addmodel.failed",
          env.text(ctx, problem.messageKey(), problem.args().toArray()));
    }
    ModelConfig model = new ModelConfig(alias, alias, List.of(backend));
    if (global) {
      env.s.modelStore().put(model);
    } else {
      env.s.modelStore().putInChat(ctx.chat().key(), model);
    }
    env.s.registry().reload();
    env.s
        .registry()
        .find(alias, ctx.chat().key())
        .ifPresent(m -> m.backends().forEach(env.s.registry()::check));
    env.audit(
        ctx,
        global ? "addmodel" : "addmodel chat",
        alias + " " + space + (endpoint == null ? "" : " " + endpoint));
    return Reply.message(
        env.text(
            ctx,
            global ? "cmd.addmodel.ok" : "cmd.addmodel.okChat",
            alias,
            env.mapping(ctx, probe.result().mapping())));
  }
}
