package dev.imaginebot.core;

/**
 * A role that at most one of the bot instances sharing a database plays at a time, such as "the
 * instance that long-polls Telegram" (Telegram answers a second concurrent {@code getUpdates} with
 * 409). Ask for one with {@link Bot#requestRole}: the listener hears when this instance gets it and
 * when it loses it; the instances that did not get it stand by, and one of them gets it when the
 * holder closes it or dies. With the embedded database (one instance) the role is granted at once.
 *
 * <p>Closing gives the role up. The front-end that asked closes it, before the {@link Bot}.
 */
public interface Role extends AutoCloseable {
  /**
   * Told when this instance gets or loses a role: {@code acquired()} and {@code lost()} alternate,
   * starting with {@code acquired()}; a role held when it is closed is {@code lost()} before {@link
   * #close()} returns. Where instances compete (PostgreSQL) the calls come on the role's own
   * thread, which also checks the role, so return quickly; alone, {@code acquired()} comes on the
   * thread asking, before {@link Bot#requestRole} returns.
   */
  interface Listener {
    /** This instance plays the role now. */
    void acquired();

    /**
     * This instance no longer plays the role (closed, or its database connection dropped, after
     * which another instance may have taken it): stop the role's work at once.
     */
    void lost();
  }

  /** The role's name: instances asking for the same name compete for the same role. */
  String name();

  /** True while this instance plays the role. */
  boolean held();

  /** Gives the role up and stops competing for it. */
  @Override
  void close();
}
