package dev.imaginebot.gradio.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imaginebot.gradio.Failure;
import dev.imaginebot.gradio.FailureCode;
import java.io.IOException;
import java.util.List;
import okhttp3.Call;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A non-queued call: {@code POST run/{name}}, answered with the whole result. */
final class RunDriver implements Driver {
  private static final Logger log = LoggerFactory.getLogger(RunDriver.class);
  private final Connection conn;
  private volatile Call call;

  /** A driver for one job. */
  RunDriver(Connection conn) {
    this.conn = conn;
  }

  @Override
  public void start(JobImpl job, List<Object> data, AppModel model) {
    ObjectNode body = Json.object();
    body.set("data", Json.tree(data));
    body.put("fn_index", job.spec.fnIndex());
    body.put("session_hash", job.sessionHash);
    String name = job.spec.apiName() != null ? job.spec.apiName() : "predict";
    Call call =
        conn.http()
            .newCall(
                conn.http().post(conn.base() + model.prefix + "/run/" + name, body).build(),
                conn.settings().deadline());
    this.call = call;
    try (Response r = call.execute()) {
      String text = r.body().string();
      job.touch();
      if (r.isSuccessful() || r.code() == 500) {
        JsonNode answer;
        try {
          answer = Json.parse(text);
        } catch (IOException e) {
          log.debug("run answer unreadable: HTTP {} {}", r.code(), text);
          if (r.code() == 500) {
            job.fail(
                Failure.of(FailureCode.APP_ERROR, "The app raised an error without a message."));
          } else {
            job.fail(Failure.of(FailureCode.PROTOCOL_ERROR, "The app's answer is unreadable."));
          }
          return;
        }
        ObjectNode msg = Json.object();
        msg.put("msg", "process_completed");
        msg.put("success", r.isSuccessful() && !answer.hasNonNull("error"));
        if (!r.isSuccessful() && !answer.has("error")) {
          ObjectNode output = Json.object();
          output.putNull("error");
          msg.set("output", output);
        } else {
          msg.set("output", answer);
        }
        job.handle(msg, false);
        return;
      }
      log.debug("run failed: HTTP {} {}", r.code(), text);
      job.fail(conn.http().failure(r, text, "run"));
    } catch (IOException e) {
      if (job.isTerminal()) return;
      log.debug("run failed", e);
      job.fail(
          Failure.of(
              FailureCode.CONNECTION_LOST,
              "The connection to the app was lost while the job was running."));
    }
  }

  @Override
  public void cancel(JobImpl job) {
    Call c = call;
    if (c != null) c.cancel();
  }

  @Override
  public void abandon(JobImpl job) {
    cancel(job);
  }
}
