package dev.stepwise.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepwise.infra.testing.SharedInfra;
import dev.stepwise.schemas.EventSamples;
import dev.stepwise.schemas.serde.AvroSerdes;
import dev.stepwise.schemas.topics.Topic;
import dev.stepwise.schemas.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What Stepwise writes is read back by a decoder that shares no code with Stepwise's serde and
 * does what Confluent's {@code KafkaAvroDeserializer} does: check magic byte 0, read the 4-byte
 * big-endian schema id, fetch {@code GET /schemas/ids/{id}} from the real registry over plain HTTP,
 * and decode the Avro body with the writer schema it got back. If the framing, the id or the
 * registered schema were off, this decoder would fail or read different values.
 */
@ExtendWith(SharedInfra.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConfluentWireFormatIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anIndependentConfluentStyleDecoderReadsEveryEventTypeStepwiseWrites() throws Exception {
        final Topics topics = SharedInfra.freshTopics("wire-format");
        final AvroSerdes serdes = new AvroSerdes(SharedInfra.registryClient());
        final HttpClient http = HttpClient.newHttpClient();
        // The same logical-type conversion the generated classes use, so values print alike.
        final GenericData generic = new GenericData();
        generic.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());

        for (final Topic<?> topic : topics.eventTopics()) {
            final SpecificRecord sample = (SpecificRecord) EventSamples.sampleFor(topic);
            final byte[] bytes = serialize(serdes, topic, sample);

            assertThat(bytes[0]).as("magic byte").isZero();
            final int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create(SharedInfra.registryUrl() + "/schemas/ids/" + id)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            final JsonNode body = JSON.readTree(response.body());
            final Schema writer = new Schema.Parser().parse(body.get("schema").asText());
            assertThat(writer).as("the registered schema is the writer's").isEqualTo(sample.getSchema());

            final BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
            final GenericRecord decoded = new GenericDatumReader<GenericRecord>(writer, writer, generic).read(null, decoder);
            assertThat(decoder.isEnd()).as("the body is exactly one record").isTrue();
            // Compared as JSON trees: maps (Strategy.params, AnswerPublished.callsByRole) print in hash order.
            assertThat(JSON.readTree(generic.toString(decoded))).as(topic.name()).isEqualTo(JSON.readTree(sample.toString()));
        }
    }

    @SuppressWarnings("unchecked")
    private static <V> byte[] serialize(final AvroSerdes serdes, final Topic<V> topic, final Object value) {
        return serdes.valueSerde(topic).serializer().serialize(topic.name(), (V) value);
    }
}
