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
 * Byte-exact vectors for the meta commands, with what the differential test must mask: CAS
 * values (a fresh cache hands them out from 1) and times (the clock is moved by hand). The
 * stale-while-revalidate flow is checked over a disk tier that holds one item in memory, and
 * across a restart.
 */
class MetaVectorsTest {

    @TempDir
    Path dataDir;

    @Test
    void getReturnsEveryFlagInTheOrderAsked() {
        try (ConnectionHarness c = new ConnectionHarness()) {
            assertThat(c.exchange("ms k 5 F9 T100 c\r\nhello\r\n")).isEqualTo("HD c1\r\n");
            c.clock.advance(Duration.ofSeconds(30));
            assertThat(c.exchange("mg k v t c f s k O42 h l\r\n"))
                    .isEqualTo("VA 5 t70 c1 f9 s5 kk O42 h0 l30\r\nhello\r\n");
            assertThat(c.exchange("mg k h l\r\n")).isEqualTo("HD h1 l0\r\n");
            assertThat(c.exchange("mg k t T10\r\nmg k T20 t\r\n")).isEqualTo("HD t70\r\nHD t20\r\n");
            assertThat(c.exchange("mg missing v k O1\r\nmg missing q v\r\nmn\r\n")).isEqualTo("EN kmissing O1\r\nMN\r\n");
        }
    }

    @Test
    void noBumpLeavesTheReadHistoryAlone() {
        try (ConnectionHarness c = new ConnectionHarness()) {
            c.exchange("ms k 1\r\nx\r\n");
            c.clock.advance(Duration.ofSeconds(5));
            assertThat(c.exchange("mg k u h l\r\nmg k h l\r\nmg k h l\r\n")).isEqualTo("HD h0 l5\r\nHD h0 l5\r\nHD h1 l0\r\n");
            assertThat(c.exchange("me k\r\n")).isEqualTo("ME k exp=-1 la=0 cas=1 fetch=yes cls=1 size=61\r\n");
        }
    }

    @Test
    void setModesAndCas() {
        try (ConnectionHarness c = new ConnectionHarness()) {
            assertThat(c.exchange("ms k 1 ME c\r\na\r\nms k 1 ME c\r\nb\r\n")).isEqualTo("HD c1\r\nNS c0\r\n");
            assertThat(c.exchange("ms k 1 MA\r\nb\r\nms k 1 MP\r\nz\r\nmg k v c\r\n")).isEqualTo("HD\r\nHD\r\nVA 3 c3\r\nzab\r\n");
            assertThat(c.exchange("ms k 1 C2 c\r\nx\r\nms k 1 C3 c k O7\r\nx\r\n")).isEqualTo("EX c0\r\nHD c4 kk O7\r\n");
            assertThat(c.exchange("ms none 1 C3 MR\r\nx\r\nms k 1 MR q\r\ny\r\nmn\r\n")).isEqualTo("NF\r\nMN\r\n");
            assertThat(c.exchange("ms k 1 MX\r\nx\r\nmg k v\r\n")).isEqualTo("CLIENT_ERROR invalid mode for ms M token\r\nVA 1\r\ny\r\n");
        }
    }

    @Test
    void deleteAndArithmetic() {
        try (ConnectionHarness c = new ConnectionHarness()) {
            c.exchange("ms n 2 T100\r\n10\r\n");
            assertThat(c.exchange("ma n v c t\r\nma n MD D20 v\r\nma n C9\r\nma n C3 q\r\nmn\r\n"))
                    .isEqualTo("VA 2 c2 t100\r\n11\r\nVA 1\r\n0\r\nEX\r\nMN\r\n");
            assertThat(c.exchange("ma new N50 J7 v t c\r\nma new2 t N50\r\nma none\r\n"))
                    .isEqualTo("VA 1 t50 c5\r\n7\r\nHD t-1\r\nNF\r\n");
            assertThat(c.exchange("ma n t T0\r\nma n T0 t\r\nmg n t\r\n")).isEqualTo("HD t100\r\nHD t-1\r\nHD t-1\r\n");
            assertThat(c.exchange("md n C1 k\r\nmd n q\r\nmd n\r\n")).isEqualTo("EX kn\r\nNF\r\n");
        }
    }

    @Test
    void base64KeysAreDecodedAndSentBackEncoded() {
        try (ConnectionHarness c = new ConnectionHarness()) {
            assertThat(c.exchange("ms AAEC 2 b k\r\nhi\r\nmg AAEC b k v\r\nme AAEC b\r\n"))
                    .isEqualTo("HD kAAEC b\r\nVA 2 kAAEC b\r\nhi\r\nME AAEC exp=-1 la=0 cas=1 fetch=yes cls=1 size=64\r\n");
            assertThat(c.exchange("mg Zm9 b\r\n")).isEqualTo("CLIENT_ERROR error decoding key\r\n");
        }
    }

