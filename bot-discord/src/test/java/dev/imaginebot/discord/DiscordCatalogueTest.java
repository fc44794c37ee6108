package dev.imaginebot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imaginebot.core.CoreConfig;
import dev.imaginebot.core.CoreConfig.BackendConfig;
import dev.imaginebot.core.CoreConfig.GradioSettings;
import dev.imaginebot.core.CoreConfig.Limits;
import dev.imaginebot.core.CoreConfig.ModelConfig;
import dev.imaginebot.core.command.CommandCatalogue;
import dev.imaginebot.core.command.CommandSpec;
import dev.imaginebot.core.command.OptionSpec;
import dev.imaginebot.core.internal.RealBot;
import dev.imaginebot.core.testing.FakeSpaceGateway;
import dev.imaginebot.core.testing.HeldApis;
import dev.imaginebot.discord.FakeDiscord.Call;
import dev.imaginebot.discord.FakeDiscord.Interaction;
import dev.imaginebot.discord.FakeDiscord.User;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.dv8tion.jda.api.utils.data.DataArray;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalogue on Discord, through real JDA against {@link FakeDiscord} and the real core with
 * hand-stepped Spaces: what is registered, typed requests, and slow commands.
 */
class DiscordCatalogueTest {
  static final User ROOT = new User(700000000000000001L, "root", false);
  static final User ALICE = new User(700000000000000002L, "alice", false);

  @TempDir Path dir;
  FakeDiscord discord;
  FakeSpaceGateway spaces;
  HeldApis gateway;
  RealBot bot;
  DiscordFrontEnd frontEnd;
  FakeDiscord.Registration registration;

  @BeforeEach
  void start() throws InterruptedException {
    discord = new FakeDiscord();
    spaces = new FakeSpaceGateway();
    gateway = new HeldApis(spaces);
    bot =
        RealBot.start(
            new CoreConfig(
                dir,
                null,
                List.of(
                    new ModelConfig("flux", "FLUX", List.of(BackendConfig.discover("a"))),
                    new ModelConfig("mj", "MJ", List.of(BackendConfig.discover("b")))),
                "mj",
                Set.of("discord:" + ROOT.id()),
                new Limits(1, 10, 4, 1000, 1 << 20),
                Duration.ZERO,
                "en",
                GradioSettings.defaults()),
            gateway);
    frontEnd = DiscordFrontEnd.start(discord.config(null, new MutableClock()), bot);
    registration = discord.nextCommandRegistration();
  }

  @AfterEach
  void stop() {
    gateway.release();
    if (frontEnd != null) frontEnd.close();
    if (bot != null) bot.close();
    if (discord != null) discord.close();
  }

  @Test
  void theRegisteredCommandsAreExactlyTheCatalogue() {
    // command (or group/subcommand) -> its options as "name:type", as Discord received them
    Map<String, List<String>> registered = new TreeMap<>();
    for (int i = 0; i < registration.commands().length(); i++) {
      DataObject c = registration.commands().getObject(i);
      DataArray options = c.optArray("options").orElse(DataArray.empty());
      boolean group = options.length() > 0 && options.getObject(0).getInt("type") == 1;
      if (!group) {
        registered.put(c.getString("name"), options(options));
        continue;
      }
      for (int j = 0; j < options.length(); j++) {
        DataObject sub = options.getObject(j);
        registered.put(
            c.getString("name") + "/" + sub.getString("name"),
            options(sub.optArray("options").orElse(DataArray.empty())));
      }
    }
    Map<String, List<String>> catalogue = new TreeMap<>();
    for (CommandSpec c : CommandCatalogue.all()) {
      List<String> options = new ArrayList<>();
      for (OptionSpec o : c.options()) options.add(o.name() + ":" + discordType(o.type()));
      catalogue.put(c.group() == null ? c.name() : c.group() + "/" + c.name(), options);
    }
    assertThat(registered).isEqualTo(catalogue);
  }

  private static List<String> options(DataArray options) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < options.length(); i++) {
      DataObject o = options.getObject(i);
      out.add(o.getString("name") + ":" + o.getInt("type"));
    }
    return out;
  }

  private static int discordType(OptionSpec.Type type) {
    switch (type) {
      case INTEGER:
        return 4;
      case BOOLEAN:
        return 5;
      default:
        return 3;
    }
  }

  @Test
  void aPromptThatLooksLikeFlagsAndAModelIsDrawnAsTyped() {
    Interaction i = discord.slash("imagine", ALICE).option("prompt", "a cat --seed 7 flux").send();
    FakeSpaceGateway.FakeCall call = spaces.nextCall();
    // The default model's Space (mj's), the prompt as typed, a seed the bot chose.
    assertThat(call.space).isEqualTo("b");
    assertThat(call.args.get(0)).isEqualTo("a cat --seed 7 flux");
    assertThat(call.args.get(1)).isInstanceOf(Number.class);
    assertThat(((Number) call.args.get(1)).longValue()).isNotEqualTo(7L);
    assertThat(call.args.get(2)).isEqualTo(false);
    call.complete(1);
    List<Call> edits = discord.editsUntilDone(i.token(), "edit");
    assertThat(edits.get(edits.size() - 1).content())
        .startsWith("Done: \"a cat --seed 7 flux\" · mj");
  }

  @Test
  void slowProbesAnswerLaterAndNeverHoldUpOthers() {
    List<Interaction> probes = new ArrayList<>();
    for (int n = 0; n < 4; n++) {
      Interaction i =
          discord
              .slash("admin", ROOT)
              .subcommand("addmodel")
              .option("alias", "held" + n)
              .option("space", "held/space" + n)
              .send();
      assertThat(discord.next(i.token(), "edit").content())
          .isEqualTo(bot.text("en", "cmd.addmodel.working"));
      probes.add(i);
    }
    gateway.awaitReading(4);

    Interaction help = discord.slash("help", ALICE).send();
    assertThat(discord.next(help.token(), "edit").content()).startsWith("I turn text into images");
    for (Interaction i : probes) assertThat(discord.pending(i.token())).isEmpty();

    gateway.release();
    for (int n = 0; n < 4; n++) {
      assertThat(discord.next(probes.get(n).token(), "edit").content())
          .startsWith("Added model held" + n + ".");
    }
  }
}
