package example;

import dev.enricher.avro.EnrichedEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Reads the enriched topic's values (Confluent wire format: magic byte 0, 4-byte schema id, Avro binary) into the
 * generated {@link EnrichedEvent}, resolving each record's writer schema (fetched once per id from the registry's
 * Confluent REST API) against the schema the classes were generated from. Written by hand only because Confluent's
 * KafkaAvroDeserializer is not on Maven Central; with it, set {@code specific.avro.reader=true} instead.
 */
public final class RegistryDecoder {
    /** Finds the generated classes where this class was loaded from (also under a plugin or test class loader). */
    private static final SpecificData MODEL = new SpecificData(EnrichedEvent.class.getClassLoader());
    private final HttpClient http = HttpClient.newHttpClient();
    private final String registryUrl;
    private final Map<Integer, SpecificDatumReader<EnrichedEvent>> readers = new ConcurrentHashMap<>();

    /** @param registryUrl e.g. {@code http://127.0.0.1:8085} or Apicurio's {@code .../apis/ccompat/v7} */
    public RegistryDecoder(String registryUrl) {
        this.registryUrl = registryUrl.replaceAll("/+$", "");
    }

    public EnrichedEvent decode(byte[] framed) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(framed);
        if (framed.length < 5 || b.get() != 0) {
            throw new IOException("not a schema-registry framed Avro record");
        }
        int id = b.getInt();
        SpecificDatumReader<EnrichedEvent> reader = readers.get(id);
        if (reader == null) {
            reader = new SpecificDatumReader<>(writerSchema(id), EnrichedEvent.getClassSchema(),
                    MODEL);
            readers.put(id, reader);
        }
        return reader.read(null, DecoderFactory.get().binaryDecoder(framed, 5, framed.length - 5, null));
    }

    private Schema writerSchema(int id) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(registryUrl + "/schemas/ids/" + id)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("registry answered " + response.statusCode() + " for schema id " + id);
            }
            String schema = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body())
                    .path("schema").asText();
            return new Schema.Parser().parse(schema);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
