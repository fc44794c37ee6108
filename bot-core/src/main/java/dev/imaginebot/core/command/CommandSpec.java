package dev.imaginebot.core.command;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One command as data, from which front-ends build what their platform shows (Discord's slash
 * commands, Telegram's command menus). See {@link CommandCatalogue} for them all.
 *
 * @param name what users type, without the slash: lower case ASCII, at most 32 characters
 * @param descriptionKey the message key of a one-line description (at most 100 characters in every
 *     language, Discord's limit)
 * @param group where a platform with nested commands lists it ({@code "admin"}: Discord shows
 *     {@code /admin <name>}), or null for a top-level command; platforms without nesting ignore it
 * @param access who may run it; the core checks on every call, front-ends use it only to decide
 *     where the command is shown
 * @param personal its reply belongs to the sender alone (see {@link Reply#personal()})
 * @param options its typed options, in the order platforms show them
 */
public record CommandSpec(
    String name,
    String descriptionKey,
    String group,
    Access access,
    boolean personal,
    List<OptionSpec> options) {
  public CommandSpec {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(descriptionKey, "descriptionKey == null");
    Objects.requireNonNull(access, "access == null");
    options = List.copyOf(options);
  }

  /** Who may run a command. */
  public enum Access {
    /** Anyone. */
    EVERYONE,
    /**
     * The bot's configured admins anywhere, and a chat's admins (as the platform says) for their
     * own chat.
     */
    CHAT_ADMIN
  }

  /** True when only admins may run it. */
  public boolean adminOnly() {
    return access != Access.EVERYONE;
  }

  /** The option called {@code option}, if the command has one. */
  public Optional<OptionSpec> option(String option) {
    return options.stream().filter(o -> o.name().equals(option)).findFirst();
  }
}
