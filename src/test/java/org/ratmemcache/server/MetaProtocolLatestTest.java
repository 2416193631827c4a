package org.ratmemcache.server;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.core.engine.TieredCacheBuilder;
import org.ratmemcache.storage.rocksdb.RocksDbSettings;
import org.ratmemcache.storage.rocksdb.RocksDbTier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The meta flags that memcached gained after 1.6.18 (its doc/protocol.txt and proto_parser.c on
 * the main branch, 1.6.4x): {@code E} on ms, md, ma and mg, md's {@code x}, ms's {@code s}, and
 * {@code N} in ms's append and prepend modes. Debian's 1.6.18 refuses E and x as invalid flags and
 * sends no s on ms, so it cannot be the peer: these vectors are written from that document, byte
 * for byte. A fresh cache hands out CAS values from 1; each change takes the next.
 */
class MetaProtocolLatestTest {

    @TempDir
    Path dataDir;

    @Test
    void setWithAChosenCas() {
        try (ConnectionHarness c = new ConnectionHarness()) {
            assertThat(c.exchange("ms k 1 E5000 c\r\na\r\nmg k c v\r\ngets k\r\n"))
                    .isEqualTo("HD c5000\r\nVA 1 c5000\r\na\r\nVALUE k 0 1 5000\r\na\r\nEND\r\n");
            // the chosen CAS is compared as any other; the next change gets the cache's own again
            assertThat(c.exchange("ms k 1 C4999 c\r\nb\r\nms k 1 C5000 c\r\nb\r\n")).isEqualTo("EX c0\r\nHD c2\r\n");
            assertThat(c.exchange("ms k 1 MA E77 c s\r\nz\r\nms k 1 ME E9 c\r\nx\r\nmg k c v\r\n"))
                    .isEqualTo("HD c77 s2\r\nNS c0\r\nVA 2 c77\r\nbz\r\n");
            assertThat(c.exchange("ms k 1 C77 I E78 c\r\ny\r\nms k 1 C3 I E80 c\r\nw\r\nmg k c v\r\n"))
                    .as("ms C I: an older CAS stores the value stale, under the chosen CAS")
                    .isEqualTo("HD c78\r\nHD c80\r\nVA 1 c80 X W\r\nw\r\n");
            assertThat(c.exchange("ms k 1 E0 c\r\nq\r\n")).as("E0 asks for no particular CAS").isEqualTo("HD c6\r\n");
        }
    }

    @Test
    void aBadChosenCasIsRefusedAndTheDataSwallowed() {
        try (ConnectionHarness c = new ConnectionHarness()) {
            assertThat(c.exchange("ms k 1 Ex\r\na\r\nms k 1 E-1\r\na\r\nmd k E\r\nmg k v\r\n")).isEqualTo(
                    "CLIENT_ERROR bad token in command line format\r\nCLIENT_ERROR bad token in command line format\r\n"
                            + "CLIENT_ERROR invalid or duplicate flag\r\nEN\r\n"); // md's one message, in 1.6.18
            assertThat(c.exchange("ms k 1 E18446744073709551615 c\r\na\r\n")).isEqualTo("HD c18446744073709551615\r\n");
        }
    }

    @Test
    void setReturnsTheStoredSize() {
        try (ConnectionHarness c = new ConnectionHarness()) {
            assertThat(c.exchange("ms k 3 s\r\nabc\r\nms k 2 MA s k\r\nde\r\nms k 4 MP s\r\nwxyz\r\n"))
                    .isEqualTo("HD s3\r\nHD s5 kk\r\nHD s9\r\n");
            // without a store, the size sent
            assertThat(c.exchange("ms none 2 MA s\r\nxx\r\nms k 1 ME s c\r\nq\r\nms k 3 q s\r\nnew\r\nmn\r\n"))
                    .isEqualTo("NS s2\r\nNS s1 c0\r\nMN\r\n");
        }
    }

    @Test
    void appendAndPrependWithNCreateOnAMiss() {
        try (ConnectionHarness c = new ConnectionHarness()) {
            assertThat(c.exchange("ms log 3 MA N100 T5 F3 s\r\nabc\r\nmg log v t f\r\n"))
                    .as("created with N's expiry, not T's, and F's flags")
                    .isEqualTo("HD s3\r\nVA 3 t100 f3\r\nabc\r\n");
            c.clock.advance(Duration.ofSeconds(40));
            assertThat(c.exchange("ms log 3 MA N100 F9 s\r\ndef\r\nmg log v t f\r\n"))
                    .as("an existing item is appended to, keeping its flags and expiry")
                    .isEqualTo("HD s6\r\nVA 6 t60 f3\r\nabcdef\r\n");
            assertThat(c.exchange("ms head 2 MP N0 c\r\nxy\r\nms head 1 MP N0\r\nw\r\nmg head v t c\r\n"))
                    .isEqualTo("HD c3\r\nHD\r\nVA 3 t-1 c4\r\nwxy\r\n");
            assertThat(c.exchange("ms gone 1 MA N-1\r\nx\r\nmg gone v\r\nms plain 1 MA T50\r\nx\r\n"))
                    .as("created already expired; and without N a miss stores nothing")
                    .isEqualTo("HD\r\nEN\r\nNS\r\n");
            assertThat(c.exchange("ms log 1 MA N10 C1 s\r\n!\r\n")).as("a CAS still binds an existing item")
                    .isEqualTo("EX s1\r\n");
        }
    }

