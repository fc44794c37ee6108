package dev.imaginebot.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.imaginebot.core.Bot;
import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.command.CommandContext;
import dev.imaginebot.core.command.Reply;
import dev.imaginebot.core.job.ChatRef;
import dev.imaginebot.core.job.ErrorCode;
import dev.imaginebot.core.job.JobEvent;
import dev.imaginebot.core.job.UserRef;
import dev.imaginebot.core.model.SpaceFailure;
import dev.imaginebot.core.testing.FakeSpaceGateway;
import dev.imaginebot.core.testing.RecordingView;
import dev.imaginebot.core.testing.Replies;
import dev.imaginebot.gradio.FailureCode;
import dev.imaginebot.gradio.testing.GradioTestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the bot may go and what one Space's failure may touch, through the real core and
 * gradio-client: loopback trap servers that no model uses must see no request, and a prompt a real
 * Gradio app rejects must not end another user's job on that app.
 */
class SpaceBoundariesTest {
  private static final UserRef ROOT = new UserRef("console", "root", "Root", "en");
  private static final UserRef ROOT_ZH = new UserRef("console", "root-zh", "Root", "zh-CN");
  private static final UserRef ALICE = new UserRef("console", "alice", "Alice", "en");
  private static final UserRef BOB = new UserRef("console", "bob", "Bob", "en");
  private static final ChatRef ROOM = new ChatRef("console", "room", true);

  @TempDir Path dir;
  @StartStop final MockWebServer redirector = new MockWebServer();
  private final MockWebServer trap = new MockWebServer();
  private final MockWebServer trap6 = new MockWebServer();
  private final GradioTestServer gradio = GradioTestServer.shared(GradioTestServer.latest());
  private Bot bot;

  @BeforeEach
  void start() throws IOException {
    trap.start(InetAddress.getByName("127.0.0.9"), 0);
    trap6.start(InetAddress.getByName("::1"), 0);
    redirector.enqueue(
        new MockResponse.Builder()
            .code(302)
            .addHeader("Location", "http://127.0.0.9:" + trap.getPort() + "/config")
            .build());
  }

  @AfterEach
  void stop() {
    if (bot != null) bot.close();
    trap.close();
    trap6.close();
  }

  private CoreConfig config() {
    return new CoreConfig(
        dir,
        null,
        List.of(
            new ModelConfig(
                "picky", "Picky", List.of(BackendConfig.discover(gradio.url("picky"))))),
        "picky",
        Set.of(ROOT.key(), ROOT_ZH.key()),
        new Limits(1, 5, 4, 1000, 1 << 20),
        Duration.ofMillis(100),
        "en",
        new GradioSettings(
                null,
                // Never the real Hub: every Space here is a loopback URL.
                "http://127.0.0.1:9",
                Duration.ofMinutes(1),
                Duration.ofSeconds(30),
                Duration.ofSeconds(10),
                Duration.ofHours(6))
            .withAllowedHosts(List.of(redirector.url("/").toString())));
  }

  private Reply run(UserRef user, String command, String args, RecordingView view) {
    return Replies.settled(
        bot.handle(new CommandContext(user, ROOM, false, null, view), command, args));
  }

  private Reply run(UserRef user, String command, String args) {
    return run(user, command, args, new RecordingView());
  }

  private void assertTrapsUntouched() {
    assertThat(trap.getRequestCount()).isZero();
    assertThat(trap6.getRequestCount()).isZero();
  }

