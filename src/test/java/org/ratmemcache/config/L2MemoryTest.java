package org.ratmemcache.config;

import java.time.Duration;
import java.util.Map;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The L2 tier's memory follows -m unless set: the numbers README's configuration table promises. */
class L2MemoryTest {

    private static final long MIB = 1L << 20;

    @Test
    void derivedFromMaxMemoryWithinTheBounds() {
        assertThat(L2Memory.derived(64 * MIB)).as("-m 64, the default").isEqualTo(new L2Memory(16 * MIB, 8 * MIB, 8 * MIB, 16 * MIB));
        assertThat(L2Memory.derived(1024 * MIB)).as("-m 1024").isEqualTo(new L2Memory(64 * MIB, 64 * MIB, 128 * MIB, 256 * MIB));
        assertThat(L2Memory.derived(MIB)).as("-m 1: the lower bounds").isEqualTo(new L2Memory(4 * MIB, 4 * MIB, 8 * MIB, 16 * MIB));
        assertThat(L2Memory.derived(16384 * MIB)).as("-m 16384: the upper bounds")
                .isEqualTo(new L2Memory(64 * MIB, 64 * MIB, 256 * MIB, 1024 * MIB));
    }

    @Test
    void aSettingGivenWinsAndTheOthersStayDerived() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withConverter(Duration.class, 100, new DurationConverter())
                .withMapping(RatMemCacheConfig.class)
                .withSources(new PropertiesConfigSource(Map.of("ratmemcache.l1.max-memory", "256m",
                        "ratmemcache.l2.write-buffer-size", "1m"), "test", 100))
                .build();
        RatMemCacheConfig settings = config.getConfigMapping(RatMemCacheConfig.class);

        assertThat(L2Memory.of(settings.l1().maxMemory().asLongValue(), settings.l2()))
                .isEqualTo(new L2Memory(64 * MIB, MIB, 32 * MIB, 64 * MIB));
    }
}