    @Test
    void deleteWithXEmptiesTheValueAndKeepsTheItem() {
        try (ConnectionHarness c = new ConnectionHarness()) {
            c.exchange("ms k 5 F7 T100\r\nhello\r\n");
            assertThat(c.exchange("md k x\r\nmg k v f t c\r\n"))
                    .as("an empty value, flags 0, no expiry, and the item's CAS")
                    .isEqualTo("HD\r\nVA 0 f0 t-1 c1\r\n\r\n");
            assertThat(c.exchange("md k x F9 T20 E42 k O1\r\nmg k v f t c\r\n")).isEqualTo("HD kk O1\r\nVA 0 f9 t20 c42\r\n\r\n");
            assertThat(c.exchange("md k x C41\r\nmd k x C42 q\r\nmd none x\r\nmn\r\n")).isEqualTo("EX\r\nNF\r\nMN\r\n");
            assertThat(c.exchange("stats\r\n")).contains("STAT delete_hits 3\r\n", "STAT delete_misses 2\r\n");
            assertThat(c.exchange("md k x T-1\r\nmg k v\r\n")).as("emptied and already expired").isEqualTo("HD\r\nEN\r\n");
        }
    }

    @Test
    void deleteWithXAndILeavesAStaleTombstone() {
        try (ConnectionHarness c = new ConnectionHarness()) {
            c.exchange("ms k 5 T100\r\nhello\r\n");
            assertThat(c.exchange("md k x I T30\r\nmg k v c t\r\nmg k v\r\n"))
                    .isEqualTo("HD\r\nVA 0 c3 t30 X W\r\n\r\nVA 0 Z X\r\n\r\n");
            assertThat(c.exchange("ms k 3 C3 c\r\nnew\r\nmg k v\r\n")).as("the winner recaches it").isEqualTo("HD c4\r\nVA 3\r\nnew\r\n");
            assertThat(c.exchange("md k I E99\r\nmg k c v\r\nmd k I q\r\nmg k c\r\n"))
                    .as("invalidated again: a new CAS, the win token back for the taking")
                    .isEqualTo("HD\r\nVA 3 c99 X W\r\nnew\r\nHD c6 X W\r\n");
        }
    }

    @Test
    void arithmeticWithAChosenCas() {
        try (ConnectionHarness c = new ConnectionHarness()) {
            c.exchange("ms n 2\r\n10\r\n");
            assertThat(c.exchange("ma n E500 c v\r\nma n C500 c\r\nma new N0 J5 E600 c v\r\nmg new c\r\n"))
                    .isEqualTo("VA 2 c500\r\n11\r\nHD c3\r\nVA 1 c600\r\n5\r\nHD c600\r\n");
            assertThat(c.exchange("ma n C499 E7\r\nmg n c v\r\n")).isEqualTo("EX\r\nVA 2 c3\r\n12\r\n");
        }
    }

    @Test
    void getWithEChangesOnlyAnItemItCreates() {
        try (ConnectionHarness c = new ConnectionHarness()) {
            assertThat(c.exchange("mg viv N30 E700 c t\r\nmg viv E1 N30 c\r\nmg other E5 c\r\n"))
                    .isEqualTo("HD c700 t30 W\r\nHD c700 Z\r\nEN\r\n");
            c.exchange("ms k 1\r\nx\r\n");
            assertThat(c.exchange("mg k E5 T10 c\r\nmg k C123 c v\r\n"))
                    .as("a hit keeps its CAS; mg reads C and has no use for it, as memcached")
                    .isEqualTo("HD c2\r\nVA 1 c2\r\nx\r\n");
        }
    }

    @Test
    void flushAllGoesByTheStoreOrderNotByAChosenCas() {
        try (ConnectionHarness c = new ConnectionHarness()) {
            assertThat(c.exchange("ms old 1 E18446744073709551615\r\na\r\nflush_all\r\nms new 1 E1\r\nb\r\n"))
                    .isEqualTo("HD\r\nOK\r\nHD\r\n");
            assertThat(c.exchange("mg old v\r\nmg new v c\r\n")).isEqualTo("EN\r\nVA 1 c1\r\nb\r\n");
        }
    }

    @Test
    void aChosenCasSurvivesTheDiskTierAndARestart() throws Exception {
        try (ConnectionHarness c = new ConnectionHarness(overDisk(1))) {
            assertThat(c.exchange("ms k 3 E123456 F4 T0\r\nabc\r\nms pushes 1\r\nx\r\nmg k c f v\r\n"))
                    .as("read back from disk, L1 holding one item")
                    .isEqualTo("HD\r\nHD\r\nVA 3 c123456 f4\r\nabc\r\n");
            assertThat(c.exchange("md t x I E8\r\nms t 1\r\nx\r\nmd t x I E8\r\n")).isEqualTo("NF\r\nHD\r\nHD\r\n");
        }
        try (ConnectionHarness c = new ConnectionHarness(overDisk(1000))) {
            assertThat(c.exchange("mg k c v\r\nmg t c v\r\nms k 1 C123456 c\r\nz\r\n"))
                    .matches("VA 3 c123456\r\nabc\r\nVA 0 c8 X W\r\n\r\nHD c\\d+\r\n");
            assertThat(c.exchange("flush_all\r\nms after 1 E2\r\ny\r\nmg t v\r\nmg after c v\r\n"))
                    .isEqualTo("OK\r\nHD\r\nEN\r\nVA 1 c2\r\ny\r\n");
        }
    }

    private TieredCacheBuilder overDisk(long l1Entries) {
        try {
            return TieredCache.builder().maxEntries(l1Entries).disk(RocksDbTier.open(RocksDbSettings.defaults(dataDir)))
                    .writeBackLimits(100_000, 64L << 20, Duration.ofMillis(1));
        } catch (DiskTierException e) {
            throw new IllegalStateException(e);
        }
    }
}
