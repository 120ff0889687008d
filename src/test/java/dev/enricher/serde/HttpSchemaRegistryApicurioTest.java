package dev.enricher.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import dev.enricher.testing.ApicurioRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link HttpSchemaRegistry} against a real Apicurio Registry (Confluent API, global rule BACKWARD). */
class HttpSchemaRegistryApicurioTest {

    @RegisterExtension
    static final ApicurioRegistry APICURIO = new ApicurioRegistry();

    private static final AtomicInteger SUBJECTS = new AtomicInteger();
    private final HttpSchemaRegistry registry = APICURIO.client();

    static final Schema V1 = parse("""
            {"type":"record","name":"Event","namespace":"dev.enricher.test","fields":[
              {"name":"id","type":"string"},
              {"name":"text","type":"string"}]}""");
    /** V1 plus an optional field (union null first, default null): BACKWARD-compatible. */
    static final Schema V2_OPTIONAL_FIELD = parse("""
            {"type":"record","name":"Event","namespace":"dev.enricher.test","fields":[
              {"name":"id","type":"string"},
              {"name":"text","type":"string"},
              {"name":"lang","type":["null","string"],"default":null}]}""");
    /** V1 plus a field without a default: new readers cannot read old records, so BACKWARD refuses it. */
    static final Schema V2_REQUIRED_FIELD = parse("""
            {"type":"record","name":"Event","namespace":"dev.enricher.test","fields":[
              {"name":"id","type":"string"},
              {"name":"text","type":"string"},
              {"name":"score","type":"double"}]}""");
    /** V1 with a field's type changed from string to int: refused. */
    static final Schema V2_TYPE_CHANGED = parse("""
            {"type":"record","name":"Event","namespace":"dev.enricher.test","fields":[
              {"name":"id","type":"int"},
              {"name":"text","type":"string"}]}""");
    /** V1 without its field {@code text}: old records still readable (the reader skips it), so BACKWARD accepts it. */
    static final Schema V2_FIELD_REMOVED = parse("""
            {"type":"record","name":"Event","namespace":"dev.enricher.test","fields":[
              {"name":"id","type":"string"}]}""");

    private static String subject() {
        return "it-" + SUBJECTS.incrementAndGet() + "-value";
    }

    @Test
    void registersAndReadsBackById() {
        int id = registry.register(subject(), V1);

        assertThat(registry.schemaById(id)).isEqualTo(V1);
    }

    @Test
    void registeringTheSameSchemaAgainGivesTheSameId() {
        String subject = subject();
        int first = registry.register(subject, V1);

        assertThat(registry.register(subject, V1)).isEqualTo(first);
    }

