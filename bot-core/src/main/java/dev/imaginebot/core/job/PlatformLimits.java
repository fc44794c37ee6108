package dev.imaginebot.core.job;

/**
 * What one message on a platform can carry, declared by the front-end with each view ({@link
 * JobView#limits()}) so that the core fits a job's updates before they are sent: text cut on
 * character boundaries, images re-encoded or scaled down, never a request the platform refuses.
 *
 * @param textMax most characters (UTF-16 units) in a message's text
 * @param captionMax most characters in the text that goes with images (a Telegram caption)
 * @param fileMax most bytes in one file
 * @param messageMax most bytes of files in one message (one request)
 * @param filesMax most files in one message
 */
public record PlatformLimits(
    int textMax, int captionMax, long fileMax, long messageMax, int filesMax) {

  /** No limits (a console, tests). */
  public static final PlatformLimits NONE =
      new PlatformLimits(
          Integer.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);

  public PlatformLimits {
    if (textMax < 2 || captionMax < 2) throw new IllegalArgumentException("text limit < 2");
    if (fileMax < 1 || messageMax < 1 || filesMax < 1) {
      throw new IllegalArgumentException("file limits must be positive");
    }
  }

  /** The most bytes each of {@code files} files may have so that all fit in one message. */
  public long perFile(int files) {
    if (files <= 1) return Math.min(fileMax, messageMax);
    return Math.min(fileMax, messageMax / files);
  }
}
