package dev.imaginebot.core.store;

import java.time.Instant;

/**
 * One admin action.
 *
 * @param id increasing with time
 * @param at when (UTC)
 * @param actorKey who ({@code platform:id})
 * @param action what, for example {@code "addmodel"}
 * @param detail free text, or null
 */
public record AuditEntry(long id, Instant at, String actorKey, String action, String detail) {}
