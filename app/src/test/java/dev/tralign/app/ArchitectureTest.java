package dev.tralign.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries of docs/ARCHITECTURE.md ("Who may import whom"), checked on the compiled production classes
 * of every module (the app's test classpath holds them all). A failure names the class, the dependency and the rule;
 * the fix is to move the code to the module that may own it, never to widen the rule without changing the doc.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.tralign");
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }

    @Test
    void theTrainerKnowsNothingOfKafkaOrTheServices() {
        check(noClasses().that().resideInAPackage("dev.tralign.trainer..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "dev.tralign.schemas..",
                        "dev.tralign.ingest..", "dev.tralign.evaluator..", "dev.tralign.trainerservice..",
                        "dev.tralign.stack..", "dev.tralign.registry..", "dev.tralign.app..", "dev.tralign.bench..")
                .because("the trainer is the pure training library; trainer-service owns its Kafka side"));
    }

    @Test
    void noServiceImportsTheApp() {
        check(noClasses().that().resideOutsideOfPackages("dev.tralign.app..")
                .should().dependOnClassesThat().resideInAPackage("dev.tralign.app..")
                .because("the app (CLI, demo, synthetic world) sits on top; services are libraries it wires"));
    }

    @Test
    void schemasImportNoModuleAboveThem() {
        check(noClasses().that().resideInAPackage("dev.tralign.schemas..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tralign.trainer..",
                        "dev.tralign.trainerservice..", "dev.tralign.ingest..", "dev.tralign.evaluator..",
                        "dev.tralign.registry..", "dev.tralign.stack..", "dev.tralign.app..")
                .because("every service reads the schemas; the schemas read none of them"));
    }

    @Test
    void pureLogicKnowsNothingOfKafka() {
        check(noClasses().that().resideInAnyPackage("dev.tralign.trainer.loss..", "dev.tralign.trainer.model..",
                        "dev.tralign.trainer.step..", "dev.tralign.trainer.reference..",
                        "dev.tralign.evaluator.winrate..", "dev.tralign.evaluator.ranking..",
                        "dev.tralign.evaluator.guard..", "dev.tralign.ingest.parse..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
                .because("losses, models, win-rate math and parsing are pure functions of their inputs"));
    }

    @Test
    void onlyTheAppAndTheBenchmarksStartAnEmbeddedBroker() {
        check(noClasses().that().resideOutsideOfPackages("dev.tralign.app..", "dev.tralign.bench..",
                        "dev.tralign.stack..")
                .should().dependOnClassesThat().resideInAPackage("dev.tralign.stack..")
                .because("an in-process broker on a service's production classpath is a test or demo tool"));
    }

    @Test
    void nothingButTheAppUsesTheBenchmarks() {
        check(noClasses().that().resideOutsideOfPackages("dev.tralign.app..", "dev.tralign.bench..")
                .should().dependOnClassesThat().resideInAPackage("dev.tralign.bench..")
                .because("benchmarks are never depended on"));
    }

    @Test
    void theEvaluatorUsesOnlyTheTrainersModelApi() {
        check(noClasses().that().resideInAPackage("dev.tralign.evaluator..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tralign.trainer.step..",
                        "dev.tralign.trainer.loss..", "dev.tralign.trainer.optim..", "dev.tralign.trainer.reference..",
                        "dev.tralign.trainerservice..", "dev.tralign.ingest..")
                .because("the evaluator scores and samples checkpoints (Policy, tokenizers, checkpoint files); "
                        + "how they were trained is not its business"));
        check(noClasses().that().resideInAnyPackage("dev.tralign.trainer..", "dev.tralign.trainerservice..")
                .should().dependOnClassesThat().resideInAPackage("dev.tralign.evaluator..")
                .because("training never waits on evaluation: they meet on Kafka topics"));
    }

    @Test
    void theCheckpointStoreKnowsNoOtherModule() {
        check(noClasses().that().resideInAPackage("dev.tralign.store..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "dev.tralign.schemas..",
                        "dev.tralign.trainer..", "dev.tralign.trainerservice..", "dev.tralign.evaluator..",
                        "dev.tralign.ingest..", "dev.tralign.stack..", "dev.tralign.registry..", "dev.tralign.app..",
                        "dev.tralign.bench..")
                .because("the store moves and checks bytes; the trainer and the evaluator hand it files and URIs"));
    }

    @Test
    void modulesHaveNoCycles() {
        check(slices().matching("dev.tralign.(*)..").should().beFreeOfCycles());
    }

    @Test
    void packagesHaveNoCycles() {
        check(slices().matching("dev.tralign.(**)").should().beFreeOfCycles());
    }
}
