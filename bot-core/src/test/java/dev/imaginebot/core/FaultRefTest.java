package dev.imaginebot.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FaultRefTest {
  @Test
  void refsAreFourHexDigitsAndVary() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      String ref = FaultRef.next();
      assertThat(ref).matches("[1-9a-f][0-9a-f]{3}");
      seen.add(ref);
    }
    assertThat(seen).hasSizeGreaterThan(150);
  }
}
