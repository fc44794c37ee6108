package dev.imaginebot.telegram;

import dev.imaginebot.core.command.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /imagine <prompt> [model]}: replies with a status message first, so the job can name it
 * ({@code replyRef}) and a restarted bot edits the same message; then hands the prompt to the core.
 */
final class ImagineCommand extends CommandHandler {
  private static final Logger log = LoggerFactory.getLogger(ImagineCommand.class);

  ImagineCommand() {
    super("imagine");
  }

  @Override
  void handle(Env env, Incoming in) {
    env.placeholder(in.chatId(), in.messageId())
        .thenAcceptAsync(
            statusId -> {
              try {
                TelegramJobView view = env.editingView(in.chatId(), statusId, in.language());
                Reply reply =
                    env.bot.handle(
                        env.context(
                                in.from(),
                                in.chatId(),
                                in.group(),
                                false,
                                Env.replyRef(in.chatId(), statusId),
                                view)
                            .withCommandKey(in.updateKey()),
                        "imagine",
                        in.args());
                // The job (or the refusal) is stored or shown: the update need not come again.
                env.handled(in.updateKey());
                env.renderInto(in.chatId(), statusId, reply);
              } catch (RuntimeException e) {
                env.fault(in.chatId(), statusId, in.language(), "/imagine", e);
              }
            },
            env.workers)
        .exceptionally(
            e -> {
              // The status message could not be sent (logged by the outbox): nothing can be shown.
              log.debug("imagine in chat {} dropped: {}", in.chatId(), e.toString());
              return null;
            });
  }
}
