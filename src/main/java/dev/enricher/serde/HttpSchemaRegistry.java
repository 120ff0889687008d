package dev.enricher.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import java.util.HashSet;
import java.util.Set;
import org.apache.avro.AvroRuntimeException;

/**
 * A {@link SchemaRegistry} over the Confluent REST API (Confluent Schema Registry and Cloud, Apicurio's
 * {@code /apis/ccompat/v7}, Karapace, Redpanda), on the JDK's {@link HttpClient}: it runs on Kafka's threads and
 * at start-up, where no event loop exists.
 *
 * <p>Every call blocks for at most the configured request timeout and makes exactly one HTTP request; nothing
 * is cached here (wrap it in {@link CachingSchemaRegistry}). Thread-safe. Failures are {@link RegistryException}s
 * whose message names the operation, the subject or id, and quotes the registry's own {@code message}; they
 * never carry credentials.
 */
public final class HttpSchemaRegistry implements SchemaRegistry {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_QUOTED_BODY = 500;
    private static final int MAX_REFERENCE_DEPTH = 32;

    private final RegistryConfig config;
    private final HttpClient http;
    private final String authorization;
    private final AtomicLong requests = new AtomicLong();

    /**
     * @throws IllegalArgumentException when the TLS stores in {@code config} cannot be read (the message names the
     *                                  store, never its password)
     */
    public HttpSchemaRegistry(RegistryConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (config.tls() != null) {
            builder.sslContext(sslContext(config.tls()));
        }
        this.http = builder.build();
        if (config.username() != null) {
            String pair = config.username() + ":" + config.password();
            this.authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        } else if (config.bearerToken() != null) {
            this.authorization = "Bearer " + config.bearerToken();
        } else {
            this.authorization = null;
        }
    }

    /** The configuration this client was built with; its {@code toString} masks the secrets. */
    public RegistryConfig config() {
        return config;
    }

    /** HTTP requests sent so far, answered or not. */
    public long httpRequests() {
        return requests.get();
    }

    @Override
    public int register(String subject, Schema schema) {
        Operation op = new Operation("register a schema under subject '" + subject + "'", Target.SUBJECT);
        JsonNode answer = send(op, post("/subjects/" + encode(subject) + "/versions", body(schema)));
        return intField(op, answer, "id");
    }

