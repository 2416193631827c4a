package org.ratmemcache.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratmemcache.testing.RespClient;
import org.ratmemcache.testing.RunningServer;

/**
 * Bad input over RESP gets Redis's error and a closed connection, or waits for more, and never
 * touches another connection or any key: after each, a second client still finds its keys.
 */
class RespBadInputTest {

    private RunningServer server;
    private RespClient bystander;

    @BeforeEach
    void start() {
        server = RunningServer.start(RunningServer.withResp());
        bystander = new RespClient(server.respPort());
        assertThat(bystander.call("SET", "kept", "value")).isEqualTo("+OK\r\n");
    }

    @AfterEach
    void stop() {
        assertThat(bystander.call("GET", "kept")).as("another client's key").isEqualTo("$5\r\nvalue\r\n");
        bystander.close();
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"*x\r\n", "*1\r\n$-5\r\n", "*1\r\n:1\r\n", "*3000000000\r\n", "*1\r\n$600000000\r\n", "ECHO \"open\r\n",
        "*1\r\n$4\r\nQUIT\r\n"})
    void aMalformedRequestIsAnsweredAndTheConnectionCloses(String input) {
        try (RespClient client = new RespClient(server.respPort())) {
            client.send(input.getBytes(StandardCharsets.ISO_8859_1));
            String reply = client.readUntilClose();
            assertThat(reply).matches("(-ERR Protocol error: [^\r\n]*|\\+OK)\r\n");
        }
    }

    @Test
    void aHugeCountWithoutArgumentsHoldsNothingAndTheServerServesOthers() {
        try (RespClient client = new RespClient(server.respPort())) {
            client.send("*2147483647\r\n$1\r\na\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(bystander.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void anUnterminatedLineLongerThanRedisAllowsIsRefused() {
        try (RespClient client = new RespClient(server.respPort())) {
            client.send("A".repeat(70_000).getBytes(StandardCharsets.US_ASCII));
            assertThat(client.readUntilClose()).isEqualTo("-ERR Protocol error: too big inline request\r\n");
        }
    }

    @Test
    void binaryGarbageNeverCrashesTheServer() {
        Random random = new Random(31);
        for (int i = 0; i < 50; i++) {
            try (RespClient client = new RespClient(server.respPort())) {
                byte[] garbage = new byte[1 + random.nextInt(2048)];
                random.nextBytes(garbage);
                client.send(garbage);
            }
        }
        assertThat(server.server().listening()).isTrue();
    }

    @Test
    void aValueTooLargeToStoreIsRefusedAndTheConnectionStays() {
        try (RespClient client = new RespClient(server.respPort())) {
            byte[] value = new byte[(1 << 20) + 1];
            client.send(RespClient.multibulk(java.util.List.of("SET".getBytes(StandardCharsets.US_ASCII),
                    "big".getBytes(StandardCharsets.US_ASCII), value)));
            assertThat(client.readReply()).isEqualTo("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n");
            assertThat(client.call("GET", "big")).isEqualTo("$-1\r\n");
            assertThat(client.call("APPEND", "kept2", "x".repeat(1000))).isEqualTo(":1000\r\n");
        }
    }
}
