package dev.imaginebot.telegram;

import dev.imaginebot.core.job.ImageFile;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.telegram.telegrambots.meta.api.methods.send.SendDocument;
import org.telegram.telegrambots.meta.api.methods.send.SendMediaGroup;
import org.telegram.telegrambots.meta.api.methods.send.SendPhoto;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.media.InputMedia;
import org.telegram.telegrambots.meta.api.objects.media.InputMediaPhoto;
import org.telegram.telegrambots.meta.api.objects.message.Message;

/**
 * Plans how a job's images go out and queues the uploads: one image as a photo, several as albums
 * of 2 to 10, anything Telegram will not take as a photo (over 10 MB, which the core's fitting
 * leaves only when it could not shrink an image, or outside the dimension rules) as a document. A
 * photo Telegram still rejects is sent again as a document.
 */
final class ImagesStep extends Step {
  static final long PHOTO_MAX_BYTES = 10L * 1000 * 1000;
  static final int PHOTO_MAX_SIDES = 10_000;
  static final int PHOTO_MAX_ASPECT = 20;
  static final int ALBUM_MAX = 10;

  private final long chatId;
  private final CompletableFuture<Integer> replyToFuture;
  private Integer replyTo;
  private final List<ImageFile> images;
  private final String caption;
  private final Consumer<Integer> sent;
  private final Consumer<ApiFailure> lost;

  /**
   * @param sent told the id of every message that carries an image (for a later delete)
   * @param lost told when an image could not be sent at all
   */
  ImagesStep(
      long chatId,
      CompletableFuture<Integer> replyTo,
      List<ImageFile> images,
      String caption,
      Consumer<Integer> sent,
      Consumer<ApiFailure> lost) {
    this.chatId = chatId;
    this.replyToFuture = replyTo;
    this.images = List.copyOf(images);
    this.caption = Texts.caption(caption);
    this.sent = sent;
    this.lost = lost;
  }

  @Override
  String method() {
    return "sendImages";
  }

  @Override
  List<Step> run(TelegramApi api) {
    replyTo = replyToFuture.isCompletedExceptionally() ? null : replyToFuture.getNow(null);
    List<Upload> photos = new ArrayList<>();
    List<Upload> documents = new ArrayList<>();
    for (ImageFile image : images) {
      Upload upload = new Upload(image.name(), image.bytes());
      if (dimensionsFitPhoto(image.width(), image.height())
          && image.bytes().length <= PHOTO_MAX_BYTES) {
        photos.add(upload);
      } else {
        documents.add(upload);
      }
    }
    List<Step> steps = new ArrayList<>();
    String pendingCaption = caption;
    for (int from = 0; from < photos.size(); from += ALBUM_MAX) {
      List<Upload> chunk = photos.subList(from, Math.min(photos.size(), from + ALBUM_MAX));
      steps.add(
          chunk.size() == 1
              ? new SingleStep(chunk.get(0), pendingCaption, true)
              : new AlbumStep(List.copyOf(chunk), pendingCaption));
      pendingCaption = null;
    }
    for (Upload document : documents) {
      steps.add(document(document, pendingCaption));
      pendingCaption = null;
    }
    return steps;
  }

  static boolean dimensionsFitPhoto(int w, int h) {
    if (w <= 0 || h <= 0) return true; // unknown: let Telegram judge, a rejection falls back
    return w + h <= PHOTO_MAX_SIDES && Math.max(w, h) <= (long) PHOTO_MAX_ASPECT * Math.min(w, h);
  }

  private Step document(Upload upload, String caption) {
    return new SingleStep(upload, caption, false);
  }

  /** One file to upload, named by the core to match its bytes. */
  private record Upload(String name, byte[] data) {
    InputFile inputFile() {
      return new InputFile(new ByteArrayInputStream(data), name);
    }

    InputMediaPhoto media(String caption) {
      InputMediaPhoto m = new InputMediaPhoto(new ByteArrayInputStream(data), name);
      m.setCaption(caption);
      return m;
    }
  }

  private final class AlbumStep extends Step {
    private final List<Upload> uploads;
    private final String caption;

    AlbumStep(List<Upload> uploads, String caption) {
      this.uploads = uploads;
      this.caption = caption;
    }

    @Override
    String method() {
      return SendMediaGroup.PATH;
    }

    @Override
    List<Step> run(TelegramApi api) {
      List<InputMedia> media = new ArrayList<>();
      for (int i = 0; i < uploads.size(); i++) {
        media.add(uploads.get(i).media(i == 0 ? caption : null));
      }
      List<Message> messages =
          api.sendMediaGroup(
              SendMediaGroup.builder()
                  .chatId(chatId)
                  .medias(media)
                  .replyParameters(Steps.replyTo(replyTo))
                  .build());
      for (Message m : messages) sent.accept(m.getMessageId());
      return List.of();
    }

    @Override
    List<Step> failed(ApiFailure failure) {
      if (!failure.photoRejected()) {
        lost.accept(failure);
        return List.of();
      }
      List<Step> documents = new ArrayList<>();
      for (int i = 0; i < uploads.size(); i++) {
        documents.add(document(uploads.get(i), i == 0 ? caption : null));
      }
      return documents;
    }
  }

  /** One file sent alone, as a photo (falls back to a document if rejected) or as a document. */
  private final class SingleStep extends Step {
    private final Upload upload;
    private final String caption;
    private final boolean asPhoto;

    SingleStep(Upload upload, String caption, boolean asPhoto) {
      this.upload = upload;
      this.caption = caption;
      this.asPhoto = asPhoto;
    }

    @Override
    String method() {
      return asPhoto ? SendPhoto.PATH : SendDocument.PATH;
    }

    @Override
    List<Step> run(TelegramApi api) {
      Message m =
          asPhoto
              ? api.sendPhoto(
                  SendPhoto.builder()
                      .chatId(chatId)
                      .photo(upload.inputFile())
                      .caption(caption)
                      .replyParameters(Steps.replyTo(replyTo))
                      .build())
              : api.sendDocument(
                  SendDocument.builder()
                      .chatId(chatId)
                      .document(upload.inputFile())
                      .caption(caption)
                      .replyParameters(Steps.replyTo(replyTo))
                      .build());
      sent.accept(m.getMessageId());
      return List.of();
    }

    @Override
    List<Step> failed(ApiFailure failure) {
      if (asPhoto && failure.photoRejected()) return List.of(document(upload, caption));
      lost.accept(failure);
      return List.of();
    }
  }
}
