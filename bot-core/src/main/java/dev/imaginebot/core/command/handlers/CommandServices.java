package dev.imaginebot.core.command.handlers;

import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.engine.JobEngine;
import dev.imaginebot.core.i18n.Messages;
import dev.imaginebot.core.model.ModelRegistry;
import dev.imaginebot.core.render.JobRenderer;
import dev.imaginebot.core.store.AuditLog;
import dev.imaginebot.core.store.JobStore;
import dev.imaginebot.core.store.ModelStore;
import dev.imaginebot.core.store.SettingsStore;
import java.util.Objects;

/** What the commands work with. */
public record CommandServices(
    CoreConfig config,
    Messages messages,
    ModelRegistry registry,
    JobEngine engine,
    JobStore jobs,
    SettingsStore settings,
    ModelStore modelStore,
    AuditLog audit,
    JobRenderer renderer) {
  public CommandServices {
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(messages, "messages == null");
    Objects.requireNonNull(registry, "registry == null");
    Objects.requireNonNull(engine, "engine == null");
    Objects.requireNonNull(jobs, "jobs == null");
    Objects.requireNonNull(settings, "settings == null");
    Objects.requireNonNull(modelStore, "modelStore == null");
    Objects.requireNonNull(audit, "audit == null");
    Objects.requireNonNull(renderer, "renderer == null");
  }
}
