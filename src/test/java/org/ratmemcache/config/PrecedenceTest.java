package org.ratmemcache.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documented order, highest first: flags, system properties, environment variables, the TOML
 * file, application.properties. Each source sets one key fewer than the one below it, so each key
 * shows which source wins over which.
 */
class PrecedenceTest {

    @TempDir
    Path dir;

    @AfterEach
    void uninstall() {
        LaunchConfigSources.install(Map.of(), null);
    }

    @Test
    void flagsThenSystemPropertiesThenEnvironmentThenTomlThenApplicationProperties() throws Exception {
        Path toml = Files.writeString(dir.resolve("rat.toml"), """
                [cache]
                max_memory_mb = 4
                max_entries = 4
                [performance]
                worker_threads = 4
                [ttl]
                default_ttl_seconds = 4
                """);
        LaunchConfigSources.install(Map.of("ratmemcache.server.io-threads", "1"), TomlConfigFile.read(toml));
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of("ratmemcache.server.io-threads", "5",
                        "ratmemcache.l1.max-memory", "5m", "ratmemcache.l1.max-entries", "5",
                        "ratmemcache.ttl.default-ttl", "5s", "ratmemcache.ttl.max-ttl", "5s"), "application.properties", 250))
                .withSources(new EnvConfigSource(Map.of("RATMEMCACHE_SERVER_IO_THREADS", "3",
                        "RATMEMCACHE_L1_MAX_MEMORY", "3m", "RATMEMCACHE_L1_MAX_ENTRIES", "3"), 300))
                .withSources(new PropertiesConfigSource(Map.of("ratmemcache.server.io-threads", "2",
                        "ratmemcache.l1.max-memory", "2m"), "system properties", 400))
                .withSources(new LaunchConfigSources())
                .build();

        assertThat(config.getValue("ratmemcache.server.io-threads", String.class)).as("flags").isEqualTo("1");
        assertThat(config.getValue("ratmemcache.l1.max-memory", String.class)).as("system properties").isEqualTo("2m");
        assertThat(config.getValue("ratmemcache.l1.max-entries", String.class)).as("the environment").isEqualTo("3");
        assertThat(config.getValue("ratmemcache.ttl.default-ttl", String.class)).as("the TOML file").isEqualTo("4s");
        assertThat(config.getValue("ratmemcache.ttl.max-ttl", String.class)).as("application.properties").isEqualTo("5s");
        assertThat(new LaunchConfigSources().getConfigSources(getClass().getClassLoader()))
                .extracting(source -> source.getOrdinal())
                .as("above system properties (400); between the environment (300) and application.properties (250, 260)")
                .containsExactly(500, 270);
    }
}
