package org.ratmemcache.server;

import java.util.stream.Collectors;

import io.quarkus.runtime.configuration.MemorySize;

import org.ratmemcache.config.RatMemCacheConfig;

/** The one line that tells an operator what started: where it listens, its tiers, policies and limits. */
final class StartupSummary {

    private StartupSummary() {
    }

    static String of(RatMemCacheConfig config, MemcachedServer server) {
        ServerSettings settings = server.settings();
        RatMemCacheConfig.L1 l1 = config.l1();
        RatMemCacheConfig.L2 l2 = config.l2();
        StringBuilder line = new StringBuilder(256)
                .append("RatMemCache serving memcached (text, meta, binary) on ")
                .append(server.listenAddresses().stream().map(ListenAddress::toString).collect(Collectors.joining(", ")))
                .append(" [").append(server.transport())
                .append(server.tlsProvider().map(provider -> ", TLS (" + provider + ")").orElse(""))
                .append(", ").append(settings.ioThreads()).append(" io threads, ")
                .append(settings.maxConnections()).append(" connections, items up to ")
                .append(size(config.server().itemSizeMax())).append(']');
        settings.resp().ifPresent(resp -> line.append("; Redis (RESP2, RESP3) on ")
                .append(server.respAddresses().stream().map(address -> address.getAddress().getHostAddress() + ":" + address.getPort())
                        .collect(Collectors.joining(", ")))
                .append(" [").append(resp.settings().databases()).append(" databases")
                .append(resp.settings().requiresAuthentication() ? ", authentication" : resp.settings().protectedMode() ? ", protected mode" : "")
                .append(']'));
        line.append("; L1 ")
                .append(size(l1.maxMemory())).append(' ').append(l1.eviction().name().toLowerCase());
        l1.maxEntries().ifPresent(entries -> line.append(" max ").append(entries).append(" items"));
        line.append(config.compression().enabled() ? ", lz4 from " + size(config.compression().threshold()) : ", no compression");
        if (l2.enabled()) {
            boolean log = l2.store() == RatMemCacheConfig.L2.Store.LOG;
            line.append(log ? "; L2 log in " : "; L2 RocksDB in ").append(l2.dataDir().toAbsolutePath())
                    .append(" [").append(l2.writePolicy().name().toLowerCase().replace('_', '-'))
                    .append(l2.fsync() ? " fsync" : "")
                    .append(", up to ").append(l2.maxDiskSize().asLongValue() == 0 ? "unbounded" : size(l2.maxDiskSize()))
                    .append(log ? "" : ", blocks " + l2.compression().name().toLowerCase())
                    .append(", values over ").append(size(l2.largeValueThreshold())).append(" on disk only]");
        } else {
            line.append("; L2 off");
        }
        return line.append("; expiry sweep every ").append(config.ttl().cleanupInterval().toSeconds()).append('s').toString();
    }

    /** A byte count the way the settings take it: 64m, 1m, 256k. */
    static String size(MemorySize size) {
        long bytes = size.asLongValue();
        String[] units = {"g", "m", "k"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes != 0 && bytes % (1L << shifts[i]) == 0) {
                return (bytes >> shifts[i]) + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
