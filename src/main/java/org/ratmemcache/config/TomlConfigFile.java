package org.ratmemcache.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

/**
 * A configuration file in the original RatMemCache's TOML layout, mapped onto this service's
 * {@code ratmemcache.*} keys. The mapping is the table in README.md; a key it does not know is
 * reported as a warning and otherwise ignored, so that an old file keeps working.
 */
public final class TomlConfigFile {

    /** One TOML key of the original layout and how it becomes one of ours. */
    private record Mapping(String table, String key, String target, Function<JsonNode, String> value) {
    }

    private static final List<Mapping> MAPPINGS = List.of(
            new Mapping("cache", "max_memory_mb", "ratmemcache.l1.max-memory", withUnit("m")),
            new Mapping("cache", "max_entries", "ratmemcache.l1.max-entries", TomlConfigFile::wholeNumber),
            new Mapping("cache", "eviction_strategy", "ratmemcache.l1.eviction", TomlConfigFile::lowerCaseText),
            new Mapping("melange_db", "data_dir", "ratmemcache.l2.data-dir", TomlConfigFile::text),
            new Mapping("melange_db", "max_disk_size_mb", "ratmemcache.l2.max-disk-size", withUnit("m")),
            new Mapping("melange_db", "enable_compression", "ratmemcache.l2.compression",
                    node -> bool(node) ? "lz4" : "none"),
            new Mapping("ttl", "default_ttl_seconds", "ratmemcache.ttl.default-ttl", withUnit("s")),
            new Mapping("ttl", "cleanup_interval_seconds", "ratmemcache.ttl.cleanup-interval", withUnit("s")),
            new Mapping("performance", "worker_threads", "ratmemcache.server.io-threads", TomlConfigFile::wholeNumber));

    private final Path file;
    private final Map<String, String> settings;
    private final List<String> warnings;

    private TomlConfigFile(Path file, Map<String, String> settings, List<String> warnings) {
        this.file = file;
        this.settings = settings;
        this.warnings = warnings;
    }

    /**
     * Reads and maps a file.
     *
     * @throws IllegalArgumentException with a one-line message naming the file and the key, when
     *         the file cannot be read or a known key has a value of the wrong kind
     */
    public static TomlConfigFile read(Path file) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(Files.readString(file));
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + " is not valid TOML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> tables = root.fields(); tables.hasNext(); ) {
            Map.Entry<String, JsonNode> table = tables.next();
            if (!table.getValue().isObject()) {
                warnings.add(file + ": '" + table.getKey() + "' is not a known table; ignored");
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> keys = table.getValue().fields(); keys.hasNext(); ) {
                Map.Entry<String, JsonNode> key = keys.next();
                Mapping mapping = find(table.getKey(), key.getKey());
                if (mapping == null) {
                    warnings.add(file + ": [" + table.getKey() + "] " + key.getKey() + " is not a known key; ignored");
                    continue;
                }
                try {
                    settings.put(mapping.target(), mapping.value().apply(key.getValue()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            file + ": [" + table.getKey() + "] " + key.getKey() + " " + e.getMessage());
                }
            }
        }
        return new TomlConfigFile(file, Map.copyOf(settings), List.copyOf(warnings));
    }

    private static Mapping find(String table, String key) {
        for (Mapping mapping : MAPPINGS) {
            if (mapping.table().equals(table) && mapping.key().equals(key)) {
                return mapping;
            }
        }
        return null;
    }

    public Path file() {
        return file;
    }

    /** The {@code ratmemcache.*} settings the file gives. */
    public Map<String, String> settings() {
        return settings;
    }

    /** What the file holds that was ignored. */
    public List<String> warnings() {
        return warnings;
    }

    /** A whole number with a unit our settings take: {@code m} for megabytes, {@code s} for seconds. */
    private static Function<JsonNode, String> withUnit(String unit) {
        return node -> wholeNumber(node) + unit;
    }

    private static String wholeNumber(JsonNode node) {
        if (!node.isIntegralNumber() || node.asLong() < 0) {
            throw new IllegalArgumentException("must be a whole number of at least 0, not " + node);
        }
        return Long.toString(node.asLong());
    }

    private static String text(JsonNode node) {
        if (!node.isTextual()) {
            throw new IllegalArgumentException("must be a string, not " + node);
        }
        return node.asText();
    }

    private static String lowerCaseText(JsonNode node) {
        return text(node).toLowerCase(Locale.ROOT);
    }

    private static boolean bool(JsonNode node) {
        if (!node.isBoolean()) {
            throw new IllegalArgumentException("must be true or false, not " + node);
        }
        return node.asBoolean();
    }
}
