package org.ratmemcache.server.resp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.ratmemcache.core.CacheStats;
import org.ratmemcache.core.CacheView;
import org.ratmemcache.core.DatabaseSize;
import org.ratmemcache.protocol.resp.RespRequest;

/**
 * INFO: Redis's sections, with Redis's names for the figures that mean the same here
 * ({@code connected_clients}, {@code used_memory}, {@code keyspace_hits}, ...) and the fields
 * that describe what this server is ({@code redis_version:7.0.15}, {@code redis_mode:standalone},
 * {@code role:master}). Figures Redis has and this server does not (replication offsets, fork
 * times) are left out rather than made up.
 */
final class ServerInfo {

    private static final Set<String> DEFAULT = Set.of("server", "clients", "memory", "persistence", "stats", "replication", "cpu",
            "cluster", "keyspace");

    private final RespContext context;
    private final Map<String, Function<CacheView, Map<String, Object>>> sections = new LinkedHashMap<>();

    ServerInfo(RespContext context) {
        this.context = context;
        sections.put("server", this::server);
        sections.put("clients", view -> clients());
        sections.put("memory", this::memory);
        sections.put("persistence", view -> persistence());
        sections.put("stats", this::stats);
        sections.put("replication", view -> Map.of("role", "master", "connected_slaves", 0));
        sections.put("cpu", view -> Map.of()); // the JVM tells the process's CPU time, not its user and system parts
        sections.put("cluster", view -> Map.of("cluster_enabled", 0));
        sections.put("keyspace", view -> Map.of()); // filled in by report(), from the databases' sizes
    }

    /** The report INFO's arguments ask for: the default sections, all, everything, or those named. */
    CompletableFuture<String> report(RespRequest args) {
        Set<String> wanted = new HashSet<>();
        if (args.argc() == 1) {
            wanted.addAll(DEFAULT);
        }
        for (int i = 1; i < args.argc(); i++) {
            String name = args.string(i).toLowerCase(Locale.ROOT);
            switch (name) {
                case "default" -> wanted.addAll(DEFAULT);
                case "all", "everything" -> wanted.addAll(sections.keySet());
                default -> wanted.add(name);
            }
        }
        CompletableFuture<Map<String, Object>> keyspace = wanted.contains("keyspace") ? keyspace() : CompletableFuture.completedFuture(Map.of());
        return keyspace.thenApply(databases -> {
            CacheView view = context.server().view();
            StringBuilder text = new StringBuilder();
            sections.forEach((name, figures) -> {
                if (!wanted.contains(name)) {
                    return;
                }
                if (!text.isEmpty()) {
                    text.append("\r\n");
                }
                text.append("# ").append(Character.toUpperCase(name.charAt(0))).append(name.substring(1)).append("\r\n");
                (name.equals("keyspace") ? databases : figures.apply(view))
                        .forEach((field, value) -> text.append(field).append(':').append(value).append("\r\n"));
            });
            return text.toString();
        });
    }

    /** {@code dbN:keys=...,expires=...,avg_ttl=0} for each database that holds keys, counted in every tier. */
    private CompletableFuture<Map<String, Object>> keyspace() {
        List<CompletableFuture<DatabaseSize>> sizes = new ArrayList<>();
        for (int database = 0; database < context.databases(); database++) {
            sizes.add(context.cache().size(database));
        }
        return CompletableFuture.allOf(sizes.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, Object> lines = new LinkedHashMap<>();
            for (int database = 0; database < sizes.size(); database++) {
                DatabaseSize size = sizes.get(database).join();
                if (size.keys() > 0) {
                    lines.put("db" + database, "keys=" + size.keys() + ",expires=" + size.expiring() + ",avg_ttl=0");
                }
            }
            return lines;
        });
    }

    private Map<String, Object> server(CacheView view) {
        Map<String, Object> figures = new LinkedHashMap<>();
        long uptime = context.server().uptimeSeconds();
        figures.put("redis_version", RespContext.REDIS_VERSION);
        figures.put("redis_mode", "standalone");
        figures.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        figures.put("arch_bits", 64);
        figures.put("process_id", ProcessHandle.current().pid());
        figures.put("tcp_port", context.server().port());
        figures.put("server_time_usec", view.clock().millis() * 1000);
        figures.put("uptime_in_seconds", uptime);
        figures.put("uptime_in_days", uptime / 86400);
        figures.put("executable", "ratmemcache");
        return figures;
    }

    private Map<String, Object> clients() {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("connected_clients", context.server().sessions().size());
        figures.put("maxclients", context.settings().maxConnections());
        figures.put("blocked_clients", 0);
        return figures;
    }

    private Map<String, Object> memory(CacheView view) {
        Map<String, Object> figures = new LinkedHashMap<>();
        long used = view.memory().bytes();
        long max = view.memory().maxBytes();
        figures.put("used_memory", used);
        figures.put("used_memory_human", human(used));
        figures.put("maxmemory", max);
        figures.put("maxmemory_human", human(max));
        figures.put("maxmemory_policy", "allkeys-" + switch (view.memory().eviction()) {
            case LRU -> "lru";
            case LFU, HYBRID -> "lfu";
            case FIFO -> "random";
        });
        return figures;
    }

    private static Map<String, Object> persistence() {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("loading", 0);
        figures.put("rdb_bgsave_in_progress", 0);
        figures.put("aof_enabled", 0);
        return figures;
    }

    private Map<String, Object> stats(CacheView view) {
        CacheStats stats = view.stats();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("total_connections_received", context.server().connectionsReceived());
        figures.put("total_commands_processed", context.server().commandsProcessed());
        figures.put("rejected_connections", context.server().connectionsRejected());
        figures.put("expired_keys", stats.reclaimed.sum());
        figures.put("evicted_keys", stats.evictions.sum());
        figures.put("keyspace_hits", stats.getHits.sum());
        figures.put("keyspace_misses", stats.getMisses.sum());
        return figures;
    }

    /** Redis's bytesToHuman: B, K, M, G with two decimals. */
    private static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        String[] units = {"K", "M", "G", "T", "P"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.2f%s", value, units[unit]);
    }
}
