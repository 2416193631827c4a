package org.ratmemcache.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.StoreResult;
import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.server.MemcachedServer;
import org.ratmemcache.server.ServerSettings;
import org.ratmemcache.testing.DiskStores;
import org.ratmemcache.testing.ManualClock;
import org.ratmemcache.testing.Reads;
import org.ratmemcache.testing.TextClient;
import org.ratmemcache.testing.Tmpfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * A full disk and a read-only disk, for real: the L2 tier on a small tmpfs. Root can write
 * through chmod, so only a file system of its own makes the disk fail; mounting one needs root,
 * as CI has. Elsewhere these tests are skipped, and say why.
 */
class FailingDiskTest {

    private static final String TMPFS_SIZE = "32m";

    @TempDir
    Path scratch;

    private Path mount;
    private DiskTier disk;
    private TieredCache cache;

    private void mountTmpfs(DiskStores store) throws Exception {
        assumeThat(Tmpfs.mountable()).as("mounting a tmpfs needs root").isTrue();
        mount = scratch.resolve("disk");
        assumeThat(Tmpfs.mount(mount, TMPFS_SIZE))
                .as("mount -t tmpfs (root, but no mount permission here)").isZero();
        disk = store.open(mount.resolve("l2"), false);
        cache = TieredCache.builder().clock(new ManualClock()).sweepInterval(Duration.ZERO).maxEntries(1000).disk(disk).build();
    }

    @AfterEach
    void unmount() throws Exception {
        if (cache != null) {
            cache.close();
        }
        if (mount != null) {
            Tmpfs.unmount(mount);
        }
    }

    private StoreResult set(String key, byte[] value) {
        return cache.store(StoreMode.SET, Key.of(key), 0, 0, value, 0).join();
    }

    private String get(String key) {
        var item = Reads.item(cache, Key.of(key));
        return item == null ? null : new String(item.value(), StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @EnumSource
    void aFullDiskRefusesWritesKeepsServingAndRecoversWhenSpaceReturns(DiskStores store) throws Exception {
        mountTmpfs(store);
        set("hot", "still here".getBytes(StandardCharsets.US_ASCII));
        await().until(() -> Reads.writeBackQueue(cache.view()) == 0);
        Path filler = mount.resolve("filler");
        Tmpfs.fill(filler);

        byte[] value = new byte[64 * 1024];
        Throwable refused = null;
        for (int i = 0; i < 2_000 && refused == null; i++) {
            int n = i;
            refused = catchThrowable(() -> set("k" + n, value));
            await().atMost(Duration.ofSeconds(10)).until(() -> Reads.writeBackQueue(cache.view()) == 0 || Reads.diskFailure(cache.view()) != null);
        }
        assertThat(refused).as("a write refused once the disk is full")
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(DiskTierException.class);
        assertThat(get("hot")).as("reads go on").isEqualTo("still here");
        assertClientsAreToldWritesFail();

        Files.delete(filler);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> catchThrowable(() -> set("after", "ok".getBytes(StandardCharsets.US_ASCII))) == null);
        await().atMost(Duration.ofSeconds(30)).until(() -> Reads.diskFailure(cache.view()) == null && Reads.writeBackQueue(cache.view()) == 0);
        assertThat(disk.read(Key.of("after"))).as("written to disk again").isNotNull();
    }

    /**
     * A file system cannot turn read-only under RocksDB (remounting fails while it holds files
     * open for writing), so the unwritable case is a data directory that is read-only from the
     * start: opening fails with a message that names it, and works once it is writable.
     */
    @ParameterizedTest
    @EnumSource
    void anUnwritableDataDirectoryIsRefusedWithAClearMessage(DiskStores store) throws Exception {
        mountTmpfs(store);
        cache.close();
        cache = null;
        Path readOnly = mount.resolve("l2-read-only");
        Files.createDirectories(readOnly);
        assertThat(Tmpfs.remount(mount, "ro")).as("remount read-only").isZero();
        assertThat(catchThrowable(() -> store.open(readOnly, false)))
                .isInstanceOf(DiskTierException.class).hasMessageContaining(readOnly.toString())
                .hasMessageContaining("Read-only file system");
        assertThat(Tmpfs.remount(mount, "rw")).isZero();
        try (DiskTier tier = store.open(readOnly, false)) {
            assertThat(tier.itemCount()).isZero();
        }
    }

    /** Every protocol says a write failed, in its own words, and goes on serving reads. */
    private void assertClientsAreToldWritesFail() {
        MemcachedServer server = new MemcachedServer(
                new ServerSettings("127.0.0.1", 0, 1, 16, Duration.ZERO, "test", true), cache, cache.view());
        server.start();
        try (TextClient text = new TextClient(server.address().getPort());
                Socket binary = new Socket("127.0.0.1", server.address().getPort())) {
            text.send("set x 0 0 1\r\nx\r\nms x 1\r\nx\r\nget hot\r\nmg hot v\r\nversion\r\n");
            assertThat(text.readUntilVersion()).isEqualTo("SERVER_ERROR disk tier failure\r\nSERVER_ERROR disk tier failure\r\n"
                    + "VALUE hot 0 10\r\nstill here\r\nEND\r\nVA 10\r\nstill here\r\nVERSION test\r\n");
            byte[] set = ByteBuffer.allocate(24 + 8 + 1 + 1).put((byte) 0x80).put((byte) 0x01).putShort((short) 1)
                    .put((byte) 8).put((byte) 0).putShort((short) 0).putInt(10).putInt(42).putLong(0)
                    .putLong(0).put((byte) 'x').put((byte) 'x').array();
            binary.getOutputStream().write(set);
            ByteBuffer header = ByteBuffer.wrap(binary.getInputStream().readNBytes(24));
            assertThat(header.getShort(6)).as("status: temporary failure").isEqualTo((short) 0x86);
            assertThat(header.getInt(12)).as("opaque").isEqualTo(42);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            server.stop(Duration.ofSeconds(5));
        }
    }
}