    @Test
    void staleWhileRevalidateInMemory() {
        try (ConnectionHarness c = new ConnectionHarness()) {
            assertStaleWhileRevalidate(c);
        }
    }

    @Test
    void staleWhileRevalidateWithTheItemOnDiskOnly() {
        try (ConnectionHarness c = new ConnectionHarness(overDisk(1))) {
            assertStaleWhileRevalidate(c);
            assertThat(c.cache.view().stats().l2Hits.sum()).as("reads answered from disk").isPositive();
        }
    }

    /** md I, then one winner (W), then everyone told someone else is on it (Z), until a fresh set. */
    private static void assertStaleWhileRevalidate(ConnectionHarness c) {
        assertThat(c.exchange("ms hot 3 T100\r\nold\r\nms other 1\r\nx\r\n")).isEqualTo("HD\r\nHD\r\n");
        assertThat(c.exchange("md hot I T30\r\nms other2 1\r\nx\r\n")).isEqualTo("HD\r\nHD\r\n");
        assertThat(c.exchange("mg hot v c t\r\n")).isEqualTo("VA 3 c3 t30 X W\r\nold\r\n");
        assertThat(c.exchange("ms other3 1\r\nx\r\nmg hot v c\r\n")).isEqualTo("HD\r\nVA 3 c3 Z X\r\nold\r\n");
        // an older CAS still stores the new value, marked stale, keeping the token
        assertThat(c.exchange("ms hot 3 C1 I\r\nnew\r\nmg hot v t\r\n")).isEqualTo("HD\r\nVA 3 t30 Z X\r\nnew\r\n");
        assertThat(c.exchange("ms hot 5\r\nfresh\r\nmg hot v\r\n")).isEqualTo("HD\r\nVA 5\r\nfresh\r\n");
        // N on a miss: the first reader wins and recaches; the rest see Z on the empty item
        assertThat(c.exchange("mg cold N30 v t\r\nmg cold N30 v t\r\n")).isEqualTo("VA 0 t30 W\r\n\r\nVA 0 t30 Z\r\n\r\n");
        // R: the first reader to find less than 60 seconds left wins
        assertThat(c.exchange("ms soon 1 T100\r\nx\r\nmg soon R60 v\r\n")).isEqualTo("HD\r\nVA 1\r\nx\r\n");
        c.clock.advance(Duration.ofSeconds(41));
        assertThat(c.exchange("mg soon R60 v\r\nmg soon R60 v\r\n")).isEqualTo("VA 1 W\r\nx\r\nVA 1 Z\r\nx\r\n");
    }

    @Test
    void aHandedOutWinSurvivesARestart() throws Exception {
        try (ConnectionHarness c = new ConnectionHarness(overDisk(1000))) {
            assertThat(c.exchange("ms k 1\r\nx\r\nmd k I\r\nmg k v\r\n")).isEqualTo("HD\r\nHD\r\nVA 1 X W\r\nx\r\n");
        }
        try (ConnectionHarness c = new ConnectionHarness(overDisk(1000))) {
            assertThat(c.exchange("mg k v h\r\n")).isEqualTo("VA 1 h1 Z X\r\nx\r\n");
        }
    }

    @Test
    void errorsAreSentEvenWhenQuiet() {
        try (ConnectionHarness c = new ConnectionHarness()) {
            assertThat(c.exchange("mg k q v v\r\nmd k q Zz\r\nma k q Mx\r\nms k 1 q Tx\r\nx\r\nmn\r\n")).isEqualTo(
                    "CLIENT_ERROR duplicate flag\r\nCLIENT_ERROR invalid or duplicate flag\r\n"
                            + "CLIENT_ERROR invalid mode for ma M token\r\nCLIENT_ERROR bad token in command line format\r\nMN\r\n");
        }
    }

    @Test
    void tooLargeSetIsRefusedAndDropsTheOldItem() {
        try (ConnectionHarness c = new ConnectionHarness()) {
            c.exchange("ms k 1\r\nx\r\n");
            assertThat(c.exchange("ms k 1048517 ME\r\n" + "v".repeat(1_048_517) + "\r\nmg k v\r\n"))
                    .isEqualTo("SERVER_ERROR object too large for cache\r\nEN\r\n");
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
