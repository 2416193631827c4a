package org.ratmemcache.server;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.ratmemcache.testing.RunningServer;
import org.ratmemcache.testing.TextClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where the server listens, as memcached's -l, -s and -a say: several TCP addresses at once, or a
 * Unix-domain socket (the sidecar case) on epoll and on NIO, with its file's permissions, a stale
 * file replaced and a live one left alone.
 */
class ListenersTest {

    @TempDir
    Path dir;

    private static ServerSettings settings(List<ListenAddress> listen, boolean epoll) {
        return new ServerSettings(listen, 2, 1024, Duration.ZERO, RunningServer.VERSION, epoll);
    }

    @Test
    void severalTcpAddressesServeTheSameCache() throws IOException {
        List<ListenAddress> listen = List.of(new ListenAddress.Tcp("127.0.0.1", 0), new ListenAddress.Tcp("::1", 0));
        try (RunningServer server = RunningServer.start(settings(listen, true))) {
            List<ListenAddress> bound = server.server().listenAddresses();
            assertThat(bound).hasSize(2);
            int v4 = ((ListenAddress.Tcp) bound.get(0)).port();
            int v6 = ((ListenAddress.Tcp) bound.get(1)).port();
            try (TextClient client = new TextClient(v4)) {
                client.send("set shared 0 0 2\r\nv4\r\n").expect("STORED\r\n");
            }
            try (SocketChannel channel = SocketChannel.open(new java.net.InetSocketAddress("::1", v6))) {
                assertThat(ask(channel, "get shared\r\nstats settings\r\nstats conns\r\n")).startsWith("VALUE shared 0 2\r\nv4\r\nEND\r\n")
                        .contains("STAT tcpport " + v4 + "\r\n", "STAT inter 127.0.0.1,::1\r\n", "STAT domain_socket NULL\r\n")
                        .contains("STAT 0:addr tcp:127.0.0.1:" + v4 + "\r\n", "STAT 1:addr tcp6:[::1]:" + v6 + "\r\n")
                        .containsPattern("STAT \\d+:addr tcp6:\\[::1]:\\d+\r\nSTAT \\d+:listen_addr tcp6:\\[::1]:" + v6 + "\r\n");
            }
            assertThat(server.server().listening()).isTrue();
        }
    }

    @ParameterizedTest(name = "epoll {0}")
    @ValueSource(booleans = {true, false})
    void aUnixSocketWithMemcachedsMask(boolean epoll) throws IOException {
        Path socket = dir.resolve("memcached.sock");
        try (RunningServer server = RunningServer.start(settings(List.of(new ListenAddress.UnixSocket(socket, 0750)), epoll))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rwxr-x---");
            try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                assertThat(ask(channel, "set sidecar 0 0 1\r\nx\r\nget sidecar\r\nstats settings\r\nstats conns\r\n"))
                        .startsWith("STORED\r\nVALUE sidecar 0 1\r\nx\r\nEND\r\n")
                        .contains("STAT tcpport 0\r\n", "STAT inter NULL\r\n", "STAT domain_socket " + socket + "\r\n",
                                "STAT umask 750\r\n", "STAT 0:addr unix:" + socket + "\r\n")
                        .containsPattern("STAT \\d+:listen_addr unix:" + socket + "\r\n");
            }
            assertThat(server.server().transport()).isEqualTo(epoll ? "epoll" : "nio");
            assertThatThrownBy(() -> server.server().address()).hasMessageContaining("not listening on TCP");
        }
        assertThat(socket).as("the socket file, removed at stop").doesNotExist();
    }

    @Test
    void aStaleSocketFileIsReplacedButALiveOneAndOtherFilesAreNot() throws IOException {
        Path socket = dir.resolve("stale.sock");
        try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            gone.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).as("a socket file its server left behind").exists();
        List<ListenAddress> listen = List.of(new ListenAddress.UnixSocket(socket, 0700));
        try (RunningServer server = RunningServer.start(settings(listen, true));
                SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            assertThat(ask(channel, "")).isEmpty();
            assertThatThrownBy(() -> RunningServer.start(settings(listen, true)))
                    .hasMessageContaining("another server accepts connections on " + socket);
            assertThat(ask(channel, "set still 0 0 1\r\ny\r\n")).as("the first server, untouched").isEqualTo("STORED\r\n");
        }
        Path regular = Files.writeString(dir.resolve("notes.txt"), "keep me");
        assertThatThrownBy(() -> RunningServer.start(settings(List.of(new ListenAddress.UnixSocket(regular, 0700)), true)))
                .hasMessageContaining("exists and is not a socket");
        assertThat(regular).hasContent("keep me");
    }

    @Test
    void aUnixSocketIsTheOnlyListenerAsWithMemcached() {
        assertThatThrownBy(() -> settings(List.of(new ListenAddress.UnixSocket(dir.resolve("s"), 0700),
                new ListenAddress.Tcp("127.0.0.1", 0)), true)).hasMessageContaining("the only listener");
    }

    /** Sends the commands and a version, and returns what came back before the version's reply. */
    private static String ask(SocketChannel channel, String commands) throws IOException {
        channel.write(ByteBuffer.wrap((commands + "version\r\n").getBytes(StandardCharsets.ISO_8859_1)));
        StringBuilder reply = new StringBuilder();
        ByteBuffer buffer = ByteBuffer.allocate(65536);
        while (reply.indexOf("VERSION " + RunningServer.VERSION + "\r\n") < 0) {
            buffer.clear();
            if (channel.read(buffer) < 0) {
                throw new IOException("closed after " + reply);
            }
            reply.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1));
        }
        return reply.substring(0, reply.indexOf("VERSION " + RunningServer.VERSION + "\r\n"));
    }
}
