package org.ratmemcache.admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.junit.jupiter.api.Test;

import org.ratmemcache.testing.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The admin API and the management port over HTTPS, configured through Quarkus' TLS registry as
 * the README says: one named TLS configuration, used by both, plain HTTP refused.
 */
@QuarkusTest
@TestProfile(HttpsTest.Https.class)
class HttpsTest {

    /** The CA that signed the server's certificate, made before Quarkus starts. */
    static TestCertificates ca;

    public static class Https implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path dir = Files.createTempDirectory("ratmemcache-https");
                ca = TestCertificates.newCa(dir);
                TestCertificates.Issued server = ca.server(dir, "server");
                return Map.of(
                        "quarkus.tls.https.key-store.pem.0.cert", server.certificateFile().toString(),
                        "quarkus.tls.https.key-store.pem.0.key", server.keyFile().toString(),
                        "quarkus.http.tls-configuration-name", "https",
                        "quarkus.http.insecure-requests", "disabled",
                        "quarkus.http.test-ssl-port", "0",
                        "quarkus.management.tls-configuration-name", "https",
                        "ratmemcache.admin.password", "s3cret");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @TestHTTPResource(value = "/admin/stats", tls = true)
    URL stats;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "/admin/stats")
    URL plainStats;

    @Test
    void theAdminApiAndTheManagementPortAnswerOverHttpsOnly() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(ca.clientContext(null)).build();
        assertThat(stats.getProtocol()).isEqualTo("https");
        HttpResponse<String> admin = client.send(HttpRequest.newBuilder(stats.toURI()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.body()).contains("\"connections\"");

        URI management = new URI("https", null, "localhost", ready.getPort(), "/q/health/ready", null, null);
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(management).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\": \"UP\"");

        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(plainStats.toURI()).build(),
                HttpResponse.BodyHandlers.ofString())).as("plain HTTP on the HTTP port").isInstanceOf(IOException.class);
    }
}
