/**
 * Avro in the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary) and the Schema Registry it needs:
 * Kafka serializers and deserializers ({@code AvroSerializer}, {@code AvroDeserializer}, {@code AvroSerdes}), subject
 * naming, a REST client of the Confluent Schema Registry API ({@code HttpSchemaRegistry}: Confluent, Apicurio,
 * Karapace, Redpanda), a cache in front of it, an in-memory registry for development, and the start-up check that
 * the output schemas are registered and compatible ({@code SchemaRegistration}). Input decoders live in
 * {@code serde.decode}.
 *
 * <p>Bad bytes end as a {@code SerdeException} that says whether the record is at fault, never a raw Avro or JDK
 * exception, and messages never quote payloads. Registry credentials are masked everywhere.
 *
 * <p>May use: Kafka's serialization API, Avro, Jackson, the JDK's HTTP client. Never Vert.x, the API client, the
 * engine or the tasks (an ArchUnit rule keeps it so).
 */
package dev.enricher.serde;
