package dev.enricher.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.enricher.serde.CompatibilityLevel;
import dev.enricher.serde.CompatibilityResult;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.serde.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A schema registry for one development machine: the project's {@link InMemorySchemaRegistry} (with its compatibility
 * checks) served over HTTP on 127.0.0.1 with the subset of the Confluent Schema Registry REST API that serializers,
 * deserializers, {@code run}, {@code produce}, {@code tail} and a consumer's build use. {@code registry.url: memory}
 * is private to one process; this one other processes reach, with no Docker and no download. Schemas live as long as
 * the process (it is for development: a restart starts with no subjects, and producers register again).
 *
 * <p>Routes: {@code POST /subjects/{s}/versions} (register), {@code POST /subjects/{s}} (look up),
 * {@code GET /schemas/ids/{id}}, {@code GET /subjects}, {@code GET /subjects/{s}/versions},
 * {@code GET /subjects/{s}/versions/{n|latest}} (and {@code .../schema}), {@code POST
 * /compatibility/subjects/{s}/versions/latest}, {@code GET|PUT /config} and {@code GET|PUT /config/{s}}. Errors carry
 * Confluent's {@code error_code} (40401 subject not found, 40402 version not found, 40403 schema not found, 409
 * incompatible, 42201 invalid schema, 42203 invalid compatibility level). Only Avro schemas without references.
 *
 * <p>The JDK's HTTP server, as the service's own health endpoint uses: a handful of JSON routes need no framework.
 */
public final class LocalSchemaRegistry implements AutoCloseable {
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InMemorySchemaRegistry registry;
    private final HttpServer server;
    private final ExecutorService executor;

