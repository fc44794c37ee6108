package dev.imaginebot.discord;

import java.util.ArrayList;
import java.util.List;
import net.dv8tion.jda.api.components.buttons.Button;

/** Core buttons as Discord buttons. */
final class DiscordButtons {
  private static final int CUSTOM_ID_MAX = 100;

  private DiscordButtons() {}

  static List<Button> of(List<dev.imaginebot.core.command.Button> buttons) {
    List<Button> out = new ArrayList<>();
    for (dev.imaginebot.core.command.Button b : buttons) {
      if (b.id().length() > CUSTOM_ID_MAX) {
        throw new IllegalStateException("button id longer than Discord allows: " + b.id());
      }
      out.add(of(b.id(), b.label()));
    }
    return out;
  }

  static Button of(String id, String label) {
    String text = Text.safe(label == null || label.isBlank() ? id : label, Text.LABEL_MAX);
    if (id.startsWith("delete:")) return Button.danger(id, text);
    if (id.startsWith("reroll:") || id.startsWith("rerun:")) return Button.primary(id, text);
    return Button.secondary(id, text);
  }
}
