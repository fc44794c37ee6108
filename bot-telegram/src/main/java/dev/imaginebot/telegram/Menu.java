package dev.imaginebot.telegram;

import dev.imaginebot.core.command.CommandCatalogue;
import dev.imaginebot.core.command.CommandSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.telegram.telegrambots.meta.api.methods.commands.SetMyCommands;
import org.telegram.telegrambots.meta.api.objects.commands.BotCommand;
import org.telegram.telegrambots.meta.api.objects.commands.scope.BotCommandScope;
import org.telegram.telegrambots.meta.api.objects.commands.scope.BotCommandScopeAllChatAdministrators;
import org.telegram.telegrambots.meta.api.objects.commands.scope.BotCommandScopeDefault;

/**
 * Telegram's command menus, made from the core's catalogue: everyone's commands for everyone,
 * everyone's and the admin commands for chat administrators, each in English (the fallback for
 * every language) and in Chinese for clients set to {@code zh}, described from the core's bundles.
 */
final class Menu {
  /** The Telegram language codes we publish a menu for; null is every other language. */
  private static final List<String> LANGUAGES = Arrays.asList(null, "zh");

  private Menu() {}

  /** The {@code setMyCommands} calls to make, one per scope and language. */
  static List<SetMyCommands> calls() {
    List<CommandSpec> users = new ArrayList<>();
    for (CommandSpec c : CommandCatalogue.all()) {
      if (!c.adminOnly()) users.add(c);
    }
    List<SetMyCommands> calls = new ArrayList<>();
    for (String language : LANGUAGES) {
      calls.add(call(users, new BotCommandScopeDefault(), language));
      calls.add(call(CommandCatalogue.all(), new BotCommandScopeAllChatAdministrators(), language));
    }
    return calls;
  }

  private static SetMyCommands call(
      List<CommandSpec> commands, BotCommandScope scope, String language) {
    // English stays English on a server whose default locale is Chinese: no locale fallback.
    String texts = "zh".equals(language) ? "zh-CN" : "en";
    List<BotCommand> menu = new ArrayList<>();
    for (CommandSpec c : commands) {
      menu.add(new BotCommand(c.name(), CommandCatalogue.describe(c.descriptionKey(), texts)));
    }
    return SetMyCommands.builder().commands(menu).scope(scope).languageCode(language).build();
  }
}
