package dev.imaginebot.gradio.internal;

import dev.imaginebot.gradio.FileRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Finds files in output values of any shape, resolves their URLs, and applies generator diffs. */
final class Outputs {
  private Outputs() {}

  /**
   * Where relative file URLs point.
   *
   * @param base the app's base URL without trailing slash (may carry a mount path)
   * @param origin scheme, host and port of the base URL
   * @param prefix the API prefix ({@code ""} or {@code "/gradio_api"})
   */
  record Resolver(String base, String origin, String prefix) {
    String resolve(String url, String path) {
      if (url != null && !url.isEmpty()) {
        if (url.startsWith("http://") || url.startsWith("https://") || url.startsWith("data:")) {
          return url;
        }
        if (url.startsWith("//")) return origin.substring(0, origin.indexOf(':') + 1) + url;
        if (url.startsWith("/")) return origin + url;
        return base + "/" + url;
      }
      return base + prefix + "/file=" + encodePath(path);
    }
  }

  /** Every file in {@code data}, in order. */
  static List<FileRef> findFiles(List<Object> data, Resolver resolver) {
    List<FileRef> out = new ArrayList<>();
    for (Object value : data) find(value, null, resolver, out);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void find(Object value, String caption, Resolver r, List<FileRef> out) {
    if (value instanceof String s) {
      if (s.startsWith("data:")) out.add(new FileRef(s, null, null, dataMime(s), caption));
      return;
    }
    if (value instanceof Map<?, ?> raw) {
      Map<String, Object> map = (Map<String, Object>) raw;
      FileRef file = asFile(map, caption, r);
      if (file != null) {
        out.add(file);
        return;
      }
      Object cap = map.get("caption");
      String itemCaption = cap instanceof String c ? c : caption;
      for (Object child : map.values()) {
        if (child != cap) find(child, itemCaption, r, out);
      }
      return;
    }
    if (value instanceof List<?> list) {
      // 3.x galleries: [file, caption] pairs.
      if (list.size() == 2
          && (list.get(1) == null || list.get(1) instanceof String)
          && isFileLike(list.get(0))) {
        find(list.get(0), (String) list.get(1), r, out);
        return;
      }
      for (Object child : list) find(child, caption, r, out);
    }
  }

  private static boolean isFileLike(Object v) {
    if (v instanceof String s) return s.startsWith("data:");
    if (v instanceof Map<?, ?> m) {
      return m.get("path") instanceof String
          || m.get("url") instanceof String
          || (m.get("name") instanceof String && Boolean.TRUE.equals(m.get("is_file")));
    }
    return false;
  }

  private static FileRef asFile(Map<String, Object> map, String caption, Resolver r) {
    Object meta = map.get("meta");
    boolean tagged = meta instanceof Map<?, ?> m && "gradio.FileData".equals(m.get("_type"));
    Object path = map.get("path");
    Object url = map.get("url");
    String mime = map.get("mime_type") instanceof String s ? s : null;
    String orig = map.get("orig_name") instanceof String s ? s : null;
    if (tagged || path instanceof String || url instanceof String) {
      String p = path instanceof String s ? s : null;
      String u = url instanceof String s ? s : null;
      if (p == null && u == null) return null;
      if (u != null && u.startsWith("data:") && mime == null) mime = dataMime(u);
      return new FileRef(r.resolve(u, p), p, orig, mime, caption);
    }
    // 3.x file outputs: {"name": path, "data": null | data-URL, "is_file": true}.
    if (map.get("name") instanceof String name && map.containsKey("is_file")) {
      Object data = map.get("data");
      if (data instanceof String d && d.startsWith("data:")) {
        return new FileRef(d, name, origName(name), dataMime(d), caption);
      }
      if (Boolean.TRUE.equals(map.get("is_file"))) {
        return new FileRef(r.resolve(null, name), name, origName(name), mime, caption);
      }
    }
    return null;
  }

  private static String origName(String path) {
    int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    return path.substring(slash + 1);
  }

  static String dataMime(String dataUrl) {
    int end = dataUrl.indexOf(',');
    if (end < 5) return null;
    String head = dataUrl.substring(5, end);
    int semi = head.indexOf(';');
    String mime = semi >= 0 ? head.substring(0, semi) : head;
    return mime.isEmpty() ? null : mime;
  }

  /** Percent-encodes a server path once, keeping {@code /}. */
  static String encodePath(String path) {
    StringBuilder sb = new StringBuilder();
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '/'
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~'
          || c == ':') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        sb.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  /** Applies one output's list of {@code [action, path, value]} edits to a copy of {@code prev}. */
  static Object applyDiff(Object prev, Object diff) {
    Object target = deepCopy(prev);
    if (!(diff instanceof List<?> edits)) return diff;
    for (Object e : edits) {
      if (!(e instanceof List<?> edit) || edit.size() < 2) {
        throw new IllegalArgumentException("malformed diff edit");
      }
      String action = String.valueOf(edit.get(0));
      List<?> path = edit.get(1) instanceof List<?> l ? l : List.of();
      Object value = edit.size() > 2 ? deepCopy(edit.get(2)) : null;
      target = applyEdit(target, path, action, value);
    }
    return target;
  }

  @SuppressWarnings("unchecked")
  private static Object applyEdit(Object target, List<?> path, String action, Object value) {
    if (path.isEmpty()) {
      if (action.equals("replace")) return value;
      if (action.equals("append")) return append(target, value);
      throw new IllegalArgumentException("diff action " + action + " needs a path");
    }
    Object current = target;
    for (int i = 0; i < path.size() - 1; i++) current = child(current, path.get(i));
    Object last = path.get(path.size() - 1);
    if (current instanceof List<?> raw) {
      List<Object> list = (List<Object>) raw;
      int index = ((Number) toIndex(last)).intValue();
      switch (action) {
        case "replace" -> list.set(index, value);
        case "append" -> list.set(index, append(list.get(index), value));
        case "add" -> list.add(index, value);
        case "delete" -> list.remove(index);
        default -> throw new IllegalArgumentException("unknown diff action " + action);
      }
    } else if (current instanceof Map<?, ?> raw) {
      Map<String, Object> map = (Map<String, Object>) raw;
      String key = String.valueOf(last);
      switch (action) {
        case "replace", "add" -> map.put(key, value);
        case "append" -> map.put(key, append(map.get(key), value));
        case "delete" -> map.remove(key);
        default -> throw new IllegalArgumentException("unknown diff action " + action);
      }
    } else {
      throw new IllegalArgumentException("diff path does not match the value");
    }
    return target;
  }

  private static Object toIndex(Object key) {
    if (key instanceof Number n) return n;
    return Integer.parseInt(String.valueOf(key));
  }

  private static Object child(Object current, Object key) {
    if (current instanceof List<?> list) return list.get(((Number) toIndex(key)).intValue());
    if (current instanceof Map<?, ?> map) return map.get(String.valueOf(key));
    throw new IllegalArgumentException("diff path does not match the value");
  }

  @SuppressWarnings("unchecked")
  private static Object append(Object target, Object value) {
    if (target instanceof String s) return s + (value == null ? "" : value);
    if (target instanceof List<?> l) {
      List<Object> out = new ArrayList<>((List<Object>) l);
      if (value instanceof List<?> more) out.addAll(more);
      else out.add(value);
      return out;
    }
    if (target == null) return value;
    throw new IllegalArgumentException("cannot append to " + target.getClass().getSimpleName());
  }

  @SuppressWarnings("unchecked")
  static Object deepCopy(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put(String.valueOf(e.getKey()), deepCopy(e.getValue()));
      }
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object o : list) out.add(deepCopy(o));
      return out;
    }
    return value;
  }
}
