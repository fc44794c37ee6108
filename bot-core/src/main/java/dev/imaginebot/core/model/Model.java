package dev.imaginebot.core.model;

import java.util.List;

/**
 * A model users can name, with its backends in order of preference.
 *
 * @param alias what users type
 * @param displayName what users see
 * @param backends preferred first
 * @param configured true when it comes from the configuration (not added by an admin)
 */
public record Model(String alias, String displayName, List<Backend> backends, boolean configured) {
  public Model {
    backends = List.copyOf(backends);
  }
}
