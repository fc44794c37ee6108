package dev.imaginebot.core.job;

import dev.imaginebot.core.command.Button;
import java.util.List;
import java.util.Objects;

/**
 * What a job's view shows after an event, rendered by the core: the text in the user's language
 * (their {@code /settings language}, as for command replies), the buttons with signed ids and
 * labels, and for a result the images already fitted to the view's {@link PlatformLimits}. A view
 * only puts this on its platform.
 *
 * @param event what happened (for the view to tell progress from an outcome)
 * @param language the language the text is in ({@code "en"}, {@code "zh-CN"})
 * @param text the message text, within {@link PlatformLimits#textMax()}; mentions defused
 * @param caption the text to go with images, within {@link PlatformLimits#captionMax()}
 * @param buttons the buttons to show, in order (empty: remove any)
 * @param images a result's images, fitted (empty for every other event)
 * @param prompt a result's prompt, mentions defused, or null for every other event
 * @param model a result's model alias, mentions defused, or null for every other event
 */
public record JobUpdate(
    JobEvent event,
    String language,
    String text,
    String caption,
    List<Button> buttons,
    List<ImageFile> images,
    String prompt,
    String model) {
  public JobUpdate {
    Objects.requireNonNull(event, "event == null");
    Objects.requireNonNull(language, "language == null");
    Objects.requireNonNull(text, "text == null");
    Objects.requireNonNull(caption, "caption == null");
    buttons = List.copyOf(buttons);
    images = List.copyOf(images);
  }

  /** The job's id (0 for a request refused before a job existed). */
  public long jobId() {
    return event.jobId();
  }

  /** True for the outcome (completed, failed, cancelled). */
  public boolean terminal() {
    return event.terminal();
  }
}