  @Test
  void addModelOfAnInternalAddressIsRefusedWithASentenceBeforeAnyRequest() {
    bot = Bot.start(config());
    String port = String.valueOf(trap.getPort());
    for (String url :
        List.of(
            "http://127.0.0.9:" + port,
            "http://[::1]:" + trap6.getPort(),
            "http://127.0.0.1:" + gradio.port() + "@127.0.0.9:" + port + "/",
            "http://2130706441:" + port + "/",
            "http://0177.0.0.9:" + port + "/",
            "http://localhost:" + port + "/")) {
      Reply reply = run(ROOT, "addmodel", "evil " + url);
      assertThat(reply.kind()).as(url).isEqualTo(Reply.Kind.ERROR);
      assertThat(reply.text())
          .as(url)
          .startsWith("The bot may not reach ")
          // Text after an @ is shown with a zero-width space, so it can never ping anyone.
          .contains(url.substring(url.lastIndexOf('@') + 1) + ". Only Hugging Face Spaces")
          .containsPattern("\\(ref [0-9a-f]{4}\\)\\.$");
      for (FailureCode code : FailureCode.values()) {
        assertThat(reply.text()).doesNotContain(code.name());
      }
    }
    Reply zh = run(ROOT_ZH, "addmodel", "evil http://127.0.0.9:" + port);
    assertThat(zh.text()).startsWith("机器人不能访问 http://127.0.0.9:" + port + "。");
    assertThat(run(ROOT, "models", "").text()).doesNotContain("evil");
    assertTrapsUntouched();
  }

  @Test
  void anAllowedHostWhoseConfigRedirectsToTheTrapIsNotFollowed() throws Exception {
    bot = Bot.start(config());
    String url = redirector.url("/").toString();
    Reply reply = run(ROOT, "addmodel", "bounce " + url);
    assertThat(reply.kind()).isEqualTo(Reply.Kind.ERROR);
    assertThat(reply.text()).startsWith("The bot may not reach " + url + ".");
    assertThat(reply.text()).doesNotContain("HOST_REFUSED").doesNotContain("127.0.0.9");
    assertThat(redirector.takeRequest().getUrl().encodedPath()).isEqualTo("/config");
    assertTrapsUntouched();
  }

  @Test
  void aRejectedPromptDoesNotEndAnotherUsersJobOnTheSameSpace() {
    bot = Bot.start(config());
    String key = "boundaries-" + System.nanoTime();
    RecordingView alice = new RecordingView();
    assertThat(run(ALICE, "imagine", "hold " + key + " a quiet lake", alice).kind())
        .isEqualTo(Reply.Kind.JOB_STARTED);
    assertThat(alice.take()).isInstanceOf(JobEvent.Accepted.class);
    // Alice's job is on the Space once it reports anything beyond the bot's own queue.
    assertThat(alice.take()).isNotInstanceOf(JobEvent.Accepted.class);

    long before = gradio.requestCount("picky");
    RecordingView bob = new RecordingView();
    assertThat(run(BOB, "imagine", "a forbidden thing", bob).kind())
        .isEqualTo(Reply.Kind.JOB_STARTED);
    JobEvent bobEnd = bob.terminal();
    assertThat(bobEnd).isInstanceOf(JobEvent.Failed.class);
    assertThat(((JobEvent.Failed) bobEnd).code()).isEqualTo(ErrorCode.INPUT_REJECTED);
    // The rejection makes the bot re-read the Space's config and API (two requests after the join).
    await().atMost(Duration.ofSeconds(20)).until(() -> gradio.requestCount("picky") >= before + 3);

    gradio.release(key);
    JobEvent aliceEnd = alice.terminal();
    assertThat(aliceEnd).as(String.valueOf(aliceEnd)).isInstanceOf(JobEvent.Completed.class);
    assertThat(((JobEvent.Completed) aliceEnd).images()).isNotEmpty();
  }

  @Test
  void aHugeRetryHintCoolsABackendDownForAnHourAtMost() {
    FakeSpaceGateway spaces = new FakeSpaceGateway();
    bot = RealBot.start(config(), spaces);
    RecordingView view = new RecordingView();
    assertThat(run(ALICE, "imagine", "a red fox", view).kind()).isEqualTo(Reply.Kind.JOB_STARTED);
    spaces
        .nextCall()
        .fail(SpaceFailure.Kind.QUOTA_EXCEEDED, "retry in 999:00:00", Duration.ofHours(999));
    JobEvent end = view.terminal();
    assertThat(end).isInstanceOf(JobEvent.Failed.class);
    JobEvent.Failed failed = (JobEvent.Failed) end;
    assertThat(failed.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
    assertThat(failed.retryAfter()).isPresent();
    assertThat(failed.retryAfter().get()).isPositive().isLessThanOrEqualTo(Duration.ofHours(1));
    assertThat(run(ALICE, "models", "").text()).doesNotContain("999");
  }
}