    @Override
    public Schema schemaById(int id) {
        Operation op = new Operation("read the schema with id " + id, Target.SCHEMA);
        JsonNode answer = send(op, get("/schemas/ids/" + id));
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new RegistryException(RegistryException.Kind.INVALID_SCHEMA, 200, 0,
                    "Schema Registry: cannot " + op.what + ": it is a " + type + " schema, not Avro", null);
        }
        String text = answer.path("schema").asText(null);
        if (text == null) {
            throw unexpected(op, answer);
        }
        try {
            Schema.Parser parser = new Schema.Parser();
            defineReferences(op, parser, answer.path("references"), new HashSet<>(), 0);
            return parser.parse(text);
        } catch (AvroRuntimeException e) {
            throw new RegistryException(RegistryException.Kind.INVALID_SCHEMA, 200, 0,
                    "Schema Registry: cannot " + op.what + ": the registry's schema is not valid Avro: " + e.getMessage(), e);
        }
    }

    /**
     * Parses the schemas that a schema references (Confluent schema references: named types registered under
     * their own subjects, as Apicurio's serializer does for nested records) into {@code parser}, dependencies
     * first, so the referring schema can name them. One request per referenced subject version.
     */
    private void defineReferences(Operation op, Schema.Parser parser, JsonNode references, Set<String> defined, int depth) {
        if (!references.isArray() || references.isEmpty()) {
            return;
        }
        if (depth > MAX_REFERENCE_DEPTH) {
            throw new RegistryException(RegistryException.Kind.INVALID_SCHEMA, 200, 0,
                    "Schema Registry: cannot " + op.what + ": schema references nest deeper than " + MAX_REFERENCE_DEPTH
                            + " (a cycle?)", null);
        }
        for (JsonNode ref : references) {
            String subject = ref.path("subject").asText(null);
            JsonNode version = ref.get("version");
            if (subject == null || version == null || !version.canConvertToInt()) {
                throw unexpected(op, ref);
            }
            if (!defined.add(subject + "@" + version.intValue())) {
                continue;
            }
            Operation refOp = new Operation(op.what + " (its reference " + ref.path("name").asText(subject) + ": subject '"
                    + subject + "' version " + version.intValue() + ")", Target.SCHEMA);
            JsonNode referenced = send(refOp, get("/subjects/" + encode(subject) + "/versions/" + version.intValue()));
            defineReferences(refOp, parser, referenced.path("references"), defined, depth + 1);
            String text = referenced.path("schema").asText(null);
            if (text == null) {
                throw unexpected(refOp, referenced);
            }
            parser.parse(text);
        }
    }

    @Override
    public int lookup(String subject, Schema schema) {
        Operation op = new Operation("look up a schema under subject '" + subject + "'", Target.SUBJECT);
        JsonNode answer = send(op, post("/subjects/" + encode(subject), body(schema)));
        return intField(op, answer, "id");
    }

    @Override
    public CompatibilityResult checkCompatibility(String subject, Schema schema) {
        Operation op = new Operation("check compatibility of a schema with subject '" + subject + "'", Target.SUBJECT);
        JsonNode answer;
        try {
            answer = send(op, post("/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true", body(schema)));
        } catch (RegistryException e) {
            // A subject without versions accepts anything; Confluent answers 40401 (subject) or 40402 (no version).
            if (e.kind() == RegistryException.Kind.SUBJECT_NOT_FOUND || e.errorCode() == 40402) {
                return CompatibilityResult.ok();
            }
            throw e;
        }
        JsonNode flag = answer.get("is_compatible");
        if (flag == null || !flag.isBoolean()) {
            throw unexpected(op, answer);
        }
        List<String> messages = new ArrayList<>();
        answer.path("messages").forEach(m -> messages.add(m.isTextual() ? m.asText() : m.toString()));
        return new CompatibilityResult(flag.booleanValue(), messages);
    }

    /** Nothing to release on Java 17: the JDK client's pooled connections close when idle. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "HttpSchemaRegistry[" + config.url() + "]";
    }

    // ---- HTTP ----

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(config.url() + path))
                .timeout(config.requestTimeout())
                .header("Accept", ACCEPT);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private HttpRequest get(String path) {
        return request(path).GET().build();
    }

    private HttpRequest post(String path, String body) {
        return request(path)
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
    }

    private JsonNode send(Operation op, HttpRequest request) {
        requests.incrementAndGet();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new RegistryException(RegistryException.Kind.UNREACHABLE, 0, 0,
                    "Schema Registry at " + config.url() + " did not answer in time when trying to " + op.what
                            + " (" + e.getMessage() + "): check the URL, the network and the timeouts", e);
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.UNREACHABLE, 0, 0,
                    "Schema Registry at " + config.url() + " is unreachable when trying to " + op.what + ": "
                            + describe(e) + ": check the URL, the network and TLS settings", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.UNREACHABLE, 0, 0,
                    "Interrupted while waiting for the Schema Registry at " + config.url() + " to " + op.what, e);
        }
        int status = response.statusCode();
        JsonNode json = parse(response.body());
        if (status >= 200 && status < 300) {
            if (json == null || !json.isObject()) {
                throw unexpected(op, status, response.body());
            }
            return json;
        }
        throw error(op, status, json, response.body());
    }

    private RegistryException error(Operation op, int status, JsonNode json, String rawBody) {
        int code = json != null && json.path("error_code").canConvertToInt() ? json.path("error_code").asInt() : 0;
        String registryMessage = json != null && json.path("message").isTextual()
                ? json.path("message").asText()
                : truncate(rawBody);
        RegistryException.Kind kind = kind(op, status, code);
        StringBuilder msg = new StringBuilder("Schema Registry refused to ").append(op.what)
                .append(" (HTTP ").append(status);
        if (code != 0) {
            msg.append(", error ").append(code);
        }
        msg.append(")");
        if (!registryMessage.isBlank()) {
            msg.append(": ").append(registryMessage);
        }
        String hint = hint(kind);
        if (!hint.isEmpty()) {
            msg.append(" [").append(hint).append("]");
        }
        return new RegistryException(kind, status, code, msg.toString(), null);
    }

    static RegistryException.Kind kind(Operation op, int status, int code) {
        if (status == 401 || status == 403) {
            return RegistryException.Kind.UNAUTHORIZED;
        }
        switch (code) {
            case 40401:
                return RegistryException.Kind.SUBJECT_NOT_FOUND;
            case 40402:
            case 40403:
                return RegistryException.Kind.SCHEMA_NOT_FOUND;
            case 409:
                return RegistryException.Kind.INCOMPATIBLE;
            case 42201:
                return RegistryException.Kind.INVALID_SCHEMA;
            default:
                break;
        }
        if (status == 409) {
            return RegistryException.Kind.INCOMPATIBLE;
        }
        if (status == 404 && code == 0) {
            // No Confluent code (a proxy, or a registry that does not send one): the operation tells what is missing.
            return op.target == Target.SCHEMA ? RegistryException.Kind.SCHEMA_NOT_FOUND : RegistryException.Kind.REGISTRY_ERROR;
        }
        if (status == 422 && code == 0) {
            return RegistryException.Kind.INVALID_SCHEMA;
        }
        return RegistryException.Kind.REGISTRY_ERROR;
    }

    private static String hint(RegistryException.Kind kind) {
        switch (kind) {
            case UNAUTHORIZED:
                return "check the registry credentials and their permissions";
            case INCOMPATIBLE:
                return "the subject's compatibility rule refuses this schema: make the change compatible (e.g. add fields with defaults) or change the rule";
            default:
                return "";
        }
    }

    private RegistryException unexpected(Operation op, JsonNode answer) {
        return new RegistryException(RegistryException.Kind.REGISTRY_ERROR, 200, 0,
                "Schema Registry answered an unexpected body when trying to " + op.what + ": " + truncate(answer.toString()), null);
    }

    private RegistryException unexpected(Operation op, int status, String body) {
        return new RegistryException(RegistryException.Kind.REGISTRY_ERROR, status, 0,
                "Schema Registry answered an unexpected body (HTTP " + status + ") when trying to " + op.what + ": " + truncate(body), null);
    }

    private int intField(Operation op, JsonNode answer, String field) {
        JsonNode n = answer.get(field);
        if (n == null || !n.canConvertToInt()) {
            throw unexpected(op, answer);
        }
        return n.intValue();
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String body(Schema schema) {
        Objects.requireNonNull(schema, "schema");
        ObjectNode node = JSON.createObjectNode();
        node.put("schema", schema.toString());
        return node.toString();
    }

    static String encode(String subject) {
        Objects.requireNonNull(subject, "subject");
        if (subject.isEmpty()) {
            throw new IllegalArgumentException("subject is empty");
        }
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String truncate(String s) {
        if (s == null) {
            return "";
        }
        String t = s.strip();
        return t.length() <= MAX_QUOTED_BODY ? t : t.substring(0, MAX_QUOTED_BODY) + "...";
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 300; t = t.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                sb.append(" ").append(t.getMessage());
            }
        }
        return sb.toString();
    }

    private static SSLContext sslContext(RegistryConfig.Tls tls) {
        try {
            TrustManagerFactory tmf = null;
            if (tls.trustStore() != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(tls.trustStore(), tls.trustStorePassword(), tls.trustStoreType()));
            }
            KeyManagerFactory kmf = null;
            if (tls.keyStore() != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                char[] pw = tls.keyStorePassword() == null ? new char[0] : tls.keyStorePassword().toCharArray();
                kmf.init(load(tls.keyStore(), tls.keyStorePassword(), tls.keyStoreType()), pw);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            // The cause's message names the store problem; passwords are never in it.
            throw new IllegalArgumentException("schema registry TLS settings cannot be used (" + tls + "): " + e.getMessage(), e);
        }
    }

    private static KeyStore load(java.nio.file.Path path, String password, String type) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(path)) {
            ks.load(in, password == null ? null : password.toCharArray());
        }
        return ks;
    }

    enum Target { SUBJECT, SCHEMA }

    /** What a request was for, in words for messages, and whether it addressed a subject or a schema id. */
    static final class Operation {
        final String what;
        final Target target;

        Operation(String what, Target target) {
            this.what = what;
            this.target = target;
        }
    }
}
