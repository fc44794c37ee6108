package dev.imaginebot.core.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.i18n.Messages;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandCatalogueTest {
  private final Messages messages = new Messages("en");

  @Test
  void everyDescriptionKeyIsInEveryBundleAndFitsDiscordsLimit() {
    List<String> problems = new ArrayList<>();
    for (String language : Messages.LANGUAGES) {
      Set<String> keys = messages.keys(language);
      for (String key : CommandCatalogue.messageKeys()) {
        if (!keys.contains(key)) {
          problems.add(language + " lacks " + key);
        } else {
          String text = messages.text(language, key);
          if (text.isBlank() || text.codePointCount(0, text.length()) > 100) {
            problems.add(language + " " + key + " is blank or over 100 characters");
          }
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(CommandCatalogue.messageKeys()).contains("command.imagine", "command.group.admin");
  }

  @Test
  void namesAreUniqueLowerCaseAndShortAsPlatformsRequire() {
    Set<String> names = new HashSet<>();
    for (CommandSpec c : CommandCatalogue.all()) {
      assertThat(names.add(c.name())).as(c.name()).isTrue();
      assertThat(c.name()).matches("[a-z][a-z0-9_]{0,31}");
      Set<String> options = new HashSet<>();
      for (OptionSpec o : c.options()) {
        assertThat(options.add(o.name())).as(c.name() + " " + o.name()).isTrue();
        assertThat(o.name()).matches("[a-z][a-z0-9_]{0,31}");
      }
      // Discord wants required options before optional ones.
      boolean optionalSeen = false;
      for (OptionSpec o : c.options()) {
        assertThat(o.required() && optionalSeen).as(c.name() + " " + o.name()).isFalse();
        optionalSeen |= !o.required();
      }
    }
  }

  @Test
  void adminCommandsAreInTheAdminGroupAndAnsweredPersonally() {
    for (CommandSpec c : CommandCatalogue.all()) {
      assertThat(c.adminOnly()).as(c.name()).isEqualTo(CommandCatalogue.ADMIN.equals(c.group()));
      if (c.adminOnly()) assertThat(c.personal()).as(c.name()).isTrue();
    }
    assertThat(CommandCatalogue.find("/Inspect").map(CommandSpec::name)).contains("inspect");
    assertThat(CommandCatalogue.find("admin")).isEmpty();
  }
}
