package dev.enricher.tasks;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Validation of the {@code schema} option of the GLiNER2 {@code json} and {@code classification} usecases. */
final class GlinerSchema {
    private GlinerSchema() {
    }

    /**
     * An immutable, order-keeping copy of {@code schema}: at least one key, keys non-blank, each list non-empty
     * and of non-blank strings.
     *
     * @param what what the keys are ("group", "axis") and the lists hold ("field", "label"), for messages
     */
    static Map<String, List<String>> copy(Map<String, List<String>> schema, String keyWhat, String itemWhat) {
        if (schema == null || schema.isEmpty()) {
            throw new IllegalArgumentException("schema must have at least one " + keyWhat);
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        schema.forEach((key, items) -> {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("schema " + keyWhat + " names must not be blank");
            }
            if (items == null || items.isEmpty()) {
                throw new IllegalArgumentException("schema " + keyWhat + " '" + key + "' must list at least one "
                        + itemWhat);
            }
            for (String item : items) {
                if (item == null || item.isBlank()) {
                    throw new IllegalArgumentException("schema " + keyWhat + " '" + key + "' has a blank " + itemWhat);
                }
            }
            out.put(key, List.copyOf(items));
        });
        return Collections.unmodifiableMap(out);
    }

    /**
     * Checks json-usecase field specs, written {@code name::type::description} (type and description optional):
     * the name before the first {@code ::} must not be blank.
     */
    static Map<String, List<String>> fields(Map<String, List<String>> schema) {
        Map<String, List<String>> copy = copy(schema, "group", "field");
        copy.forEach((group, fields) -> {
            for (String spec : fields) {
                int sep = spec.indexOf("::");
                String field = sep < 0 ? spec : spec.substring(0, sep);
                if (field.isBlank()) {
                    throw new IllegalArgumentException("schema group '" + group + "': field spec '" + spec
                            + "' has no field name; write it as name::type::description");
                }
            }
        });
        return copy;
    }
}
