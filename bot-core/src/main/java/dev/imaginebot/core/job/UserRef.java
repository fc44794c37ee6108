package dev.imaginebot.core.job;

import java.util.Objects;

/**
 * A user of some platform.
 *
 * @param platform {@code "discord"}, {@code "telegram"} or {@code "console"}
 * @param id the platform's user id
 * @param name a display name (never used as a mention)
 * @param language the platform locale's language tag ({@code "zh-CN"}, {@code "en"}), or null
 */
public record UserRef(String platform, String id, String name, String language) {
  public UserRef {
    Objects.requireNonNull(platform, "platform == null");
    Objects.requireNonNull(id, "id == null");
  }

  /** {@code platform:id}, the key the core stores the user under. */
  public String key() {
    return platform + ":" + id;
  }
}
