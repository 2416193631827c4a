package org.ratmemcache.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.ratmemcache.testing.MemcachedProcess;
import org.ratmemcache.testing.RunningServer;
import org.ratmemcache.testing.TextClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * memcached's -Y (text) and -S (binary SASL PLAIN) with real clients and raw frames, the text
 * side compared reply for reply with Debian's memcached started with the same -Y file.
 */
class AuthenticationTest {

    private static final Credentials USERS = Credentials.of(Map.of("alice", "secret", "bob", "hunter2"));
    private static final int GET = 0x00, SET = 0x01, VERSION = 0x0b, SASL_LIST = 0x20, SASL_AUTH = 0x21, SASL_STEP = 0x22;

    private final List<Path> files = new ArrayList<>();

    @AfterEach
    void removeFiles() throws IOException {
        for (Path file : files) {
            Files.deleteIfExists(file);
        }
    }

    private static RunningServer start(Authentication authentication) {
        return RunningServer.start(new ServerSettings("127.0.0.1", 0, 2, 1024, Duration.ZERO, RunningServer.VERSION, true)
                .withAuthentication(authentication));
    }

    /** A user:password file that memcached, running as the memcache user, can read. */
    private Path usersFile() throws IOException {
        Path file = Files.createTempFile(Path.of(System.getProperty("java.io.tmpdir")), "ratmemcache-users", ".txt");
        files.add(file);
        Files.writeString(file, "alice:secret\nbob:hunter2\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    @Test
    void asciiAuthAnswersAsMemcachedDashY() throws IOException {
        Path file = usersFile();
        List<String[]> steps = List.of(
                new String[] {"version\r\n", "\r\n"},
                new String[] {"get a\r\n", "\r\n"},
                new String[] {"bogus\r\n", "\r\n"},
                new String[] {"mg a v\r\n", "\r\n"},
                new String[] {"add a 0 0 12\r\nalice secret\r\n", "\r\n"},
                new String[] {"set a 0 0 12\r\nalice wrong!\r\n", "\r\n"},
                new String[] {"set a 0 0 6\r\nalice \r\n", "\r\n"},
                new String[] {"set a 0 0 5\r\nalice\r\n", "\r\n"},
                new String[] {"set a 0 0 13\r\nalice secret!\r\n", "\r\n"},
                new String[] {"set a 0 0 12 noreply\r\nalice secret\r\n", "\r\n"},
                new String[] {"get a\r\n", "END\r\n"},
                new String[] {"set k 0 0 1\r\nx\r\n", "\r\n"},
                new String[] {"get k\r\n", "END\r\n"},
                new String[] {"set a 0 0 12\r\nalice wrong!\r\n", "\r\n"});
        List<String> memcached = new ArrayList<>();
        try (MemcachedProcess reference = MemcachedProcess.start("-Y", file.toString());
                TextClient c = new TextClient(reference.port())) {
            for (String[] step : steps) {
                memcached.add(exchange(c, step[0], step[1]));
            }
        }
        List<String> ours = new ArrayList<>();
        try (RunningServer server = start(new Authentication(Optional.empty(), Optional.of(Credentials.load(file)), 0));
                TextClient c = new TextClient(server.port())) {
            for (String[] step : steps) {
                ours.add(exchange(c, step[0], step[1]));
            }
            c.send("stats settings\r\nversion\r\n");
            assertThat(c.readUntilVersion()).contains("STAT auth_enabled_ascii " + file + "\r\n", "STAT auth_enabled_sasl no\r\n",
                    "STAT binding_protocol ascii\r\n");
        }
        assertThat(ours).containsExactlyElementsOf(memcached);
        assertThat(ours.get(0)).isEqualTo("CLIENT_ERROR unauthenticated\r\n");
        assertThat(ours.get(9)).isEqualTo("STORED\r\n");
        assertThat(ours.get(10)).isEqualTo("END\r\n"); // the credentials were not stored
    }

    @Test
    void tooManyFailuresCloseTheConnectionAndTheBinaryProtocolIsNotServed() throws IOException {
        try (RunningServer server = start(new Authentication(Optional.empty(), Optional.of(USERS), 3))) {
            try (TextClient c = new TextClient(server.port())) {
                c.send("set a 0 0 9\r\nalice bad\r\n").expect("CLIENT_ERROR authentication failure\r\n");
                c.send("set a 0 0 9\r\nalice bad\r\n").expect("CLIENT_ERROR authentication failure\r\n");
                assertThat(c.send("set a 0 0 9\r\nalice bad\r\n").readUntilClosed()).isEqualTo("CLIENT_ERROR authentication failure\r\n");
            }
            try (TextClient binary = new TextClient(server.port())) {
                assertThat(binary.send(frame(VERSION, "", "")).readUntilClosed()).isEmpty();
            }
            try (TextClient c = new TextClient(server.port())) {
                c.send("set a 0 0 11\r\nbob hunter2\r\n").expect("STORED\r\n");
                c.send("stats\r\nversion\r\n");
                assertThat(c.readUntilVersion()).contains("STAT auth_cmds 4\r\n", "STAT auth_errors 3\r\n");
            }
        }
    }

    @Test
    void saslPlainWithRawFrames() throws IOException {
        try (RunningServer server = start(new Authentication(Optional.of(USERS), Optional.empty(), 3))) {
            try (TextClient c = new TextClient(server.port())) {
                assertThat(c.send(frame(SASL_LIST, "", "")).read(24 + 5)).isEqualTo(response(SASL_LIST, 0, "PLAIN"));
                assertThat(c.send(frame(VERSION, "", "")).read(24 + RunningServer.VERSION.length()))
                        .isEqualTo(response(VERSION, 0, RunningServer.VERSION));
                assertThat(c.send(frame(SASL_AUTH, "PLAIN", "\0alice\0wrong")).read(24 + 13)).isEqualTo(response(SASL_AUTH, 0x20, "Auth failure."));
                assertThat(c.send(frame(SASL_AUTH, "CRAM-MD5", "alice secret")).read(24 + 13)).isEqualTo(response(SASL_AUTH, 0x20, "Auth failure."));
                // PLAIN has one step; the third failure closes the connection
                assertThat(c.send(frame(SASL_STEP, "PLAIN", "\0alice\0secret")).readUntilClosed()).isEqualTo(response(SASL_STEP, 0x20, "Auth failure."));
            }
            try (TextClient c = new TextClient(server.port())) {
                assertThat(c.send(frame(SASL_AUTH, "PLAIN", "x".repeat(2000))).read(24 + 17)).isEqualTo(response(SASL_AUTH, 0x04, "Invalid arguments"));
                assertThat(c.send(frame(SASL_AUTH, "PLAIN", "bob\0alice\0secret")).read(24 + 13))
                        .as("an authorisation identity other than the user's").isEqualTo(response(SASL_AUTH, 0x20, "Auth failure."));
                assertThat(c.send(frame(SASL_AUTH, "PLAIN", "alice\0alice\0secret")).read(24 + 13)).isEqualTo(response(SASL_AUTH, 0, "Authenticated"));
                assertThat(c.send(frame(GET, "k", "")).read(24 + 9)).isEqualTo(response(GET, 0x01, "Not found"));
            }
            try (TextClient c = new TextClient(server.port())) {
                assertThat(c.send(frame(GET, "k", "")).readUntilClosed()).as("unauthenticated: an auth error, then closed")
                        .isEqualTo(response(GET, 0x20, "Auth failure."));
            }
            try (TextClient text = new TextClient(server.port())) {
                assertThat(text.send("version\r\n").readUntilClosed()).as("-S alone serves no text").isEmpty();
            }
        }
    }

    @Test
    void spymemcachedAuthenticatesWithSaslPlain() throws Exception {
        try (RunningServer server = start(new Authentication(Optional.of(USERS), Optional.empty(), 3))) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            net.spy.memcached.MemcachedClient spy = new net.spy.memcached.MemcachedClient(new ConnectionFactoryBuilder()
                    .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY).setOpTimeout(5000)
                    .setAuthDescriptor(new AuthDescriptor(new String[] {"PLAIN"}, new PlainCallbackHandler("alice", "secret")))
                    .build(), List.of(address));
            try {
                assertThat(spy.set("spy", 0, "over sasl").get(5, TimeUnit.SECONDS)).isTrue();
                assertThat(spy.get("spy")).isEqualTo("over sasl");
            } finally {
                spy.shutdown();
            }
        }
    }

