package dev.enricher.serde;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach a Schema Registry over the Confluent REST API. Validated when built; the bad value is in the
 * message, except secrets, which are never printed: {@link #toString()} masks the password and the token.
 *
 * <p>Build with {@link #of(String)} and the {@code with...} methods:
 * <pre>{@code
 * RegistryConfig.of("https://registry.example:8081")
 *     .withBasicAuth("svc-enricher", secret)
 *     .withTls(RegistryConfig.Tls.trustStore(Path.of("/etc/tls/truststore.p12"), "changeit", "PKCS12"))
 *     .withAutoRegister(false);
 * }</pre>
 *
 * @param url            the registry's base URL, http or https, without credentials, query or fragment; for Apicurio
 *                       the Confluent-compatible root, e.g. {@code http://host:8080/apis/ccompat/v7}. A trailing
 *                       slash is dropped.
 * @param username       basic-auth user, or null for none (then {@code password} is null too)
 * @param password       basic-auth password, or null for none
 * @param bearerToken    a bearer token, or null for none; not together with basic auth
 * @param tls            trust and key stores for https, or null for the JVM's defaults
 * @param connectTimeout bound on opening a connection
 * @param requestTimeout bound on one request, from sending to the whole answer
 * @param autoRegister   whether serializers register a schema that the subject does not have yet; when false
 *                       they only look it up (for locked-down registries)
 */
public record RegistryConfig(
        URI url,
        String username,
        String password,
        String bearerToken,
        Tls tls,
        Duration connectTimeout,
        Duration requestTimeout,
        boolean autoRegister) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    public RegistryConfig {
        url = validateUrl(url);
        if (username != null && username.isBlank()) {
            throw new IllegalArgumentException("schema registry basic-auth user is blank: give a user name or no basic auth");
        }
        if (username != null && username.indexOf(':') >= 0) {
            throw new IllegalArgumentException("schema registry basic-auth user '" + username + "' contains ':', which basic auth cannot carry");
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("schema registry basic auth needs both a user and a password (only one is set)");
        }
        if (bearerToken != null && bearerToken.isBlank()) {
            throw new IllegalArgumentException("schema registry bearer token is blank: give a token or none");
        }
        if (bearerToken != null && username != null) {
            throw new IllegalArgumentException("schema registry: choose basic auth or a bearer token, not both");
        }
        connectTimeout = positive(connectTimeout, "connect timeout");
        requestTimeout = positive(requestTimeout, "request timeout");
    }

    /** A configuration for {@code url}, without authentication, with the JVM's TLS defaults, default timeouts and auto-register on. */
    public static RegistryConfig of(String url) {
        return new RegistryConfig(parse(url), null, null, null, null, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, true);
    }

    /** The same settings (credentials, TLS, timeouts) for another registry URL. */
    public RegistryConfig withUrl(String url) {
        return new RegistryConfig(parse(url), username, password, bearerToken, tls, connectTimeout, requestTimeout,
                autoRegister);
    }

    public RegistryConfig withBasicAuth(String username, String password) {
        return new RegistryConfig(url, Objects.requireNonNull(username, "username"), Objects.requireNonNull(password, "password"),
                null, tls, connectTimeout, requestTimeout, autoRegister);
    }

    public RegistryConfig withBearerToken(String token) {
        return new RegistryConfig(url, null, null, Objects.requireNonNull(token, "token"), tls, connectTimeout, requestTimeout, autoRegister);
    }

    public RegistryConfig withTls(Tls tls) {
        return new RegistryConfig(url, username, password, bearerToken, tls, connectTimeout, requestTimeout, autoRegister);
    }

    public RegistryConfig withTimeouts(Duration connectTimeout, Duration requestTimeout) {
        return new RegistryConfig(url, username, password, bearerToken, tls, connectTimeout, requestTimeout, autoRegister);
    }

    public RegistryConfig withAutoRegister(boolean autoRegister) {
        return new RegistryConfig(url, username, password, bearerToken, tls, connectTimeout, requestTimeout, autoRegister);
    }

    @Override
    public String toString() {
        return "RegistryConfig[url=" + url
                + (username == null ? "" : ", basicAuth=" + username + ":****")
                + (bearerToken == null ? "" : ", bearerToken=****")
                + ", tls=" + (tls == null ? "jvm-default" : tls)
                + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout
                + ", autoRegister=" + autoRegister + "]";
    }

    /**
     * Key material for https: a trust store for the registry's certificate (null: the JVM's default trust) and,
     * for mutual TLS, a key store with this client's key (null: no client certificate). Types are what
     * {@link java.security.KeyStore#getInstance(String)} accepts (PKCS12, JKS); null means PKCS12.
     */
    public record Tls(
            Path trustStore, String trustStorePassword, String trustStoreType,
            Path keyStore, String keyStorePassword, String keyStoreType) {

        public Tls {
            if (trustStore == null && keyStore == null) {
                throw new IllegalArgumentException("schema registry TLS: give a trust store, a key store or both (or no TLS settings for the JVM defaults)");
            }
            trustStoreType = trustStoreType == null ? "PKCS12" : trustStoreType;
            keyStoreType = keyStoreType == null ? "PKCS12" : keyStoreType;
        }

        /** Trust the registry's certificate through this store; no client certificate. */
        public static Tls trustStore(Path path, String password, String type) {
            return new Tls(Objects.requireNonNull(path, "path"), password, type, null, null, null);
        }

        /** This store's key as the client certificate (mutual TLS) in addition to the trust store. */
        public Tls withKeyStore(Path path, String password, String type) {
            return new Tls(trustStore, trustStorePassword, trustStoreType, Objects.requireNonNull(path, "path"), password, type);
        }

        @Override
        public String toString() {
            return "Tls[trustStore=" + (trustStore == null ? "jvm-default" : trustStore + " (" + trustStoreType + ")")
                    + ", keyStore=" + (keyStore == null ? "none" : keyStore + " (" + keyStoreType + ")")
                    + ", passwords=****]";
        }
    }

    private static URI parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("schema registry URL is missing: give e.g. http://localhost:8081");
        }
        try {
            return new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("schema registry URL '" + url + "' is not a URL: " + e.getReason(), e);
        }
    }

    private static URI validateUrl(URI url) {
        Objects.requireNonNull(url, "schema registry URL is missing: give e.g. http://localhost:8081");
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            // Without the user info: it may hold a password.
            throw new IllegalArgumentException("schema registry URL must start with http:// or https://, got scheme '" + scheme + "'");
        }
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("schema registry URL must not carry credentials: give them as basic auth instead");
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("schema registry URL '" + url + "' has no host");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("schema registry URL '" + url + "' must not have a query or fragment");
        }
        String s = url.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s);
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, "schema registry " + what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("schema registry " + what + " must be positive, got " + d);
        }
        return d;
    }
}
