package org.ratmemcache.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.ratmemcache.testing.RunningServer;
import org.ratmemcache.testing.TestCertificates;
import org.ratmemcache.testing.TextClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * TLS on the memcached port as memcached's -Z serves it, with real clients: the JDK's TLS,
 * Python's ssl module under Debian's pymemcache, and openssl s_client.
 */
class TlsTest {

    @TempDir
    Path dir;

    private RunningServer start(TlsSettings tls, String listen) {
        ServerSettings settings = new ServerSettings(ListenAddress.parseAll(listen, 0).stream().map(ListenAddress.class::cast).toList(),
                2, 1024, Duration.ZERO, RunningServer.VERSION, true).withTls(tls);
        return RunningServer.start(settings);
    }

    private static TlsSettings tls(TestCertificates.Issued server, Optional<Path> ca, TlsSettings.Verify verify) {
        return new TlsSettings(server.certificateFile(), server.keyFile(), ca, verify, List.of(), "TLSv1.2");
    }

    @Test
    void aJavaClientStoresAndReadsOverTlsAndAPlainListenerServesBesideIt() throws Exception {
        TestCertificates ca = TestCertificates.newCa(dir);
        TestCertificates.Issued server = ca.server(dir, "server");
        try (RunningServer running = start(tls(server, Optional.empty(), TlsSettings.Verify.NONE), "127.0.0.1,notls:127.0.0.1:0")) {
            List<ListenAddress> bound = running.server().listenAddresses();
            int tlsPort = ((ListenAddress.Tcp) bound.get(0)).port();
            int plainPort = ((ListenAddress.Tcp) bound.get(1)).port();
            try (SSLSocket socket = connect(ca.clientContext(null), tlsPort)) {
                assertThat(exchange(socket, "set k 0 0 5\r\nhello\r\nget k\r\n", "END\r\n"))
                        .isEqualTo("STORED\r\nVALUE k 0 5\r\nhello\r\nEND\r\n");
                assertThat(socket.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
                // BoringSSL from netty-tcnative on this platform, as the packaged server uses it
                assertThat(running.server().tlsProvider()).contains("openssl");
                assertThat(exchange(socket, "stats settings\r\n", "END\r\n")).contains("STAT ssl_enabled yes\r\n",
                        "STAT ssl_chain_cert " + server.certificateFile() + "\r\n", "STAT ssl_verify_mode 0\r\n",
                        "STAT ssl_min_version tlsv1.2\r\n");
            }
            try (TextClient plain = new TextClient(plainPort)) {
                plain.send("get k\r\n").expect("VALUE k 0 5\r\nhello\r\nEND\r\n");
            }
            // plain text on the TLS port: no reply, the handshake fails and is counted
            try (TextClient wrong = new TextClient(tlsPort)) {
                assertThat(wrong.send("get k\r\n").readUntilClosed()).doesNotContain("VALUE");
            }
            await().until(() -> running.server().stats().tlsHandshakeErrors.sum() == 1);
        }
    }

    @Test
    void theJdksTlsWhereNativeLibrariesAreOff() throws Exception {
        TestCertificates ca = TestCertificates.newCa(dir);
        TestCertificates.Issued server = ca.server(dir, "server");
        TestCertificates.Issued client = ca.client(dir, "client");
        ServerSettings settings = new ServerSettings("127.0.0.1", 0, 1, 1024, Duration.ZERO, RunningServer.VERSION, false)
                .withTls(tls(server, Optional.of(ca.caFile()), TlsSettings.Verify.REQUIRE));
        try (RunningServer running = RunningServer.start(settings);
                SSLSocket socket = connect(ca.clientContext(client), running.port())) {
            assertThat(running.server().tlsProvider()).contains("jdk");
            assertThat(exchange(socket, "set k 0 0 1\r\nx\r\nget k\r\n", "END\r\n")).isEqualTo("STORED\r\nVALUE k 0 1\r\nx\r\nEND\r\n");
        }
    }

    @Test
    void requiredClientCertificatesAreVerifiedAgainstTheGivenCa() throws Exception {
        TestCertificates ca = TestCertificates.newCa(dir);
        TestCertificates.Issued server = ca.server(dir, "server");
        TestCertificates.Issued client = ca.client(dir, "client");
        TestCertificates.Issued stranger = TestCertificates.newCa(Files.createDirectory(dir.resolve("other"))).client(dir, "stranger");
        try (RunningServer running = start(tls(server, Optional.of(ca.caFile()), TlsSettings.Verify.REQUIRE), "127.0.0.1")) {
            try (SSLSocket socket = connect(ca.clientContext(client), running.port())) {
                assertThat(exchange(socket, "version\r\n", "\r\n")).isEqualTo("VERSION " + RunningServer.VERSION + "\r\n");
            }
            for (TestCertificates.Issued refused : new TestCertificates.Issued[] {null, stranger}) {
                assertThatThrownBy(() -> {
                    try (SSLSocket socket = connect(ca.clientContext(refused), running.port())) {
                        exchange(socket, "version\r\n", "\r\n");
                    }
                }).isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void refreshCertsAndChangedFilesBringTheNewCertificateToNewConnections() throws Exception {
        TestCertificates ca = TestCertificates.newCa(dir);
        TestCertificates.Issued first = ca.server(dir, "server");
        try (RunningServer running = start(tls(first, Optional.empty(), TlsSettings.Verify.NONE), "127.0.0.1")) {
            SSLContext client = ca.clientContext(null);
            SSLSocket old = connect(client, running.port());
            assertThat(serial(old)).isEqualTo(first.certificate().getSerialNumber());

            TestCertificates.Issued second = ca.server(dir, "server"); // the same files, rewritten
            assertThat(exchange(old, "refresh_certs\r\n", "\r\n")).isEqualTo("OK\r\n");
            try (SSLSocket fresh = connect(client, running.port())) {
                assertThat(serial(fresh)).isEqualTo(second.certificate().getSerialNumber());
            }
            assertThat(exchange(old, "version\r\n", "\r\n")).startsWith("VERSION "); // open connections keep theirs
            old.close();

            // files that do not load: refused, and the certificate in force stays
            Files.writeString(first.keyFile(), "not a key");
            try (SSLSocket socket = connect(client, running.port())) {
                assertThat(exchange(socket, "refresh_certs\r\n", "\r\n")).startsWith("ERROR cannot load the TLS certificate");
                assertThat(serial(socket)).isEqualTo(second.certificate().getSerialNumber());
            }

            // written again, the files are reloaded without a command
            TestCertificates.Issued third = ca.server(dir, "server");
            Files.setLastModifiedTime(third.certificateFile(), FileTime.from(Instant.now().plusSeconds(60)));
            await().atMost(Duration.ofSeconds(4L * MemcachedServer.CERTIFICATE_CHECK_SECONDS)).untilAsserted(() -> {
                try (SSLSocket socket = connect(client, running.port())) {
                    assertThat(serial(socket)).isEqualTo(third.certificate().getSerialNumber());
                }
            });
        }
    }

    @Test
    void refreshCertsWithoutTlsAnswersAsMemcached() {
        try (RunningServer running = RunningServer.start(); TextClient c = new TextClient(running.port())) {
            c.send("refresh_certs\r\n").expect("Error TLS not enabled\r\n");
        }
    }

    @Test
    void aKeyThatDoesNotLoadStopsTheStartWithTheReason() throws Exception {
        TestCertificates ca = TestCertificates.newCa(dir);
        TestCertificates.Issued server = ca.server(dir, "server");
        Files.writeString(server.keyFile(), "-----BEGIN PRIVATE KEY-----\nnonsense\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> start(tls(server, Optional.empty(), TlsSettings.Verify.NONE), "127.0.0.1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot load the TLS certificate")
                .hasMessageContaining(server.keyFile().toString());
    }

    @Test
    void pythonsSslWithDebiansPymemcache() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeThat(Files.isExecutable(python)).as("Debian's /usr/bin/python3 is not installed").isTrue();
        assumeThat(run(List.of(python.toString(), "-c", "import pymemcache"), "").exit()).as("python3-pymemcache is not installed")
                .isZero();
        TestCertificates ca = TestCertificates.newCa(dir);
        TestCertificates.Issued server = ca.server(dir, "server");
        try (RunningServer running = start(tls(server, Optional.empty(), TlsSettings.Verify.NONE), "127.0.0.1")) {
            String script = String.join("\n",
                    "import ssl, sys",
                    "from pymemcache.client.base import Client",
                    "context = ssl.create_default_context(cafile=sys.argv[2])",
                    "client = Client(('localhost', int(sys.argv[1])), tls_context=context)",
                    "client.set('py', b'over tls')",
                    "print(client.get('py').decode())");
            Result result = run(List.of(python.toString(), "-c", script, String.valueOf(running.port()), ca.caFile().toString()), "");
            assertThat(result.output()).isEqualTo("over tls\n");
            assertThat(result.exit()).isZero();
        }
    }

    @Test
    void opensslSClient() throws Exception {
        assumeThat(run(List.of("openssl", "version"), "").exit()).as("openssl is not installed").isZero();
        TestCertificates ca = TestCertificates.newCa(dir);
        TestCertificates.Issued server = ca.server(dir, "server");
        try (RunningServer running = start(tls(server, Optional.empty(), TlsSettings.Verify.NONE), "127.0.0.1")) {
            Result result = run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + running.port(), "-CAfile",
                    ca.caFile().toString(), "-verify_return_error", "-quiet", "-ign_eof"), "version\r\nquit\r\n");
            assertThat(result.output()).contains("VERSION " + RunningServer.VERSION + "\r\n");
            assertThat(result.exit()).isZero();
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, String input) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        }
        process.getOutputStream().write(input.getBytes(StandardCharsets.ISO_8859_1));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, output);
        }
        return new Result(process.exitValue(), output);
    }

    @Test
    void theRespPortServesTlsWithTheSameCertificates() throws Exception {
        TestCertificates ca = TestCertificates.newCa(dir);
        TestCertificates.Issued server = ca.server(dir, "server");
        ServerSettings settings = RunningServer.withResp(new ServerSettings(List.of(new ListenAddress.Tcp("127.0.0.1", 0)), 2, 1024,
                Duration.ZERO, RunningServer.VERSION, true), org.ratmemcache.server.resp.RespSettings.defaults())
                .withTls(tls(server, Optional.empty(), TlsSettings.Verify.NONE));
        try (RunningServer running = RunningServer.start(settings);
                SSLSocket socket = connect(ca.clientContext(null), running.respPort())) {
            assertThat(exchange(socket, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\nGET k\r\n", "hello\r\n"))
                    .isEqualTo("+OK\r\n$5\r\nhello\r\n");
        }
    }

    private static SSLSocket connect(SSLContext context, int port) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    private static BigInteger serial(SSLSocket socket) throws IOException {
        return ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }

    /** Sends the requests and reads until the reply ends with {@code end}. */
    private static String exchange(Socket socket, String requests, String end) throws IOException {
        socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        while (!reply.toString(StandardCharsets.ISO_8859_1).endsWith(end)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + reply);
            }
            reply.write(b);
        }
        return reply.toString(StandardCharsets.ISO_8859_1);
    }
}
