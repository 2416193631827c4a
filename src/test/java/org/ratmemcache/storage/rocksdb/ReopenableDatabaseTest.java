package org.ratmemcache.storage.rocksdb;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratmemcache.core.disk.DiskTierException;
import org.rocksdb.RocksDBException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Reopening after a failure, on a real RocksDB: a reopen that fails says why, and the next one works. */
class ReopenableDatabaseTest {

    @TempDir
    Path dir;

    @Test
    void aFailedReopenNamesItsCauseUntilAReopenSucceeds() throws Exception {
        RocksDbSettings settings = RocksDbSettings.defaults(dir);
        ReopenableDatabase database = new ReopenableDatabase(dir, settings, RocksDatabase.open(dir, settings));
        try {
            Throwable reopen = catchThrowable(() -> database.reopen(open -> {
                throw new RocksDBException("No space left on device");
            }));
            assertThat(reopen).isInstanceOf(DiskTierException.class).hasMessageContaining("No space left on device");

            Throwable call = catchThrowable(() -> database.inside("read", open -> open));
            assertThat(call).as("a call while closed says why it is closed")
                    .isInstanceOf(DiskTierException.class)
                    .hasMessageContaining("is closed")
                    .hasMessageContaining("No space left on device");

            // The instance whose preparation failed was closed: its lock no longer keeps the next reopen out.
            database.reopen(open -> null);
            RocksDatabase reopened = database.inside("read", open -> open);
            assertThat(reopened).isNotNull();
        } finally {
            database.close();
        }
        assertThat(catchThrowable(() -> database.inside("read", open -> open)))
                .as("closed on purpose: no stale cause").hasMessageEndingWith("is closed");
    }
}
