package dev.enricher.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class JsonRenderingTest {
    private static final Schema SCHEMA = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":["
            + "{\"name\":\"blobs\",\"type\":{\"type\":\"array\",\"items\":\"bytes\"}},"
            + "{\"name\":\"scores\",\"type\":{\"type\":\"map\",\"values\":\"double\"}},"
            + "{\"name\":\"color\",\"type\":{\"type\":\"enum\",\"name\":\"Color\",\"symbols\":[\"RED\",\"BLUE\"]}},"
            + "{\"name\":\"hash\",\"type\":{\"type\":\"fixed\",\"name\":\"H\",\"size\":2}},"
            + "{\"name\":\"day\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"}},"
            + "{\"name\":\"maybe\",\"type\":[\"null\",\"string\",\"long\"]}]}");

    @Test
    void rendersEveryAvroShapeAsPlainJson() {
        GenericRecord r = new GenericData.Record(SCHEMA);
        r.put("blobs", List.of(ByteBuffer.wrap("hi".getBytes()), ByteBuffer.wrap(new byte[] {(byte) 0xff})));
        r.put("scores", Map.of("nan", Double.NaN));
        r.put("color", new GenericData.EnumSymbol(SCHEMA.getField("color").schema(), "BLUE"));
        r.put("hash", new GenericData.Fixed(SCHEMA.getField("hash").schema(), new byte[] {'o', 'k'}));
        r.put("day", 20_000);
        r.put("maybe", 5L);
        ObjectNode json = JsonRendering.record(r);
        assertThat(json.toString()).isEqualTo("{\"blobs\":[{\"value\":\"hi\",\"encoding\":\"utf8\"},"
                + "{\"value\":\"" + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff}) + "\",\"encoding\":\"base64\"}],"
                + "\"scores\":{\"nan\":\"NaN\"},\"color\":\"BLUE\",\"hash\":\"ok\",\"hash_encoding\":\"utf8\","
                + "\"day\":\"2024-10-04\",\"maybe\":5}");
    }

    @Test
    void bytesReadsTheRemainingBytesWithoutMovingTheBuffer() {
        ByteBuffer b = ByteBuffer.wrap(new byte[] {1, 2, 3});
        b.get();
        assertThat(JsonRendering.bytes(b)).containsExactly(2, 3);
        assertThat(b.position()).isEqualTo(1);
        assertThat(JsonRendering.utf8OrNull(new byte[] {(byte) 0xc3, (byte) 0x28})).isNull();
    }
}
