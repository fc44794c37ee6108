package dev.imaginebot.discord;

import java.util.ArrayList;
import java.util.List;
import net.dv8tion.jda.api.components.actionrow.ActionRow;
import net.dv8tion.jda.api.components.buttons.Button;
import net.dv8tion.jda.api.entities.MessageEmbed;
import net.dv8tion.jda.api.utils.FileUpload;
import net.dv8tion.jda.api.utils.messages.MessageCreateBuilder;
import net.dv8tion.jda.api.utils.messages.MessageCreateData;
import net.dv8tion.jda.api.utils.messages.MessageEditBuilder;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

/**
 * One message's content, turned into an edit or a new message as needed. Mentions are always off.
 * Files are kept as bytes because a {@link FileUpload} can be sent only once.
 */
record Payload(String content, MessageEmbed embed, List<NamedFile> files, List<Button> buttons) {

  /** A file to attach. */
  record NamedFile(String name, byte[] bytes) {}

  Payload {
    content = Text.safe(content, Text.CONTENT_MAX);
    files = List.copyOf(files);
    buttons = List.copyOf(buttons);
  }

  static Payload text(String content) {
    return new Payload(content, null, List.of(), List.of());
  }

  static Payload text(String content, List<Button> buttons) {
    return new Payload(content, null, List.of(), buttons);
  }

  long fileBytes() {
    long total = 0;
    for (NamedFile f : files) total += f.bytes().length;
    return total;
  }

  MessageEditData toEdit() {
    MessageEditBuilder b = new MessageEditBuilder().setAllowedMentions(List.of());
    b.setContent(content.isEmpty() && embed == null && files.isEmpty() ? "\u200b" : content);
    b.setEmbeds(embed == null ? List.of() : List.of(embed));
    b.setComponents(rows());
    if (!files.isEmpty()) b.setAttachments(uploads());
    return b.build();
  }

  MessageCreateData toCreate() {
    MessageCreateBuilder b = new MessageCreateBuilder().setAllowedMentions(List.of());
    b.setContent(content.isEmpty() ? "\u200b" : content);
    if (embed != null) b.setEmbeds(List.of(embed));
    b.setComponents(rows());
    if (!files.isEmpty()) b.setFiles(uploads());
    return b.build();
  }

  private List<FileUpload> uploads() {
    List<FileUpload> uploads = new ArrayList<>();
    for (NamedFile f : files) uploads.add(FileUpload.fromData(f.bytes(), f.name()));
    return uploads;
  }

  private List<ActionRow> rows() {
    List<ActionRow> rows = new ArrayList<>();
    for (int i = 0; i < buttons.size() && rows.size() < 5; i += 5) {
      rows.add(ActionRow.of(buttons.subList(i, Math.min(i + 5, buttons.size()))));
    }
    return rows;
  }
}