    @Test
    void looksUpARegisteredSchemaWithoutRegistering() {
        String subject = subject();
        int id = registry.register(subject, V1);

        assertThat(registry.lookup(subject, V1)).isEqualTo(id);
        assertThatThrownBy(() -> registry.lookup(subject, V2_OPTIONAL_FIELD))
                .asInstanceOf(type(RegistryException.class))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.SCHEMA_NOT_FOUND))
                .satisfies(e -> assertThat(e.getMessage()).contains(subject, "look up"));
    }

    @Test
    void subjectsWithCharactersToEscapeWork() {
        String subject = "it " + SUBJECTS.incrementAndGet() + "/odd?name&x=y#";
        int id = registry.register(subject, V1);

        assertThat(registry.lookup(subject, V1)).isEqualTo(id);
    }

    @Test
    void anAddedOptionalFieldIsAcceptedUnderBackward() {
        String subject = subject();
        int v1 = registry.register(subject, V1);

        assertThat(registry.checkCompatibility(subject, V2_OPTIONAL_FIELD).compatible()).isTrue();
        assertThat(registry.register(subject, V2_OPTIONAL_FIELD)).isNotEqualTo(v1);
        assertThat(registry.checkCompatibility(subject, V2_FIELD_REMOVED).compatible()).isTrue();
    }

    @Test
    void anAddedFieldWithoutDefaultIsRefusedUnderBackward() {
        String subject = subject();
        registry.register(subject, V1);

        CompatibilityResult check = registry.checkCompatibility(subject, V2_REQUIRED_FIELD);
        assertThat(check.compatible()).isFalse();
        // Apicurio 3.0 gives no reasons even with verbose=true; Confluent's are parsed in HttpSchemaRegistryHttpTest.

        assertThatThrownBy(() -> registry.register(subject, V2_REQUIRED_FIELD))
                .asInstanceOf(type(RegistryException.class))
                .satisfies(e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.INCOMPATIBLE);
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                    // The registry's own words, quoted: "Incompatible artifact: <subject> [AVRO], ... [score at /fields/2]"
                    assertThat(e.getMessage()).contains("register", subject, "Incompatible artifact", "score");
                });
    }

    @Test
    void aChangedFieldTypeIsRefusedAndTheRegistryIsQuoted() {
        String subject = subject();
        registry.register(subject, V1);

        assertThat(registry.checkCompatibility(subject, V2_TYPE_CHANGED).compatible()).isFalse();
        RegistryException e = catchRegistry(() -> registry.register(subject, V2_TYPE_CHANGED));
        assertThat(e.kind()).isEqualTo(RegistryException.Kind.INCOMPATIBLE);
        // Whatever the registry said is quoted after the status.
        assertThat(e.getMessage()).matches("(?s).*\\(HTTP 409[^)]*\\): \\S.*");
    }

    @Test
    void aNewSubjectAcceptsAnySchema() {
        assertThat(registry.checkCompatibility(subject(), V2_REQUIRED_FIELD)).isEqualTo(CompatibilityResult.ok());
    }

    @Test
    void lookupInAnUnknownSubjectIsSubjectNotFound() {
        String subject = subject();
        RegistryException e = catchRegistry(() -> registry.lookup(subject, V1));

        assertThat(e.kind()).isEqualTo(RegistryException.Kind.SUBJECT_NOT_FOUND);
        assertThat(e.errorCode()).isEqualTo(40401);
        assertThat(e.getMessage()).contains(subject);
    }

    @Test
    void anUnknownIdIsSchemaNotFound() {
        RegistryException e = catchRegistry(() -> registry.schemaById(987_654));

        assertThat(e.kind()).isEqualTo(RegistryException.Kind.SCHEMA_NOT_FOUND);
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.getMessage()).contains("987654");
    }

    @Test
    void eachCallIsOneHttpRequest() {
        try (HttpSchemaRegistry counted = new HttpSchemaRegistry(RegistryConfig.of(APICURIO.ccompatUrl()))) {
            String subject = subject();
            int id = counted.register(subject, V1);
            counted.register(subject, V1);
            counted.schemaById(id);
            counted.lookup(subject, V1);
            counted.checkCompatibility(subject, V2_OPTIONAL_FIELD);

            assertThat(counted.httpRequests()).isEqualTo(5);
        }
    }

    @Test
    void aClosedPortIsUnreachableQuickly() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        RegistryConfig config = RegistryConfig.of("http://127.0.0.1:" + closed)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2));
        try (HttpSchemaRegistry unreachable = new HttpSchemaRegistry(config)) {
            long start = System.nanoTime();
            RegistryException e = catchRegistry(() -> unreachable.register("t-value", V1));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNREACHABLE);
            assertThat(e.status()).isZero();
            assertThat(e.getMessage()).contains("127.0.0.1:" + closed, "t-value");
        }
    }

    @Test
    void startUpCheckRegistersOrRefusesQuotingTheRegistry() {
        String subject = subject();
        int id = SchemaRegistration.ensure(registry, subject, V1, true);
        assertThat(registry.lookup(subject, V1)).isEqualTo(id);
        assertThat(SchemaRegistration.ensure(registry, subject, V1, false)).isEqualTo(id);

        RegistryException refused = catchRegistry(() -> SchemaRegistration.ensure(registry, subject, V2_REQUIRED_FIELD, true));
        assertThat(refused.kind()).isEqualTo(RegistryException.Kind.INCOMPATIBLE);
        assertThat(refused.getMessage()).startsWith("Refusing to start").contains(subject, "dev.enricher.test.Event")
                .contains(((RegistryException) refused.getCause()).getMessage());

        RegistryException missing = catchRegistry(() -> SchemaRegistration.ensure(registry, subject, V2_OPTIONAL_FIELD, false));
        assertThat(missing.kind()).isEqualTo(RegistryException.Kind.SCHEMA_NOT_FOUND);
        assertThat(missing.getMessage()).contains("auto-register is off", "would accept it");

        RegistryException missingAndIncompatible =
                catchRegistry(() -> SchemaRegistration.ensure(registry, subject, V2_REQUIRED_FIELD, false));
        assertThat(missingAndIncompatible.getMessage()).contains("would refuse it");
    }

    static RegistryException catchRegistry(Runnable call) {
        try {
            call.run();
        } catch (RegistryException e) {
            return e;
        }
        throw new AssertionError("expected a RegistryException");
    }

    static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }
}
