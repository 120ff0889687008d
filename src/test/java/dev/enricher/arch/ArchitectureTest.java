package dev.enricher.arch;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaModifier.PUBLIC;
import static com.tngtech.archunit.core.domain.properties.HasModifiers.Predicates.modifier;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.enricher.bench.peers.PeerArgs;
import dev.enricher.bench.peers.PeerRecords;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package contracts of design.md, kept true by the build. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.enricher");
    }

    @Test
    void clientNeverImportsKafkaNorTheRestOfTheService() {
        noClasses().that().resideInAPackage("dev.enricher.client..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "dev.enricher.engine..",
                        "dev.enricher.topology..", "dev.enricher.tasks..", "dev.enricher.simulator..",
                        "dev.enricher.cli..", "dev.enricher.config..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void tasksSeeOnlyClientValuesNeverVertxOrKafka() {
        noClasses().that().resideInAPackage("dev.enricher.tasks..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "org.apache.kafka..",
                        "dev.enricher.simulator..", "dev.enricher.engine..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void engineNeverImportsVertx() {
        noClasses().that().resideInAPackage("dev.enricher.engine..")
                .should().dependOnClassesThat().resideInAPackage("io.vertx..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void chaosReachesTheServiceOnlyThroughItsTopicsAndLogs() {
        noClasses().that().resideInAPackage("dev.enricher.chaos..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.enricher.engine..", "dev.enricher.service..",
                        "dev.enricher.cli..")
                .check(classes);
    }

    @Test
    void productionCodeNeverDependsOnTheSimulatorExceptCommandsThatStartIt() {
        noClasses().that().resideOutsideOfPackages("dev.enricher.simulator..", "dev.enricher.cli..",
                        "dev.enricher.local..", "dev.enricher.bench..", "dev.enricher.chaos..")
                .should().dependOnClassesThat().resideInAPackage("dev.enricher.simulator..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void serdeIsKafkaAndAvroOnlyNeverVertxNorTheApiClient() {
        noClasses().that().resideInAPackage("dev.enricher.serde..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "dev.enricher.client..",
                        "dev.enricher.engine..", "dev.enricher.simulator..", "dev.enricher.tasks..")
                .check(classes);
    }

    @Test
    void nothingDependsOnTheCommands() {
        noClasses().that().resideOutsideOfPackage("dev.enricher.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.enricher.cli..")
                .check(classes);
    }

    @Test
    void benchmarksDependOnNothingInTheCommands() {
        noClasses().that().resideInAPackage("dev.enricher.bench..")
                .should().dependOnClassesThat().resideInAPackage("dev.enricher.cli..")
                .check(classes);
    }

    @Test
    void benchmarkContendersNeverUseTheHarnessThatStartsThem() {
        noClasses().that().resideInAPackage("dev.enricher.bench.peers..")
                .should().dependOnClassesThat().resideInAPackage("dev.enricher.bench")
                .check(classes);
    }

    @Test
    void whatTheParallelConsumerPeerCompilesNextToVertx4NeverUsesVertx() {
        // bench/peers compiles these two by path beside Vert.x 4 and Netty 4.1 (see its pom.xml).
        noClasses().that().belongToAnyOf(PeerArgs.class, PeerRecords.class)
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..")
                .check(classes);
    }

    @Test
    void engineUsesOnlyTheClientsExportedTypes() {
        noClasses().that().resideInAPackage("dev.enricher.engine..")
                .should().dependOnClassesThat(resideInAPackage("dev.enricher.client..").and(not(modifier(PUBLIC))))
                .check(classes);
    }

    @Test
    void onlyTracingKnowsOpenTelemetry() {
        // The engine reports through its own EventTracer; the SDK (and its cost) stays behind it, off by default.
        noClasses().that().resideOutsideOfPackages("dev.enricher.tracing..", "dev.enricher.bench..")
                .should().dependOnClassesThat().resideInAPackage("io.opentelemetry..")
                .check(classes);
    }

    @Test
    void tasksNeverImportKafka() {
        noClasses().that().resideInAPackage("dev.enricher.tasks..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
                .check(classes);
    }

    @Test
    void noCyclesBetweenPackages() {
        slices().matching("dev.enricher.(*)..").should().beFreeOfCycles().check(classes);
    }
}
