package dev.imaginebot.app;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries, checked on the main classes of every module (bot-app sees them all). Maven
 * already stops a module from using one it does not depend on; these rules also hold the packages a
 * dependent module may use.
 */
class ArchitectureTest {
  /** What bot-core offers other modules; everything else in it is the core's own business. */
  private static final String[] CORE_API = {
    "dev.imaginebot.core", "dev.imaginebot.core.command", "dev.imaginebot.core.job"
  };

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    // Test classes and test jars (the modules' fixtures) are not part of the architecture.
    ImportOption mainOnly =
        location ->
            !location.contains("/test-classes/")
                && !location.contains("-tests.jar")
                && !location.contains("/src/test/");
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(mainOnly)
            .importPackages("dev.imaginebot");
  }

  @Test
  void classesOfEveryModuleAreImported() {
    for (String module : new String[] {"gradio", "core", "discord", "telegram", "app"}) {
      String pkg = "dev.imaginebot." + module;
      assertThat(classes.containPackage(pkg)).as("classes in %s", pkg).isTrue();
    }
  }

  @Test
  void noTwoTopLevelClassesShareASimpleName() {
    // A reader who meets "Env" or "Services" should not have to ask which module's.
    var byName =
        classes.stream()
            .filter(c -> c.isTopLevelClass() && !c.getSimpleName().equals("package-info"))
            .collect(
                java.util.stream.Collectors.groupingBy(
                    com.tngtech.archunit.core.domain.JavaClass::getSimpleName,
                    java.util.stream.Collectors.mapping(
                        com.tngtech.archunit.core.domain.JavaClass::getName,
                        java.util.stream.Collectors.toList())));
    assertThat(byName.values()).allSatisfy(names -> assertThat(names).hasSize(1));
  }

  @Test
  void onlyTheGradioClientUsesItsInternals() {
    check(
        noClasses()
            .that()
            .resideOutsideOfPackage("dev.imaginebot.gradio..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.imaginebot.gradio.internal.."));
  }

  @Test
  void theGradioClientKnowsNothingOfTheBot() {
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.imaginebot.gradio..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "dev.imaginebot.core..",
                "dev.imaginebot.discord..",
                "dev.imaginebot.telegram..",
                "dev.imaginebot.app.."));
  }

  @Test
  void theCoreKnowsNoPlatform() {
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.imaginebot.core..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "net.dv8tion..",
                "org.telegram..",
                "dev.imaginebot.discord..",
                "dev.imaginebot.telegram..",
                "dev.imaginebot.app.."));
  }

  @Test
  void theJobEngineSpeaksOnlyCoreTypes() {
    // The Space gateway translates gradio-client's events and failures; the engine, its queue,
    // attempts and failover policy reason about the core's own.
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.imaginebot.core.engine..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.imaginebot.gradio.."));
  }

  @Test
  void frontEndsAndTheAppUseOnlyTheCoresApi() {
    check(
        noClasses()
            .that()
            .resideOutsideOfPackage("dev.imaginebot.core..")
            .should()
            .dependOnClassesThat(
                resideInAPackage("dev.imaginebot.core..").and(not(resideInAnyPackage(CORE_API)))));
  }

  @Test
  void frontEndsDoNotTalkToSpacesOrToEachOther() {
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.imaginebot.discord..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "dev.imaginebot.gradio..", "dev.imaginebot.telegram..", "org.telegram.."));
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.imaginebot.telegram..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "dev.imaginebot.gradio..", "dev.imaginebot.discord..", "net.dv8tion.."));
  }

  private static void check(ArchRule rule) {
    rule.check(classes);
  }
}
