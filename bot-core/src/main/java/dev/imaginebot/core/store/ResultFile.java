package dev.imaginebot.core.store;

import java.util.Objects;

/**
 * An output file a Space reported for a job, stored as soon as the Space finished so that a restart
 * downloads it instead of running the job again.
 *
 * @param url where to download it
 * @param path the Space's server-side path, or null
 * @param mimeType the declared type, or null
 */
public record ResultFile(String url, String path, String mimeType) {
  public ResultFile {
    Objects.requireNonNull(url, "url == null");
  }
}
