package org.ratmemcache.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.smallrye.config.PropertiesConfigSource;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSourceProvider;

/**
 * Hands what the command line gave to SmallRye Config, before Quarkus reads its configuration:
 * the flags above system properties, the {@code --config} TOML file between environment
 * variables and application.properties. Registered through the ServiceLoader; empty unless
 * {@link RatMemCacheMain} installed something.
 */
public final class LaunchConfigSources implements ConfigSourceProvider {

    /** Above system properties (400). */
    static final int FLAGS_ORDINAL = 500;
    /** Below environment variables (300), above application.properties (250 in the jar, 260 in config/). */
    static final int FILE_ORDINAL = 270;

    private static volatile Map<String, String> flags = Map.of();
    private static volatile TomlConfigFile file;
    private static volatile List<String> warnings = List.of();

    static void install(Map<String, String> flagSettings, TomlConfigFile configFile) {
        flags = Map.copyOf(flagSettings);
        file = configFile;
    }

    static void warn(List<String> launchWarnings) {
        warnings = List.copyOf(launchWarnings);
    }

    /** What the command line asked for that has no effect, for the startup log. */
    public static List<String> warnings() {
        return warnings;
    }

    @Override
    public Iterable<ConfigSource> getConfigSources(ClassLoader forClassLoader) {
        List<ConfigSource> sources = new ArrayList<>(2);
        if (!flags.isEmpty()) {
            sources.add(new PropertiesConfigSource(flags, "command line", FLAGS_ORDINAL));
        }
        TomlConfigFile configFile = file;
        if (configFile != null) {
            sources.add(new PropertiesConfigSource(configFile.settings(), "TOML " + configFile.file(), FILE_ORDINAL));
        }
        return sources;
    }
}
