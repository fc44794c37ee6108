package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.CommandOptions;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.i18n.Messages;
import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.request.RequestParser;
import java.util.Locale;
import java.util.Optional;

/** {@code /settings [model <alias>|none] [language en|zh-CN]}: the user's own settings. */
final class SettingsCommand implements Command {
  private final CommandSupport env;

  SettingsCommand(CommandSupport env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "settings";
  }

  @Override
  public Reply run(CommandContext ctx, String args) {
    String[] words = args == null || args.isBlank() ? new String[0] : args.strip().split("\\s+");
    if (words.length == 0) return show(ctx);
    if (words.length != 2) return env.errorText(ctx, "cmd.settings.usage");
    String key = words[0].toLowerCase(Locale.ROOT);
    String value = words[1];
    if (key.equals("model")) return model(ctx, value);
    if (key.equals("language") || key.equals("lang")) return language(ctx, value);
    return env.errorText(ctx, "cmd.settings.usage");
  }

  /** Both options at once: the model first, then the language; one reply says what changed. */
  @Override
  public Reply run(CommandContext ctx, CommandOptions options) {
    String model = options.text("model");
    String language = options.text("language");
    if (model == null && language == null) return show(ctx);
    Reply first = model == null ? null : model(ctx, model);
    if (first != null && first.kind() == Reply.Kind.ERROR) return first;
    if (language == null) return first;
    Reply second = language(ctx, language);
    if (first == null || second.kind() == Reply.Kind.ERROR) return second;
    return Reply.message(first.text() + "\n" + second.text()).asPersonal();
  }

  private Reply show(CommandContext ctx) {
    Optional<String> own =
        env.s.settings().get(CommandSupport.userScope(ctx.user()), CommandSupport.MODEL);
    return Reply.message(
            env.text(
                ctx,
                "cmd.settings.show",
                own.orElse(env.text(ctx, "cmd.settings.none")),
                env.lang(ctx)))
        .asPersonal();
  }

  private Reply model(CommandContext ctx, String value) {
    String scope = CommandSupport.userScope(ctx.user());
    if (value.equalsIgnoreCase("none") || value.equalsIgnoreCase("default")) {
      env.s.settings().remove(scope, CommandSupport.MODEL);
      return Reply.message(env.text(ctx, "cmd.settings.model.cleared")).asPersonal();
    }
    var model = env.s.registry().find(value, ctx.chat().key());
    if (model.isEmpty()) return unknownModel(ctx, value);
    env.s.settings().put(scope, CommandSupport.MODEL, model.get().alias());
    return Reply.message(env.text(ctx, "cmd.settings.model.set", model.get().alias())).asPersonal();
  }

  private Reply language(CommandContext ctx, String value) {
    String lang = Messages.normalize(value);
    if (lang == null) return env.errorText(ctx, "cmd.settings.language.unknown", value);
    env.s.settings().put(CommandSupport.userScope(ctx.user()), CommandSupport.LANGUAGE, lang);
    return Reply.message(env.text(ctx, "cmd.settings.language.set")).asPersonal();
  }

  static Reply unknownModel(CommandSupport env, CommandContext ctx, String value) {
    var aliases = env.s.registry().aliases(ctx.chat().key());
    var close = RequestParser.suggestions(value, aliases);
    if (!close.isEmpty()) {
      return Reply.error(
          env.text(ctx, "parse.model.didYouMean", value, String.join(", ", close))
              + "\n"
              + env.text(ctx, "hint.UNKNOWN_MODEL"));
    }
    return env.error(ctx, ErrorCode.UNKNOWN_MODEL, value, String.join(", ", aliases));
  }

  private Reply unknownModel(CommandContext ctx, String value) {
    return unknownModel(env, ctx, value);
  }
}
