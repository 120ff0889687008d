package dev.enricher.tasks;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fingerprint of a task's configuration: what shapes its request and the parsing of its answers (its type, model,
 * options, prompt, labels, schema), and not its name. Stored with every task state in the pending store, so that after
 * a configuration change a restored event keeps the answers of unchanged tasks and asks a changed one again.
 *
 * <p>Tasks are records whose components are their whole configuration, so the fingerprint is computed over the
 * components: every one but {@code name}, in declaration order, maps by sorted key (a map's iteration order may
 * differ between JVM runs), through SHA-256. A task that is not a record is fingerprinted by its class, its model and
 * the request it builds for a fixed probe text. Stable across restarts and versions as long as the task's
 * configuration means the same.
 */
final class TaskFingerprint {
    private static final String PROBE_TEXT = "fingerprint probe";

    private TaskFingerprint() {
    }

    /** The fingerprint of a task of class {@code type} whose whole configuration but its name is {@code config}. */
    static String ofConfig(Class<? extends EnrichmentTask> type, Record config) {
        StringBuilder canonical = new StringBuilder(type.getName()).append('{');
        canonical(config, canonical);
        return digest(canonical.append('}'));
    }

    static String of(EnrichmentTask task) {
        StringBuilder canonical = new StringBuilder(task.getClass().getName()).append('{');
        if (task.getClass().isRecord()) {
            for (RecordComponent c : task.getClass().getRecordComponents()) {
                if (!c.getName().equals("name")) {
                    canonical.append(c.getName()).append('=');
                    canonical(value(c, task), canonical);
                    canonical.append(';');
                }
            }
        } else {
            canonical.append("model=");
            canonical(task.model(), canonical);
            canonical.append(";request=");
            canonical(task.request(PROBE_TEXT), canonical);
        }
        canonical.append('}');
        return digest(canonical);
    }

    private static String digest(StringBuilder canonical) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static Object value(RecordComponent c, Object record) {
        try {
            java.lang.reflect.Method accessor = c.getAccessor();
            if (!accessor.canAccess(record)) {
                accessor.setAccessible(true); // a record nested in a non-public class: still its configuration
            }
            return accessor.invoke(record);
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + record.getClass().getName(), e);
        }
    }

    private static void canonical(Object v, StringBuilder out) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof CharSequence s) {
            out.append('"');
            s.chars().forEach(ch -> out.append(ch == '"' || ch == '\\' ? "\\" + (char) ch : String.valueOf((char) ch)));
            out.append('"');
        } else if (v instanceof Map<?, ?> m) {
            TreeMap<String, Object> sorted = new TreeMap<>();
            m.forEach((k, x) -> sorted.put(String.valueOf(k), x));
            out.append('{');
            sorted.forEach((k, x) -> {
                canonical(k, out);
                out.append(':');
                canonical(x, out);
                out.append(',');
            });
            out.append('}');
        } else if (v instanceof Collection<?> list) {
            out.append('[');
            list.forEach(x -> {
                canonical(x, out);
                out.append(',');
            });
            out.append(']');
        } else if (v instanceof Enum<?> e) {
            out.append(e.name());
        } else if (v.getClass().isRecord()) {
            out.append(v.getClass().getName()).append('{');
            for (RecordComponent c : v.getClass().getRecordComponents()) {
                out.append(c.getName()).append('=');
                canonical(value(c, v), out);
                out.append(';');
            }
            out.append('}');
        } else {
            out.append(v);
        }
    }
}
