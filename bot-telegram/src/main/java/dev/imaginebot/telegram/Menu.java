package dev.imaginebot.telegram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;
import org.telegram.telegrambots.meta.api.methods.commands.SetMyCommands;
import org.telegram.telegrambots.meta.api.objects.commands.BotCommand;
import org.telegram.telegrambots.meta.api.objects.commands.scope.BotCommandScope;
import org.telegram.telegrambots.meta.api.objects.commands.scope.BotCommandScopeAllChatAdministrators;
import org.telegram.telegrambots.meta.api.objects.commands.scope.BotCommandScopeDefault;

/**
 * Telegram's command menus: user commands for everyone, user and admin commands for chat
 * administrators, each in English (the fallback for every language) and in Chinese for clients set
 * to {@code zh}. Descriptions come from the {@code menu} bundle next to this class.
 */
final class Menu {
  private static final String BUNDLE = "dev.imaginebot.telegram.menu";
  private static final ResourceBundle.Control NO_FALLBACK =
      ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

  /** The Telegram language codes we publish a menu for; null is every other language. */
  private static final List<String> LANGUAGES = Arrays.asList(null, "zh");

  private Menu() {}

  /** The {@code setMyCommands} calls to make, one per scope and language. */
  static List<SetMyCommands> calls(Iterable<CommandHandler> commands) {
    List<CommandHandler> users = new ArrayList<>();
    List<CommandHandler> all = new ArrayList<>();
    for (CommandHandler c : commands) {
      if (!(c instanceof AdminCommand)) users.add(c);
      all.add(c);
    }
    List<SetMyCommands> calls = new ArrayList<>();
    for (String language : LANGUAGES) {
      calls.add(call(users, new BotCommandScopeDefault(), language));
      calls.add(call(all, new BotCommandScopeAllChatAdministrators(), language));
    }
    return calls;
  }

  private static SetMyCommands call(
      List<CommandHandler> commands, BotCommandScope scope, String language) {
    ResourceBundle texts = bundle(language);
    List<BotCommand> menu = new ArrayList<>();
    for (CommandHandler c : commands) menu.add(new BotCommand(c.name(), texts.getString(c.name())));
    return SetMyCommands.builder().commands(menu).scope(scope).languageCode(language).build();
  }

  private static ResourceBundle bundle(String language) {
    // No fallback to the JVM's default locale: English must stay English on a Chinese server.
    Locale locale = "zh".equals(language) ? Locale.SIMPLIFIED_CHINESE : Locale.ROOT;
    return ResourceBundle.getBundle(BUNDLE, locale, Menu.class.getClassLoader(), NO_FALLBACK);
  }
}
