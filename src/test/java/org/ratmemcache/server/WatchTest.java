package org.ratmemcache.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.ratmemcache.testing.ManualClock;
import org.ratmemcache.testing.RunningServer;
import org.ratmemcache.testing.TextClient;
import org.ratmemcache.core.memory.Eviction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * memcached's watch: a connection turned log stream, with memcached 1.6.18's line formats
 * (compared by hand with Debian's memcached; its timestamps and connection numbers differ from
 * run to run, so no transcript can be its peer). The first connection is number 1.
 */
class WatchTest {

    private static final String TS = "ts=" + ManualClock.START.getEpochSecond() + ".0";

    @Test
    void fetchersAndMutationsFromTextMetaAndBinaryClients() {
        try (RunningServer server = RunningServer.start(); TextClient watcher = new TextClient(server.port())) {
            watcher.send("watch fetchers mutations\r\n").expect("OK\r\n");
            TextClient client = new TextClient(server.port()); // connected second, so it is number 2
            client.send("set wa 0 100 1\r\nx\r\nget wa\r\nget nope\r\nadd wa 0 0 1\r\ny\r\n")
                    .expect("STORED\r\nVALUE wa 0 1\r\nx\r\nEND\r\nEND\r\nNOT_STORED\r\n");
            assertThat(line(watcher)).isEqualTo(TS + " gid=1 type=item_store key=wa status=stored cmd=set ttl=100 clsid=1 cfd=2 size=1");
            assertThat(line(watcher)).isEqualTo(TS + " gid=2 type=item_get key=wa status=found clsid=1 cfd=2 size=1");
            assertThat(line(watcher)).isEqualTo(TS + " gid=3 type=item_get key=nope status=not_found clsid=0 cfd=2 size=0");
            assertThat(line(watcher)).isEqualTo(TS + " gid=4 type=item_store key=wa status=not_stored cmd=add ttl=0 clsid=1 cfd=2 size=1");

            client.send("ms w%b 2 T0\r\nxy\r\nmg w%b v\r\n").expect("HD\r\nVA 2\r\nxy\r\n");
            assertThat(line(watcher)).isEqualTo(TS + " gid=5 type=item_store key=w%25b status=stored cmd=set ttl=0 clsid=1 cfd=2 size=2");
            assertThat(line(watcher)).isEqualTo(TS + " gid=6 type=item_get key=w%25b status=found clsid=1 cfd=2 size=2");

            try (TextClient binary = new TextClient(server.port())) {
                binary.send(getFrame("wa")).read(24 + 4 + 1);
                assertThat(line(watcher)).isEqualTo(TS + " gid=7 type=item_get key=wa status=found clsid=1 cfd=3 size=1");
            }
            // a watcher only listens
            watcher.send("version\r\n");
            client.send("get nope\r\n").expect("END\r\n");
            assertThat(line(watcher)).contains(" gid=8 type=item_get key=nope ");
            assertThat(client.send("stats\r\nversion\r\n").readUntilVersion()).contains("STAT log_watcher_skipped 0\r\n",
                    "STAT log_watcher_sent 8\r\n", "STAT log_watchers 1\r\n");
            client.close();
        }
    }

    @Test
    void evictionsAndConnectionEvents() {
        // lru: the oldest key is the one evicted
        try (RunningServer server = RunningServer.start(b -> b.eviction(Eviction.LRU).maxEntries(2));
                TextClient watcher = new TextClient(server.port())) {
            watcher.send("watch evictions connevents\r\n").expect("OK\r\n");
            int port;
            try (TextClient client = new TextClient(server.port())) {
                String opened = line(watcher);
                assertThat(opened).matches(TS + " gid=1 type=conn_new rip=127\\.0\\.0\\.1 rport=\\d+ transport=tcp cfd=2");
                port = Integer.parseInt(opened.replaceAll(".* rport=(\\d+) .*", "$1"));
                client.send("set e0 0 0 1\r\na\r\nset e1 0 0 1\r\nb\r\nset e2 0 0 1\r\nc\r\n").expect("STORED\r\nSTORED\r\nSTORED\r\n");
                assertThat(line(watcher)).isEqualTo(TS + " gid=2 type=eviction key=e0 fetch=no ttl=-1 la=0 clsid=1 size=1");
            }
            assertThat(line(watcher)).isEqualTo(TS + " gid=3 type=conn_close rip=127.0.0.1 rport=" + port
                    + " transport=tcp reason=normal cfd=2");
        }
    }

    @Test
    void unknownStreamsAreRefusedAndAClosedWatcherCostsNothingMore() {
        try (RunningServer server = RunningServer.start()) {
            Watchers watchers;
            try (TextClient c = new TextClient(server.port())) {
                c.send("watch fetchers bogus\r\n").expect("ERROR\r\n");
                c.send("watch\r\n").expect("OK\r\n");
            }
            try (TextClient c = new TextClient(server.port())) {
                c.send("watch fetchers\r\n").expect("OK\r\n");
                watchers = server.server().watchers();
                assertThat(watchers.watching(Watchers.Stream.FETCHERS)).isTrue();
            }
            await().until(() -> !watchers.watching(Watchers.Stream.FETCHERS));
        }
    }

    /** One watch line, without its LF (memcached ends them with LF alone). */
    private static String line(TextClient watcher) {
        StringBuilder line = new StringBuilder();
        for (String c = watcher.read(1); !c.equals("\n"); c = watcher.read(1)) {
            line.append(c);
        }
        return line.toString();
    }

    private static byte[] getFrame(String key) {
        byte[] k = key.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(24 + k.length).put((byte) 0x80).put((byte) 0).putShort((short) k.length).putInt(0)
                .putInt(k.length).putInt(0).putLong(0).put(k).array();
    }
}
