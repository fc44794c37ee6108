package dev.imaginebot.gradio.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;

/** Cookies for one client only: sticky-replica and login cookies, never shared between apps. */
final class MemoryCookieJar implements CookieJar {
  private final List<Cookie> cookies = new ArrayList<>();

  @Override
  public synchronized void saveFromResponse(HttpUrl url, List<Cookie> received) {
    for (Cookie c : received) {
      cookies.removeIf(
          old ->
              old.name().equals(c.name())
                  && old.domain().equals(c.domain())
                  && old.path().equals(c.path()));
      if (c.expiresAt() > System.currentTimeMillis()) cookies.add(c);
    }
  }

  @Override
  public synchronized List<Cookie> loadForRequest(HttpUrl url) {
    List<Cookie> out = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (Iterator<Cookie> it = cookies.iterator(); it.hasNext(); ) {
      Cookie c = it.next();
      if (c.expiresAt() <= now) it.remove();
      else if (c.matches(url)) out.add(c);
    }
    return out;
  }
}
