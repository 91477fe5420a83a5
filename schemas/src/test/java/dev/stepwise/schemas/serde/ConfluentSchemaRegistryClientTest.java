package dev.stepwise.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepwise.schemas.avro.PromptSubmitted;
import dev.stepwise.schemas.avro.StepVerified;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ConfluentSchemaRegistryClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FAST_BACKOFF = Duration.ofMillis(10);

    private RegistryStub stub;
    private ConfluentSchemaRegistryClient client;

    @BeforeEach
    void startStub() throws IOException {
        stub = new RegistryStub();
        client = new ConfluentSchemaRegistryClient(stub.uri(), Duration.ofSeconds(5), 4, FAST_BACKOFF);
    }

    @AfterEach
    void stopStub() {
        client.close();
        stub.close();
    }

    @Test
    void registerPostsTheSchemaAsAJsonStringWithTheRegistryContentTypeAndReturnsTheId() throws IOException {
        stub.respond(200, "{\"id\":42}");

        final int id = client.register("stepwise.prompts-value", PromptSubmitted.SCHEMA$);

        assertThat(id).isEqualTo(42);
        final RegistryStub.Request request = stub.onlyRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.rawPath()).isEqualTo("/subjects/stepwise.prompts-value/versions");
        assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        final JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("schema").isTextual()).as("schema is sent as a string, not an object").isTrue();
        assertThat(new Schema.Parser().parse(body.get("schema").textValue())).isEqualTo(PromptSubmitted.SCHEMA$);
        assertThat(body.get("schemaType").textValue()).isEqualTo("AVRO");
        assertThat(request.authorization()).as("no credentials, no Authorization header").isNull();
    }

    @Test
    void baseUrlWithAPathAndATrailingSlashIsJoinedWithoutADoubleSlash() {
        client.close();
        client = new ConfluentSchemaRegistryClient(URI.create(stub.uri() + "/apis/ccompat/v7/"), Duration.ofSeconds(5), 1,
                FAST_BACKOFF);
        stub.respond(200, "[\"a-value\"]");

        assertThat(client.subjects()).containsExactly("a-value");
        assertThat(stub.onlyRequest().rawPath()).isEqualTo("/apis/ccompat/v7/subjects");
        assertThat(client.baseUrl()).isEqualTo(stub.uri() + "/apis/ccompat/v7");
    }

    @Test
    void createAcceptsAUrlString() {
        try (ConfluentSchemaRegistryClient created = ConfluentSchemaRegistryClient.create(stub.uri() + "/")) {
            stub.respond(200, "[]");
            assertThat(created.subjects()).isEmpty();
            assertThat(stub.onlyRequest().rawPath()).isEqualTo("/subjects");
        }
    }

    @Test
    void subjectIsEncodedAsOnePathSegment() {
        stub.respond(200, "{\"id\":1}");

        client.register("odd/subject name", StepVerified.SCHEMA$);

        assertThat(stub.onlyRequest().rawPath()).isEqualTo("/subjects/odd%2Fsubject%20name/versions");
    }

    @Test
    void schemaByIdGetsAndParsesTheSchemaString() throws IOException {
        stub.respond(200, JSON.writeValueAsString(JSON.createObjectNode().put("schema", StepVerified.SCHEMA$.toString())));

        final Schema schema = client.schemaById(7);

        assertThat(schema).isEqualTo(StepVerified.SCHEMA$);
        final RegistryStub.Request request = stub.onlyRequest();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.rawPath()).isEqualTo("/schemas/ids/7");
    }

    @Test
    void schemaByIdRefusesANonAvroSchema() {
        stub.respond(200, "{\"schema\":\"syntax = \\\"proto3\\\";\",\"schemaType\":\"PROTOBUF\"}");

        assertThatThrownBy(() -> client.schemaById(3))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("PROTOBUF");
    }

    @Test
    void subjectsAndVersionsAreListed() {
        stub.respond(200, "[\"stepwise.prompts-value\",\"stepwise.answers-value\"]").respond(200, "[1,2,5]");

        assertThat(client.subjects()).containsExactly("stepwise.prompts-value", "stepwise.answers-value");
        assertThat(client.versions("stepwise.prompts-value")).containsExactly(1, 2, 5);
        assertThat(stub.requests()).extracting(RegistryStub.Request::rawPath)
                .containsExactly("/subjects", "/subjects/stepwise.prompts-value/versions");
    }

    @Test
    void compatibilityLevelIsReadFromAndWrittenToConfig() throws IOException {
        stub.respond(200, "{\"compatibilityLevel\":\"NONE\"}").respond(200, "{\"compatibility\":\"BACKWARD\"}");

        assertThat(client.compatibilityLevel()).isEqualTo("NONE");
        client.setCompatibilityLevel("backward");

        final RegistryStub.Request put = stub.requests().get(1);
        assertThat(stub.requests().get(0).method()).isEqualTo("GET");
        assertThat(stub.requests().get(0).rawPath()).isEqualTo("/config");
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.rawPath()).isEqualTo("/config");
        assertThat(put.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(JSON.readTree(put.body())).isEqualTo(JSON.readTree("{\"compatibility\":\"BACKWARD\"}"));
    }

    @Test
    void isCompatibleReportsTheRegistryVerdictForTheLatestVersion() throws IOException {
        stub.respond(200, "{\"is_compatible\":true}").respond(200, "{\"is_compatible\":false}");

        assertThat(client.isCompatible("s-value", StepVerified.SCHEMA$)).isTrue();
        assertThat(client.isCompatible("s-value", StepVerified.SCHEMA$)).isFalse();

        final RegistryStub.Request request = stub.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.rawPath()).isEqualTo("/compatibility/subjects/s-value/versions/latest");
        assertThat(JSON.readTree(request.body()).get("schema").textValue()).isEqualTo(StepVerified.SCHEMA$.toString());
    }

    @Test
    void isCompatibleTreatsAnUnknownSubjectAsCompatible() {
        stub.respond(404, "{\"error_code\":40401,\"message\":\"Subject 'new-value' not found.\"}");

        assertThat(client.isCompatible("new-value", StepVerified.SCHEMA$)).isTrue();
    }

    @Test
    void isCompatibleFailsOnA404ThatIsNotAboutTheSubject() {
        // A 404 without a Confluent error code is what a wrong base URL gets; it must not pass as "compatible".
        stub.respond(404, "<html>Not Found</html>");

        final SchemaRegistryException error = catchThrowableOfType(SchemaRegistryException.class,
                () -> client.isCompatible("s-value", StepVerified.SCHEMA$));

        assertThat(error.status()).isEqualTo(404);
        assertThat(error.errorCode()).isZero();
        assertThat(error).hasMessageContaining("Not Found");
    }

    @Test
    void retriesAfterTwo503sAndReturnsTheThirdAnswer() {
        stub.respond(503, "{\"error_code\":50003,\"message\":\"Error while forwarding the request to the leader\"}")
                .respond(503, "")
                .respond(200, "{\"id\":9}");

        assertThat(client.register("s-value", StepVerified.SCHEMA$)).isEqualTo(9);
        assertThat(stub.requests()).hasSize(3)
                .allSatisfy(request -> assertThat(request.rawPath()).isEqualTo("/subjects/s-value/versions"));
    }

    @Test
    void retriesWhenRateLimited() {
        stub.respond(429, "{\"error_code\":429,\"message\":\"Rate limit exceeded\"}").respond(200, "[]");

        assertThat(client.subjects()).isEmpty();
        assertThat(stub.requests()).hasSize(2);
    }

    @Test
    void givesUpAfterMaxAttemptsOfServerErrors() {
        for (int i = 0; i < 10; i++) {
            stub.respond(500, "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}");
        }

        final SchemaRegistryException error = catchThrowableOfType(SchemaRegistryException.class, () -> client.subjects());

        assertThat(stub.requests()).hasSize(4);
        assertThat(error.status()).isEqualTo(500);
        assertThat(error.errorCode()).isEqualTo(50001);
        assertThat(error.isRetriable()).isTrue();
        assertThat(error).hasMessageContaining("after 4 attempts").hasMessageContaining("Error in the backend data store");
    }

    @Test
    void incompatibleSchemaIsRefusedOnceWithoutRetryAndTheRegistryMessage() {
        stub.respond(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier schema\"}")
                .respond(200, "{\"id\":1}");

        final SchemaRegistryException error = catchThrowableOfType(SchemaRegistryException.class,
                () -> client.register("s-value", StepVerified.SCHEMA$));

        assertThat(stub.requests()).as("4xx is never retried").hasSize(1);
        assertThat(error.status()).isEqualTo(409);
        assertThat(error.errorCode()).isEqualTo(409);
        assertThat(error.isRetriable()).isFalse();
        assertThat(error).hasMessageContaining("POST " + stub.uri() + "/subjects/s-value/versions")
                .hasMessageContaining("incompatible with an earlier schema");
    }

    @Test
    void unknownSchemaIdIsANotFoundWithItsErrorCode() {
        stub.respond(404, "{\"error_code\":40403,\"message\":\"Schema 77 not found\"}");

        final SchemaRegistryException error = catchThrowableOfType(SchemaRegistryException.class, () -> client.schemaById(77));

        assertThat(stub.requests()).hasSize(1);
        assertThat(error.isNotFound()).isTrue();
        assertThat(error.status()).isEqualTo(404);
        assertThat(error.errorCode()).isEqualTo(40403);
        assertThat(error).hasMessageContaining("GET " + stub.uri() + "/schemas/ids/77").hasMessageContaining("Schema 77 not found");
    }

    @Test
    void unknownSubjectAndInvalidSchemaKeepTheirErrorCodes() {
        stub.respond(404, "{\"error_code\":40401,\"message\":\"Subject 'x' not found.\"}")
                .respond(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}");

        final SchemaRegistryException unknownSubject = catchThrowableOfType(SchemaRegistryException.class,
                () -> client.versions("x"));
        final SchemaRegistryException invalid = catchThrowableOfType(SchemaRegistryException.class,
                () -> client.register("x", StepVerified.SCHEMA$));

        assertThat(unknownSubject.errorCode()).isEqualTo(40401);
        assertThat(unknownSubject.isNotFound()).isTrue();
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.errorCode()).isEqualTo(42201);
        assertThat(stub.requests()).hasSize(2);
    }

    @Test
    void aRequestThatTimesOutIsRetried() {
        client.close();
        client = new ConfluentSchemaRegistryClient(stub.uri(), Duration.ofMillis(300), 3, FAST_BACKOFF);
        stub.hang().respond(200, "{\"id\":5}");

        assertThat(client.register("s-value", StepVerified.SCHEMA$)).isEqualTo(5);
        assertThat(stub.requests()).hasSize(2);
    }

    @Test
    void connectionRefusedIsRetriedABoundedNumberOfTimesThenReportedAsUnreachable() throws IOException {
        final URI closed = URI.create("http://127.0.0.1:" + freePort());
        try (ConfluentSchemaRegistryClient unreachable = new ConfluentSchemaRegistryClient(closed, Duration.ofSeconds(2), 3,
                FAST_BACKOFF)) {
            final long start = System.nanoTime();
            final SchemaRegistryException error = catchThrowableOfType(SchemaRegistryException.class,
                    unreachable::subjects);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(error.status()).as("status 0 means not reached").isZero();
            assertThat(error.isRetriable()).isTrue();
            assertThat(error).hasMessageContaining("GET " + closed + "/subjects")
                    .hasMessageContaining("after 3 attempts")
                    .hasMessageContaining("Connection refused");
        }
    }

    @Test
    void awaitReachableExplainsWhatToDoWhenNothingAnswers() throws IOException {
        final int port = freePort();
        try (ConfluentSchemaRegistryClient unreachable = new ConfluentSchemaRegistryClient(
                URI.create("http://key:topsecret@127.0.0.1:" + port + "/"), Duration.ofSeconds(1), 5, Duration.ofMillis(50))) {
            final long start = System.nanoTime();
            final SchemaRegistryException error = catchThrowableOfType(SchemaRegistryException.class,
                    () -> unreachable.awaitReachable(Duration.ofMillis(800)));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(700), Duration.ofSeconds(5));
            assertThat(error.status()).isZero();
            assertThat(error).hasMessageStartingWith("Schema registry at http://127.0.0.1:" + port + " is not reachable after ")
                    .hasMessageMatching("(?s).* after \\d+ attempts in \\d\\.\\d s \\(Connection refused\\)\\..*")
                    .hasMessageContaining("'./stepwise up'")
                    .hasMessageContaining("--registry / STEPWISE_REGISTRY_URL")
                    .hasMessageNotContaining("topsecret");
        }
    }

    @Test
    void awaitReachableReturnsOnceTheRegistryStopsFailing() {
        stub.respond(503, "").respond(503, "").respond(200, "[]");

        client.awaitReachable(Duration.ofSeconds(10));

        assertThat(stub.requests()).hasSize(3)
                .allSatisfy(request -> assertThat(request.rawPath()).isEqualTo("/subjects"));
    }

    @Test
    void awaitReachableStopsAtOnceWhenTheRegistryRefusesTheCredentials() {
        stub.respond(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");

        final SchemaRegistryException error = catchThrowableOfType(SchemaRegistryException.class,
                () -> client.awaitReachable(Duration.ofSeconds(10)));

        assertThat(stub.requests()).hasSize(1);
        assertThat(error.status()).isEqualTo(401);
        assertThat(error).hasMessageContaining("Unauthorized").hasMessageContaining("credentials");
    }

    @Test
    void credentialsInTheUrlAreSentAsBasicAuthAndNeverShown() {
        client.close();
        // "s+cr%2Ft" is the URL form of the secret "s+cr/t": '+' must stay a plus, %2F must become '/'.
        final URI withCredentials = URI.create("http://API_KEY:s+cr%2Ft@127.0.0.1:" + stub.uri().getPort());
        client = new ConfluentSchemaRegistryClient(withCredentials, Duration.ofSeconds(5), 1, FAST_BACKOFF);
        stub.respond(200, "[]").respond(403, "{\"error_code\":40301,\"message\":\"Forbidden\"}");

        client.subjects();
        final SchemaRegistryException error = catchThrowableOfType(SchemaRegistryException.class,
                () -> client.versions("x"));

        final String expected = "Basic " + Base64.getEncoder().encodeToString("API_KEY:s+cr/t".getBytes(StandardCharsets.UTF_8));
        assertThat(stub.requests()).allSatisfy(request -> assertThat(request.authorization()).isEqualTo(expected));
        assertThat(client.baseUrl()).isEqualTo(stub.uri().toString());
        assertThat(client.toString()).doesNotContain("s+cr").doesNotContain("API_KEY");
        assertThat(error).hasMessageNotContaining("s+cr").hasMessageNotContaining("API_KEY");
    }

    @Test
    void rejectsAUrlThatIsNotHttp() {
        assertThatThrownBy(() -> ConfluentSchemaRegistryClient.create("127.0.0.1:8081"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http://127.0.0.1:8081");
        assertThatThrownBy(() -> ConfluentSchemaRegistryClient.create("localhost:8081"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absolute http(s) URL");
    }

    /** A port nothing listens on: bound once by the OS, then released. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
