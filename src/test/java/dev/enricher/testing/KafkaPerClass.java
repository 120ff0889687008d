package dev.enricher.testing;

import dev.enricher.local.EmbeddedKafka;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One in-process broker (127.0.0.1, a free port, a temporary directory deleted after) shared by the tests of one
 * class, for tests whose topics do not collide: started before the first test, stopped after the last. Register it
 * as {@code @RegisterExtension static final KafkaPerClass KAFKA = new KafkaPerClass();}. Tests of a pipeline use
 * {@link PipelineFixture} instead, which gives each test a broker of its own.
 */
public final class KafkaPerClass implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedKafka kafka;

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka = EmbeddedKafka.start(null, 0);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    /** The running broker. */
    public EmbeddedKafka broker() {
        if (kafka == null) {
            throw new IllegalStateException("the broker runs only between the class's first and last test");
        }
        return kafka;
    }

    /** {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /** Creates a topic and waits for its partition leaders. */
    public void createTopic(String name, int partitions) {
        broker().createTopic(name, partitions);
    }
}
