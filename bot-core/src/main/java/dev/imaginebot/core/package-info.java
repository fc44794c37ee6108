/**
 * The shared core of imagine-bot: {@link dev.imaginebot.core.Bot} is the one facade front-ends use.
 * No Discord or Telegram types appear here.
 */
package dev.imaginebot.core;
