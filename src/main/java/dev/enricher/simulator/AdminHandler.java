package dev.enricher.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.util.Iterator;
import java.util.Map;

/**
 * The admin API (no key needed): {@code GET /admin/faults}, {@code PUT /admin/faults} (partial JSON update of
 * the {@link FaultSettings} fields, camelCase names), {@code GET /admin/stats}, {@code POST /admin/stats/reset}.
 * Runs on event loops; fault updates are atomic replacements.
 */
final class AdminHandler {
    private final SimulatorState state;

    AdminHandler(SimulatorState state) {
        this.state = state;
    }

    void getFaults(RoutingContext ctx) {
        json(ctx, 200, Json.MAPPER.valueToTree(state.faults()));
    }

    void putFaults(RoutingContext ctx) {
        JsonNode patch;
        try {
            Buffer b = ctx.body().buffer();
            patch = b == null ? null : Json.MAPPER.readTree(b.getBytes());
        } catch (java.io.IOException e) {
            patch = null;
        }
        if (!(patch instanceof ObjectNode p)) {
            json(ctx, 400, Json.errorBody(ApiError.invalid("PUT /admin/faults expects a JSON object with some of the"
                    + " fault fields", "invalid_json", null)));
            return;
        }
        // Unknown names fail loudly: a typo in a test must not silently leave a fault off.
        ObjectNode current = Json.MAPPER.valueToTree(state.faults());
        for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!current.has(e.getKey())) {
                json(ctx, 400, Json.errorBody(ApiError.invalid("unknown fault field '" + e.getKey() + "'; known: "
                        + iterable(current.fieldNames()), "invalid_value", e.getKey())));
                return;
            }
            current.set(e.getKey(), e.getValue());
        }
        FaultSettings next;
        try {
            next = Json.MAPPER.treeToValue(current, FaultSettings.class);
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            json(ctx, 400, Json.errorBody(ApiError.invalid("invalid fault settings: " + root.getMessage(),
                    "invalid_value", null)));
            return;
        }
        state.faults(next);
        json(ctx, 200, Json.MAPPER.valueToTree(next));
    }

    void getStats(RoutingContext ctx) {
        json(ctx, 200, Json.MAPPER.valueToTree(state.stats()));
    }

    void resetStats(RoutingContext ctx) {
        state.stats.clear();
        ctx.response().setStatusCode(204).end();
    }

    private static String iterable(Iterator<String> it) {
        StringBuilder b = new StringBuilder();
        it.forEachRemaining(s -> b.append(b.length() == 0 ? "" : ", ").append(s));
        return b.toString();
    }

    private static void json(RoutingContext ctx, int status, Object tree) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                .end(Buffer.buffer(Json.bytes(tree)));
    }
}
