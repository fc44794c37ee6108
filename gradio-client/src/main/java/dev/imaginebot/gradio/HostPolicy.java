package dev.imaginebot.gradio;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * Which hosts a client may talk to. Immutable; pass one in {@link
 * GradioOptions.Builder#hostPolicy}. The client applies it to the app it connects to, to every
 * request and every redirect hop, and to every address a name resolves to.
 *
 * <ul>
 *   <li>{@link #open()} (the default) is for a caller who picked the app: the URL given to {@code
 *       connect} and the host the Hub names for a Space id are trusted; any other host must be a
 *       name or address on the public internet.
 *   <li>{@link #strict()} is for a service that takes app names from its users: only Space ids,
 *       {@code https://*.hf.space} and the Hub; anything else only when {@linkplain #allowing
 *       allowed}.
 * </ul>
 *
 * <p>Both refuse URLs with credentials in them ({@code http://a:b@host/}), IPv4 hosts in anything
 * but plain dotted decimal ({@code 2130706441}, {@code 0177.0.0.1}, {@code 0x7f.1}), and loopback,
 * private, link-local, unique-local, unspecified, multicast and other special-purpose addresses
 * (also inside IPv4-mapped, 6to4 and NAT64 IPv6 forms), unless the host is allowed.
 */
public final class HostPolicy {
  private static final Pattern SPACE_ID = Pattern.compile("^[\\w\\-.]+/[\\w\\-.]+$");
  private static final Pattern NUMERIC_LABEL = Pattern.compile("^(\\d+|0[xX][0-9a-fA-F]*)$");
  private static final Pattern DOTTED_QUAD =
      Pattern.compile(
          "^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$");
  private static final Pattern PATH_SEGMENT = Pattern.compile("[A-Za-z0-9._~\\-]+");
  private static final Pattern HOST_PORT =
      Pattern.compile("^(\\[[0-9a-fA-F:.]+\\]|[^:\\[\\]]+):(\\d{1,5})$");

  private final boolean strict;
  private final List<Allowed> allowed;

  private HostPolicy(boolean strict, List<Allowed> allowed) {
    this.strict = strict;
    this.allowed = List.copyOf(allowed);
  }

  /** The default: the app the caller names is trusted, other hosts must be public. */
  public static HostPolicy open() {
    return new HostPolicy(false, List.of());
  }

  /**
   * Space ids, {@code https://*.hf.space} and the Hub only, plus what is {@linkplain #allowing
   * allowed}.
   */
  public static HostPolicy strict() {
    return new HostPolicy(true, List.of());
  }

  /**
   * This policy, also allowing {@code entries}: URLs ({@code http://10.0.0.5:7860/}: that scheme,
   * host and port), {@code host:port}, hosts ({@code gradio.lan}: any scheme and port) or {@code
   * *.example.org} (its subdomains). An allowed host is reached whatever its address. Space ids
   * ({@code owner/name}) are always allowed and are skipped here.
   *
   * @throws IllegalArgumentException for an entry that is none of these
   */
  public HostPolicy allowing(Collection<String> entries) {
    Objects.requireNonNull(entries, "entries == null");
    List<Allowed> next = new ArrayList<>(allowed);
    for (String entry : entries) {
      Allowed a = Allowed.parse(Objects.requireNonNull(entry, "entry == null").trim());
      if (a != null) next.add(a);
    }
    return new HostPolicy(strict, next);
  }

  /** Whether this is the {@link #strict()} kind. */
  public boolean isStrict() {
    return strict;
  }

  /**
   * Why {@code target} (a Space id or an http(s) URL, as given to {@code connect}, or any request
   * URL) may not be reached, or empty when it may. Makes no request and resolves no name: names are
   * checked again as they resolve.
   */
  public Optional<String> refusal(String target) {
    Objects.requireNonNull(target, "target == null");
    String t = target.trim();
    String lower = t.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      return SPACE_ID.matcher(t).matches()
          ? Optional.empty()
          : Optional.of("neither a Space id (owner/name) nor an http(s) URL");
    }
    HttpUrl url = HttpUrl.parse(t);
    if (url == null) return Optional.of("not a valid URL");
    if (!url.username().isEmpty() || !url.password().isEmpty()) {
      return Optional.of("the URL carries credentials");
    }
    String host = normalize(url.host());
    if (isAllowed(url.scheme(), host, url.port())) return Optional.empty();
    if (host.isEmpty()) return Optional.of("the URL has no host");
    Optional<InetAddress> literal;
    try {
      literal = literal(host);
    } catch (UnknownHostException e) {
      return Optional.of("the host is a number in a non-standard form");
    }
    if (literal.isPresent() && isSpecial(literal.get())) {
      return Optional.of("the host is a loopback, private or special-purpose address");
    }
    if (host.equals("localhost") || host.endsWith(".localhost")) {
      return Optional.of("the host is this machine");
    }
    if (strict) {
      boolean space =
          url.scheme().equals("https") && url.port() == 443 && host.endsWith(".hf.space");
      if (!space) return Optional.of("the host is not a Hugging Face Space and is not allowed");
    }
    return Optional.empty();
  }

  /**
   * Why {@code host} may not be reached at {@code address} (what it resolved to), or empty when it
   * may: an allowed host may be anywhere, any other only on a public address.
   */
  public Optional<String> refusal(String host, InetAddress address) {
    Objects.requireNonNull(address, "address == null");
    String h = normalize(Objects.requireNonNull(host, "host == null"));
    for (Allowed a : allowed) if (a.matchesHost(h)) return Optional.empty();
    return isSpecial(address)
        ? Optional.of("the host resolves to a loopback, private or special-purpose address")
        : Optional.empty();
  }

  /**
   * Whether {@code path} (an {@code api_prefix} from an app's config) is a plain absolute path that
   * can be appended to a base URL without changing its host, port or scheme: {@code /seg/seg}
   * segments of letters, digits and {@code . _ ~ -}, no {@code .} or {@code ..} segment. Empty is
   * plain.
   */
  public static boolean isPlainPath(String path) {
    if (path == null || path.isEmpty() || path.equals("/")) return true;
    if (!path.startsWith("/")) return false;
    String[] segments = path.substring(1).split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      if (s.isEmpty() && i == segments.length - 1 && i > 0) continue;
      if (!PATH_SEGMENT.matcher(s).matches() || s.equals(".") || s.equals("..")) return false;
    }
    return true;
  }

  /**
   * Whether an address is one a public service should not be sent to: unspecified, loopback,
   * private, shared (CGNAT), link-local, unique-local, multicast, documentation, benchmark,
   * reserved or broadcast, directly or embedded in an IPv6 form.
   */
  public static boolean isSpecial(InetAddress address) {
    if (address.isAnyLocalAddress()
        || address.isLoopbackAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isMulticastAddress()) {
      return true;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) return isSpecialV4(b);
    if (address instanceof Inet6Address) return isSpecialV6(b);
    return true;
  }

  private static boolean isSpecialV4(byte[] b) {
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    int a2 = b[2] & 0xff;
    return a0 == 0 // "this network"
        || a0 == 10
        || a0 == 127
        || (a0 == 100 && a1 >= 64 && a1 <= 127) // shared address space
        || (a0 == 169 && a1 == 254)
        || (a0 == 172 && a1 >= 16 && a1 <= 31)
        || (a0 == 192 && a1 == 168)
        || (a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2)) // IETF protocol, TEST-NET-1
        || (a0 == 192 && a1 == 88 && a2 == 99) // 6to4 relay
        || (a0 == 198 && (a1 == 18 || a1 == 19)) // benchmarking
        || (a0 == 198 && a1 == 51 && a2 == 100) // TEST-NET-2
        || (a0 == 203 && a1 == 0 && a2 == 113) // TEST-NET-3
        || a0 >= 224; // multicast, reserved, broadcast
  }

  private static boolean isSpecialV6(byte[] b) {
    boolean zeroHead = true;
    for (int i = 0; i < 10; i++) zeroHead &= b[i] == 0;
    if (zeroHead && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return isSpecialV4(new byte[] {b[12], b[13], b[14], b[15]}); // IPv4-mapped
    }
    if (zeroHead && b[10] == 0 && b[11] == 0) return true; // ::, ::1, IPv4-compatible
    int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    if ((w0 & 0xfe00) == 0xfc00) return true; // unique local fc00::/7
    if ((w0 & 0xffc0) == 0xfe80 || (w0 & 0xffc0) == 0xfec0) return true; // link/site local
    if ((w0 & 0xff00) == 0xff00) return true; // multicast
    if (w0 == 0x2001 && w1 == 0x0db8) return true; // documentation
    if (w0 == 0x2001 && w1 < 0x0200) return true; // Teredo, benchmarking, ORCHID, IETF
    if (w0 == 0x2002) return isSpecialV4(new byte[] {b[2], b[3], b[4], b[5]}); // 6to4
    if (w0 == 0x0064 && w1 == 0xff9b) return true; // NAT64: reaches whatever v4 is embedded
    return w0 == 0x0100 && w1 == 0; // discard-only
  }

  private boolean isAllowed(String scheme, String host, int port) {
    for (Allowed a : allowed) if (a.matches(scheme, host, port)) return true;
    return false;
  }

  /** The address a host literal names, empty for a name; throws for an ambiguous number. */
  private static Optional<InetAddress> literal(String host) throws UnknownHostException {
    if (host.contains(":")) return Optional.of(InetAddress.getByName(host));
    String last = host.substring(host.lastIndexOf('.') + 1);
    if (!NUMERIC_LABEL.matcher(last).matches()) return Optional.empty();
    // Resolvers read 127.1, 2130706441 and 0177.0.0.1 in ways that differ: take only the plain
    // form.
    if (!DOTTED_QUAD.matcher(host).matches()) throw new UnknownHostException(host);
    String[] parts = host.split("\\.");
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) b[i] = (byte) Integer.parseInt(parts[i]);
    return Optional.of(InetAddress.getByAddress(b));
  }

  private static String normalize(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
    while (h.endsWith(".")) h = h.substring(0, h.length() - 1);
    return h;
  }

  @Override
  public String toString() {
    return (strict ? "HostPolicy.strict" : "HostPolicy.open") + allowed;
  }

  /** One allow-list entry; null fields match anything. */
  private record Allowed(String scheme, String host, boolean subdomains, Integer port) {
    static Allowed parse(String entry) {
      if (entry.isEmpty()) throw new IllegalArgumentException("empty host entry");
      if (entry.contains("://")) {
        HttpUrl url = HttpUrl.parse(entry);
        if (url == null || !url.username().isEmpty() || !url.password().isEmpty()) {
          throw new IllegalArgumentException("not a usable URL: " + entry);
        }
        return new Allowed(url.scheme(), normalize(url.host()), false, url.port());
      }
      if (SPACE_ID.matcher(entry).matches()) return null;
      if (entry.startsWith("*.")) {
        String suffix = normalize(entry.substring(2));
        if (suffix.isEmpty() || suffix.contains("/")) {
          throw new IllegalArgumentException("not a usable host pattern: " + entry);
        }
        return new Allowed(null, suffix, true, null);
      }
      var hostPort = HOST_PORT.matcher(entry);
      String host = entry;
      Integer port = null;
      if (hostPort.matches()) {
        host = hostPort.group(1);
        port = Integer.parseInt(hostPort.group(2));
      }
      HttpUrl url = HttpUrl.parse("http://" + host + "/");
      if (url == null || entry.contains("/") || entry.contains("@")) {
        throw new IllegalArgumentException("not a usable host: " + entry);
      }
      return new Allowed(null, normalize(url.host()), false, port);
    }

    boolean matchesHost(String h) {
      return subdomains ? h.endsWith("." + host) : h.equals(host);
    }

    boolean matches(String s, String h, int p) {
      return (scheme == null || scheme.equals(s)) && (port == null || port == p) && matchesHost(h);
    }

    @Override
    public String toString() {
      return (scheme == null ? "" : scheme + "://")
          + (subdomains ? "*." : "")
          + host
          + (port == null ? "" : ":" + port);
    }
  }
}
