package org.ratmemcache.config;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class TomlConfigFileTest {

    @TempDir
    Path dir;

    private TomlConfigFile read(String toml) throws Exception {
        Path file = dir.resolve("ratmemcache.toml");
        Files.writeString(file, toml);
        return TomlConfigFile.read(file);
    }

    @Test
    void theOriginalLayoutMapsOntoOurKeys() throws Exception {
        TomlConfigFile file = read("""
                [cache]
                max_memory_mb = 512
                max_entries = 100000
                eviction_strategy = "LRU"

                [melange_db]
                data_dir = "/var/lib/ratmemcache"
                max_disk_size_mb = 2048
                enable_compression = true

                [ttl]
                default_ttl_seconds = 3600
                cleanup_interval_seconds = 60

                [performance]
                worker_threads = 8
                """);
        assertThat(file.settings()).containsOnly(
                entry("ratmemcache.l1.max-memory", "512m"),
                entry("ratmemcache.l1.max-entries", "100000"),
                entry("ratmemcache.l1.eviction", "lru"),
                entry("ratmemcache.l2.data-dir", "/var/lib/ratmemcache"),
                entry("ratmemcache.l2.max-disk-size", "2048m"),
                entry("ratmemcache.l2.compression", "lz4"),
                entry("ratmemcache.ttl.default-ttl", "3600s"),
                entry("ratmemcache.ttl.cleanup-interval", "60s"),
                entry("ratmemcache.server.io-threads", "8"));
        assertThat(file.warnings()).isEmpty();
    }

    @Test
    void compressionOffMeansNoBlockCompression() throws Exception {
        assertThat(read("[melange_db]\nenable_compression = false\n").settings())
                .containsExactly(entry("ratmemcache.l2.compression", "none"));
    }

    @Test
    void unknownKeysAndTablesAreWarnedAboutAndIgnored() throws Exception {
        TomlConfigFile file = read("""
                version = 2
                [cache]
                max_memory_mb = 64
                shards = 16
                [server]
                port = 11211
                """);
        assertThat(file.settings()).containsOnly(entry("ratmemcache.l1.max-memory", "64m"));
        assertThat(file.warnings()).hasSize(3)
                .anySatisfy(w -> assertThat(w).contains("'version' is not a known table"))
                .anySatisfy(w -> assertThat(w).contains("[cache] shards is not a known key"))
                .anySatisfy(w -> assertThat(w).contains("[server] port is not a known key"));
    }

    @Test
    void aValueOfTheWrongKindNamesTheKey() {
        assertThatThrownBy(() -> read("[cache]\nmax_memory_mb = \"lots\"\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[cache] max_memory_mb must be a whole number");
        assertThatThrownBy(() -> read("[cache]\nmax_memory_mb = -1\n"))
                .hasMessageContaining("[cache] max_memory_mb must be a whole number");
        assertThatThrownBy(() -> read("[melange_db]\nenable_compression = \"yes\"\n"))
                .hasMessageContaining("[melange_db] enable_compression must be true or false");
    }

    @Test
    void brokenTomlOrAMissingFileIsOneLine() {
        assertThatThrownBy(() -> read("[cache\nmax_memory_mb = 1\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not valid TOML")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> TomlConfigFile.read(dir.resolve("missing.toml")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read");
    }
}
