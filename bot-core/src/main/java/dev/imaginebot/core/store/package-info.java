/**
 * What the core remembers: jobs, settings, admin-added models, the audit log (plain JDBC over a
 * HikariCP pool, H2 file database by default, schema migrated by Flyway) and the content-addressed
 * image store in the data directory.
 */
package dev.imaginebot.core.store;
