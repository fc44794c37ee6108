package dev.imaginebot.telegram;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import kotlin.jvm.functions.Function0;
import kotlin.reflect.KClass;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.EventListener;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Timeout;

/**
 * The HTTP client TelegramBots polls with. When the front-end closes it cancels the {@code
 * getUpdates} the server is holding (else closing would wait up to the poll timeout); this client
 * turns that cancellation into an empty answer, so TelegramBots does not log it as an error.
 */
final class QuietPollingClient extends OkHttpClient {
  private static final String NO_UPDATES = "{\"ok\":true,\"result\":[]}";

  private final BooleanSupplier closing;

  QuietPollingClient(OkHttpClient.Builder builder, BooleanSupplier closing) {
    super(builder);
    this.closing = closing;
  }

  @Override
  public Call newCall(Request request) {
    return new QuietCall(super.newCall(request));
  }

  private final class QuietCall implements Call {
    private final Call delegate;

    QuietCall(Call delegate) {
      this.delegate = delegate;
    }

    @Override
    public Response execute() throws IOException {
      try {
        return delegate.execute();
      } catch (IOException e) {
        if (!closing.getAsBoolean()) throw e;
        return new Response.Builder()
            .request(delegate.request())
            .protocol(Protocol.HTTP_1_1)
            .code(200)
            .message("OK")
            .body(ResponseBody.create(NO_UPDATES, MediaType.get("application/json")))
            .build();
      }
    }

    @Override
    public Request request() {
      return delegate.request();
    }

    @Override
    public void enqueue(Callback callback) {
      delegate.enqueue(callback);
    }

    @Override
    public void cancel() {
      delegate.cancel();
    }

    @Override
    public boolean isExecuted() {
      return delegate.isExecuted();
    }

    @Override
    public boolean isCanceled() {
      return delegate.isCanceled();
    }

    @Override
    public Timeout timeout() {
      return delegate.timeout();
    }

    @Override
    public void addEventListener(EventListener eventListener) {
      delegate.addEventListener(eventListener);
    }

    @Override
    public <T> T tag(KClass<T> type) {
      return delegate.tag(type);
    }

    @Override
    public <T> T tag(Class<? extends T> type) {
      return delegate.tag(type);
    }

    @Override
    public <T> T tag(KClass<T> type, Function0<? extends T> computeIfAbsent) {
      return delegate.tag(type, computeIfAbsent);
    }

    @Override
    public <T> T tag(Class<T> type, Function0<? extends T> computeIfAbsent) {
      return delegate.tag(type, computeIfAbsent);
    }

    @Override
    public Call clone() {
      return new QuietCall(delegate.clone());
    }
  }
}
