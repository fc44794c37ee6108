package dev.imaginebot.gradio.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.FileRef;
import dev.imaginebot.gradio.GradioException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files to and from one app: turns file inputs into what its protocol takes (uploaded file data, or
 * inline data URLs for 3.x), uploads, and downloads under the {@link HostRules}' download rule, a
 * size cap and an overall time cap, following each redirect itself.
 */
final class FileTransfer {
  private static final Logger log = LoggerFactory.getLogger(FileTransfer.class);

  private final HttpTransport http;
  private final HostRules rules;
  private final ClientSettings settings;
  private final String base;
  private final String origin;

  /**
   * @param base the app's base URL, without a trailing slash
   * @param origin the app's origin
   */
  FileTransfer(
      HttpTransport http, HostRules rules, ClientSettings settings, String base, String origin) {
    this.http = http;
    this.rules = rules;
    this.settings = settings;
    this.base = base;
    this.origin = origin;
  }

  /** Turns Paths and FileRefs, also inside lists and maps, into what the app's protocol expects. */
  Object prepare(Object value, AppModel m) {
    boolean inline = m.protocol.filesInline();
    if (value instanceof Path p) {
      return inline ? dataUrl(p) : fileData(upload(p, m));
    }
    if (value instanceof FileRef f) {
      if (!inline) return fileData(f);
      if (f.url().startsWith("data:")) return f.url();
      byte[] bytes = download(f, settings.maxDownloadBytes());
      String mime = f.mimeType() != null ? f.mimeType() : "application/octet-stream";
      return "data:" + mime + ";base64," + Base64.getEncoder().encodeToString(bytes);
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object o : list) out.add(prepare(o, m));
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet())
        out.put(String.valueOf(e.getKey()), prepare(e.getValue(), m));
      return out;
    }
    return value;
  }

  private static Map<String, Object> fileData(FileRef f) {
    Map<String, Object> out = new LinkedHashMap<>();
    boolean remote = f.url().startsWith("http://") || f.url().startsWith("https://");
    out.put("path", f.path() != null ? f.path() : f.url());
    if (f.path() == null || remote && f.path() == null) out.put("url", f.url());
    if (f.origName() != null) out.put("orig_name", f.origName());
    if (f.mimeType() != null) out.put("mime_type", f.mimeType());
    out.put("meta", Map.of("_type", "gradio.FileData"));
    return out;
  }

  private static String dataUrl(Path p) {
    try {
      byte[] bytes = Files.readAllBytes(p);
      return "data:" + mimeOf(p) + ";base64," + Base64.getEncoder().encodeToString(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + p, e);
    }
  }

  private static String mimeOf(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".png")) return "image/png";
    if (name.endsWith(".jpg") || name.endsWith(".jpeg")) return "image/jpeg";
    if (name.endsWith(".webp")) return "image/webp";
    if (name.endsWith(".gif")) return "image/gif";
    try {
      String probed = Files.probeContentType(p);
      if (probed != null) return probed;
    } catch (IOException e) {
      log.debug("no content type for {}", p);
    }
    return "application/octet-stream";
  }

  /** Uploads a local file; for 3.x apps the file travels inline as a data URL instead. */
  FileRef upload(Path file, AppModel m) {
    Objects.requireNonNull(file, "file == null");
    String name = file.getFileName().toString();
    String mime = mimeOf(file);
    if (m.protocol.filesInline()) return new FileRef(dataUrl(file), null, name, mime, null);
    RequestBody body =
        new MultipartBody.Builder()
            .setType(MultipartBody.FORM)
            .addFormDataPart(
                "files", name, RequestBody.create(file.toFile(), MediaType.parse(mime)))
            .build();
    Request request = new Request.Builder().url(base + m.prefix + "/upload").post(body).build();
    try (Response r = http.execute(request)) {
      String text = r.body().string();
      if (!r.isSuccessful()) {
        log.debug("upload answered HTTP {}: {}", r.code(), text);
        if (r.code() == 413) {
          throw Failures.exception(
              FailureCode.FILE_REJECTED, "The app refused the file: it is too large.");
        }
        throw http.failure(r, text, "upload");
      }
      JsonNode paths = Json.parse(text);
      if (!paths.isArray() || paths.size() == 0 || !paths.get(0).isTextual()) {
        throw Failures.exception(
            FailureCode.PROTOCOL_ERROR, "The app's upload answer is unreadable.");
      }
      String path = paths.get(0).textValue();
      Outputs.Resolver resolver = new Outputs.Resolver(base, origin, m.prefix);
      return new FileRef(resolver.resolve(null, path), path, name, mime, null);
    } catch (IOException e) {
      throw new GradioException(
          Failure.of(FailureCode.CONNECTION_LOST, "Could not upload the file to the app."), e);
    }
  }

  /**
   * Downloads a file the download rule allows, at most {@code maxBytes}, within the settings'
   * download timeout in all.
   */
  byte[] download(FileRef file, long maxBytes) {
    Objects.requireNonNull(file, "file == null");
    String url = file.url();
    if (url.startsWith("data:")) return decodeDataUrl(url, maxBytes);
    long deadline = System.nanoTime() + settings.downloadTimeout().toNanos();
    for (int hop = 0; hop < HttpTransport.MAX_REDIRECTS; hop++) {
      HttpUrl parsed = HttpUrl.parse(url);
      if (parsed == null || !rules.mayDownload(parsed)) {
        log.debug("refused file URL {}", url);
        throw Failures.exception(
            FailureCode.FILE_REJECTED,
            "The file is not hosted by the app, so it was not downloaded.");
      }
      Call call = http.newFileCall(http.get(url).build());
      long left = deadline - System.nanoTime();
      if (left <= 0) throw downloadTimedOut();
      call.timeout().timeout(left, TimeUnit.NANOSECONDS);
      try (Response r = call.execute()) {
        if (r.isRedirect()) {
          String location = r.header("Location");
          HttpUrl next = location == null ? null : parsed.resolve(location);
          if (next == null) break;
          url = next.toString();
          continue;
        }
        if (!r.isSuccessful()) {
          log.debug("file GET {} answered HTTP {}", url, r.code());
          if (r.code() == 401 || r.code() == 403) throw http.failure(r, "", "file");
          throw Failures.exception(
              r.code() == 404 ? FailureCode.FILE_REJECTED : FailureCode.CONNECTION_LOST,
              "The app could not deliver the file (HTTP " + r.code() + ").");
        }
        long declared = r.body().contentLength();
        if (declared > maxBytes) throw tooLarge(maxBytes);
        return readCapped(r.body().byteStream(), maxBytes);
      } catch (IOException e) {
        if (HttpTransport.refusalIn(e) != null) {
          log.debug("refused file host", e);
          throw Failures.exception(
              FailureCode.FILE_REJECTED,
              "The file's host is not allowed, so it was not downloaded.");
        }
        if (e instanceof InterruptedIOException && deadline - System.nanoTime() <= 0) {
          throw downloadTimedOut();
        }
        throw new GradioException(
            Failure.of(FailureCode.CONNECTION_LOST, "The file download was interrupted."), e);
      }
    }
    throw Failures.exception(FailureCode.FILE_REJECTED, "The file URL redirects too often.");
  }

  private GradioException downloadTimedOut() {
    return Failures.exception(
        FailureCode.TIMEOUT,
        "The file download took longer than " + Connection.human(settings.downloadTimeout()) + ".");
  }

  private static GradioException tooLarge(long maxBytes) {
    return Failures.exception(
        FailureCode.FILE_REJECTED, "The file is larger than " + maxBytes + " bytes.");
  }

  private static byte[] readCapped(InputStream in, long maxBytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[16 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) != -1) {
      total += n;
      if (total > maxBytes) throw tooLarge(maxBytes);
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  /** The bytes of a {@code data:} URL, at most {@code maxBytes}. */
  static byte[] decodeDataUrl(String url, long maxBytes) {
    int comma = url.indexOf(',');
    if (comma < 0)
      throw Failures.exception(FailureCode.FILE_REJECTED, "The data URI is malformed.");
    String head = url.substring(5, comma);
    String payload = url.substring(comma + 1);
    byte[] bytes;
    if (head.endsWith(";base64")) {
      // Base64 expands 3 bytes to 4 characters: check before decoding.
      if ((payload.length() / 4L) * 3 > maxBytes + 3) throw tooLarge(maxBytes);
      try {
        bytes = Base64.getMimeDecoder().decode(payload);
      } catch (IllegalArgumentException e) {
        throw Failures.exception(FailureCode.FILE_REJECTED, "The data URI is malformed.");
      }
    } else {
      if (payload.length() > maxBytes * 3) throw tooLarge(maxBytes);
      bytes =
          URLDecoder.decode(payload.replace("+", "%2B"), StandardCharsets.UTF_8)
              .getBytes(StandardCharsets.UTF_8);
    }
    if (bytes.length > maxBytes) throw tooLarge(maxBytes);
    return bytes;
  }
}
