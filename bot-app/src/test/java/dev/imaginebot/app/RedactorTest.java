package dev.imaginebot.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactorTest {
  @Test
  void tokenShapesAreMasked() {
    String discord = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB";
    String telegram = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1";
    String hf = "hf_abcdefghijklmnopqrstuvwxyzABCDEF";
    String line =
        "token "
            + discord
            + " url https://api/bot"
            + telegram
            + "/getMe auth Bearer "
            + hf
            + " plain "
            + hf;
    assertThat(Redactor.redact(line))
        .doesNotContain(discord)
        .doesNotContain(telegram)
        .doesNotContain(hf)
        .contains("https://api/bot***/getMe")
        .contains("plain ***");
  }

  @Test
  void configuredSecretsAreMaskedWhateverTheirShape() {
    Redactor.addSecret("opensesame-42");
    assertThat(Redactor.redact("connecting with opensesame-42 now"))
        .isEqualTo("connecting with *** now");
  }

  @Test
  void ordinaryTextIsLeftAlone() {
    String text = "Job 42 done in 8 s on black-forest-labs/FLUX.1-schnell at 12:30:45";
    assertThat(Redactor.redact(text)).isEqualTo(text);
  }
}