    private LocalSchemaRegistry(HttpServer server) {
        this.registry = new InMemorySchemaRegistry(CompatibilityLevel.BACKWARD);
        this.server = server;
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "local-schema-registry");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Starts serving on 127.0.0.1.
     *
     * @param port the port; 0 picks a free one
     * @throws IOException when the port is taken
     */
    public static LocalSchemaRegistry start(int port) throws IOException {
        return new LocalSchemaRegistry(HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64));
    }

    /** The URL clients use, e.g. {@code http://127.0.0.1:8081}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String[] path = segments(x.getRequestURI().getRawPath());
            String method = x.getRequestMethod().toUpperCase(Locale.ROOT);
            JsonNode answer;
            try {
                answer = route(method, path, x.getRequestBody());
            } catch (RegistryException e) {
                answer = error(x, e.status() == 0 ? 500 : e.status(), e.errorCode(), e.getMessage());
            } catch (SchemaParseException e) {
                answer = error(x, 422, 42201, "Invalid schema: " + e.getMessage());
            } catch (IllegalArgumentException e) {
                answer = error(x, 422, 42200, e.getMessage());
            }
            if (answer == null) {
                answer = error(x, 404, 404, "no such route: " + method + " " + x.getRequestURI().getRawPath());
            }
            byte[] body = JSON.writeValueAsBytes(answer);
            x.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            if (x.getResponseCode() == -1) {
                x.sendResponseHeaders(200, body.length);
            }
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The answer to a request; null for a route that does not exist. */
    private JsonNode route(String method, String[] p, InputStream body) throws IOException {
        if (p.length == 1 && p[0].equals("subjects") && method.equals("GET")) {
            ArrayNode out = JSON.createArrayNode();
            registry.subjects().forEach(out::add);
            return out;
        }
        if (p.length >= 2 && p[0].equals("subjects")) {
            String subject = p[1];
            if (p.length == 2 && method.equals("POST")) {
                Schema schema = schema(body);
                int id = registry.lookup(subject, schema);
                return version(subject, registry.versions(subject).indexOf(id) + 1, id, schema);
            }
            if (p.length == 3 && p[2].equals("versions") && method.equals("POST")) {
                ObjectNode out = JSON.createObjectNode();
                out.put("id", registry.register(subject, schema(body)));
                return out;
            }
            if (p.length == 3 && p[2].equals("versions") && method.equals("GET")) {
                List<Integer> ids = versions(subject);
                ArrayNode out = JSON.createArrayNode();
                for (int v = 1; v <= ids.size(); v++) {
                    out.add(v);
                }
                return out;
            }
            if ((p.length == 4 || p.length == 5 && p[4].equals("schema")) && p[2].equals("versions")
                    && method.equals("GET")) {
                List<Integer> ids = versions(subject);
                int v = versionNumber(p[3], ids.size());
                if (v < 1 || v > ids.size()) {
                    throw new RegistryException(RegistryException.Kind.SCHEMA_NOT_FOUND, 404, 40402,
                            "Version " + p[3] + " not found.", null);
                }
                Schema schema = registry.schemaById(ids.get(v - 1));
                return p.length == 5 ? JSON.readTree(schema.toString()) : version(subject, v, ids.get(v - 1), schema);
            }
            return null;
        }
        if (p.length == 3 && p[0].equals("schemas") && p[1].equals("ids") && method.equals("GET")) {
            int id;
            try {
                id = Integer.parseInt(p[2]);
            } catch (NumberFormatException e) {
                throw new RegistryException(RegistryException.Kind.SCHEMA_NOT_FOUND, 404, 40403,
                        "Schema " + p[2] + " not found", null);
            }
            ObjectNode out = JSON.createObjectNode();
            out.put("schema", registry.schemaById(id).toString());
            return out;
        }
        if (p.length == 5 && p[0].equals("compatibility") && p[1].equals("subjects") && p[3].equals("versions")
                && method.equals("POST")) {
            String subject = p[2];
            List<Integer> ids = versions(subject);
            int v = versionNumber(p[4], ids.size());
            if (v != ids.size()) {
                throw new IllegalArgumentException("only the latest version is checked here; ask for versions/latest");
            }
            CompatibilityResult r = registry.checkCompatibility(subject, schema(body));
            ObjectNode out = JSON.createObjectNode();
            out.put("is_compatible", r.compatible());
            ArrayNode messages = out.putArray("messages");
            r.messages().forEach(messages::add);
            return out;
        }
        if (p.length >= 1 && p.length <= 2 && p[0].equals("config")) {
            String subject = p.length == 2 ? p[1] : null;
            if (method.equals("PUT")) {
                JsonNode req = JSON.readTree(body);
                CompatibilityLevel level = level(req == null ? null : req.path("compatibility").asText(null));
                if (subject == null) {
                    registry.setDefaultCompatibility(level);
                } else {
                    registry.setCompatibility(subject, level);
                }
                ObjectNode out = JSON.createObjectNode();
                out.put("compatibility", level.name());
                return out;
            }
            if (method.equals("GET")) {
                ObjectNode out = JSON.createObjectNode();
                out.put("compatibilityLevel", (subject == null ? registry.defaultCompatibility()
                        : registry.compatibility(subject)).name());
                return out;
            }
        }
        return null;
    }

    /** The subject's version ids; 40401 when it has none. */
    private List<Integer> versions(String subject) {
        List<Integer> ids = registry.versions(subject);
        if (ids == null || ids.isEmpty()) {
            throw new RegistryException(RegistryException.Kind.SUBJECT_NOT_FOUND, 404, 40401,
                    "Subject '" + subject + "' not found.", null);
        }
        return ids;
    }

    private static int versionNumber(String text, int latest) {
        if (text.equals("latest") || text.equals("-1")) {
            return latest;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new RegistryException(RegistryException.Kind.SCHEMA_NOT_FOUND, 404, 40402,
                    "Version " + text + " not found.", null);
        }
    }

    private static CompatibilityLevel level(String text) {
        try {
            return CompatibilityLevel.valueOf(String.valueOf(text).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RegistryException(RegistryException.Kind.INCOMPATIBLE, 422, 42203, "Invalid compatibility level "
                    + text + "; one of " + java.util.Arrays.toString(CompatibilityLevel.values()), null);
        }
    }

    private static Schema schema(InputStream body) throws IOException {
        JsonNode req = JSON.readTree(body);
        if (req == null || !req.path("schema").isTextual()) {
            throw new RegistryException(RegistryException.Kind.INVALID_SCHEMA, 422, 42201,
                    "Invalid schema: the body must be {\"schema\": \"<the schema as a JSON string>\"}", null);
        }
        String type = req.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new RegistryException(RegistryException.Kind.INVALID_SCHEMA, 422, 42201,
                    "Invalid schema: only AVRO schemas are kept here, was " + type, null);
        }
        if (req.path("references").isArray() && !req.path("references").isEmpty()) {
            throw new RegistryException(RegistryException.Kind.INVALID_SCHEMA, 422, 42201,
                    "Invalid schema: references are not supported here; register the schema with its types inline",
                    null);
        }
        return new Schema.Parser().parse(req.path("schema").asText());
    }

    private static ObjectNode version(String subject, int version, int id, Schema schema) {
        ObjectNode out = JSON.createObjectNode();
        out.put("subject", subject);
        out.put("version", version);
        out.put("id", id);
        out.put("schema", schema.toString());
        return out;
    }

    private static JsonNode error(HttpExchange x, int status, int code, String message) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        out.put("error_code", code == 0 ? status : code);
        out.put("message", message);
        x.sendResponseHeaders(status, 0);
        return out;
    }

    private static String[] segments(String rawPath) {
        String trimmed = rawPath.replaceAll("^/+|/+$", "");
        if (trimmed.isEmpty()) {
            return new String[0];
        }
        String[] parts = trimmed.split("/");
        for (int i = 0; i < parts.length; i++) {
            parts[i] = URLDecoder.decode(parts[i], StandardCharsets.UTF_8);
        }
        return parts;
    }
}