    @Test
    void pylibmcAuthenticatesWithSaslPlainThroughLibmemcached() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeThat(Files.isExecutable(python)).as("Debian's /usr/bin/python3 is not installed").isTrue();
        assumeThat(new ProcessBuilder(python.toString(), "-c", "import pylibmc; assert pylibmc.support_sasl")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor())
                .as("python3-pylibmc (with SASL) is not installed").isZero();
        try (RunningServer server = start(new Authentication(Optional.of(USERS), Optional.empty(), 3))) {
            String script = String.join("\n",
                    "import sys, pylibmc",
                    "address = ['127.0.0.1:' + sys.argv[1]]",
                    "client = pylibmc.Client(address, binary=True, username='bob', password='hunter2')",
                    "client.set('py', 'via libmemcached')",
                    "print(client.get('py'))",
                    "try:",
                    "    pylibmc.Client(address, binary=True, username='bob', password='nope').set('x', 'y')",
                    "    print('a wrong password was let in')",
                    "except pylibmc.Error as e:",
                    "    print('refused')");
            Process process = new ProcessBuilder(python.toString(), "-c", script, String.valueOf(server.port()))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(output).isEqualTo("via libmemcached\nrefused\n");
        }
    }

    @Test
    void withBothEachProtocolAuthenticatesByItsOwnMeans() throws IOException {
        try (RunningServer server = start(new Authentication(Optional.of(USERS), Optional.of(USERS), 3))) {
            try (TextClient text = new TextClient(server.port())) {
                text.send("get k\r\n").expect("CLIENT_ERROR unauthenticated\r\n");
                text.send("set k 0 0 12\r\nalice secret\r\n").expect("STORED\r\n");
                text.send("get k\r\n").expect("END\r\n");
            }
            try (TextClient binary = new TextClient(server.port())) {
                assertThat(binary.send(frame(GET, "k", "")).readUntilClosed()).isEqualTo(response(GET, 0x20, "Auth failure."));
            }
        }
    }

    @Test
    void credentialsFilesAreCheckedAndNeverShown() throws IOException {
        Path file = usersFile();
        Credentials users = Credentials.load(file);
        assertThat(users.verify("alice".getBytes(StandardCharsets.UTF_8), "secret".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(users.verify("alice".getBytes(StandardCharsets.UTF_8), "secre".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(users.verify("carol".getBytes(StandardCharsets.UTF_8), "secret".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(users.toString()).doesNotContain("alice", "secret").contains("2 users");
        Files.writeString(file, "alice:secret\nnocolon\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Credentials.load(file))
                .hasMessageContaining("line 2").hasMessageNotContaining("secret");
        Files.writeString(file, "\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Credentials.load(file)).hasMessageContaining("names no user");
    }

    private static String exchange(TextClient c, String request, String end) {
        c.send(request);
        StringBuilder reply = new StringBuilder();
        while (!reply.toString().endsWith(end) || reply.toString().startsWith("VALUE") && !reply.toString().endsWith("END\r\n")) {
            reply.append(c.read(1));
        }
        return reply.toString();
    }

    private static byte[] frame(int opcode, String key, String value) {
        byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
        byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer frame = ByteBuffer.allocate(24 + k.length + v.length);
        frame.put((byte) 0x80).put((byte) opcode).putShort((short) k.length).put((byte) 0).put((byte) 0).putShort((short) 0)
                .putInt(k.length + v.length).putInt(0).putLong(0).put(k).put(v);
        return frame.array();
    }

    private static String response(int opcode, int status, String value) {
        byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer frame = ByteBuffer.allocate(24 + v.length);
        frame.put((byte) 0x81).put((byte) opcode).putShort((short) 0).put((byte) 0).put((byte) 0).putShort((short) status)
                .putInt(v.length).putInt(0).putLong(0).put(v);
        return new String(frame.array(), StandardCharsets.ISO_8859_1);
    }
}
