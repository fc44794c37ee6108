package dev.imaginebot.core.store;

/** A database or file-system fault in the store: not something a user can fix. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A fault with its cause. */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
