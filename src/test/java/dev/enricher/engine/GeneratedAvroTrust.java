package dev.enricher.engine;

import org.apache.avro.specific.AvroGenerated;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * WORKAROUND for an engine bug, in tests only: the engine's {@link PendingStore} decodes {@code PendingEntry} with
 * Avro 1.12, which refuses untrusted classes, and nothing in {@code engine} trusts the generated classes (only
 * {@code serde.AvroDeserializer} does, via {@code serde.GeneratedClassTrust}). Tests that read the store back call
 * {@link #install()}: the same predicate {@code GeneratedClassTrust} installs (classes marked {@link AvroGenerated}),
 * so it widens nothing the production code would not. Remove once the engine installs it itself;
 * {@code PendingStoreCodecTest#theEngineReadsItsOwnStoreWithoutHelp} shows the bug.
 */
final class GeneratedAvroTrust {
    private static boolean installed;

    private GeneratedAvroTrust() {
    }

    static synchronized void install() {
        if (!installed) {
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                    type -> type.isAnnotationPresent(AvroGenerated.class)));
            installed = true;
        }
    }
}
