package org.ratmemcache.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.arc.DefaultBean;
import io.quarkus.runtime.ImageMode;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.ratmemcache.config.ConfigChecks;
import org.ratmemcache.config.InvalidSettingException;
import org.ratmemcache.config.L2Memory;
import org.ratmemcache.config.RatMemCacheConfig;
import org.ratmemcache.core.CacheView;
import org.ratmemcache.core.Clock;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.compress.ValueCompression;
import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.core.engine.TieredCacheBuilder;
import org.ratmemcache.server.resp.RespSettings;
import org.ratmemcache.storage.log.LogSettings;
import org.ratmemcache.storage.log.LogTier;
import org.ratmemcache.storage.rocksdb.RocksDbSettings;
import org.ratmemcache.storage.rocksdb.RocksDbTier;

/** Builds the cache engine (with its RocksDB tier) and the memcached server from the configuration. */
@Singleton
public class ServerBeans {

    /** memcached release whose protocol this server speaks; clients read it from version. */
    static final String MEMCACHED_COMPATIBILITY = "1.6.18";

    /** The wall clock; a test replaces it with one it moves by hand. */
    @Produces
    @Singleton
    @DefaultBean
    Clock clock() {
        return Clock.SYSTEM;
    }

    @Produces
    @Singleton
    TieredCache cache(RatMemCacheConfig config, Clock clock) {
        ConfigChecks.check(config);
        TieredCacheBuilder builder = TieredCache.builder()
                .clock(clock)
                .maxMemory(config.l1().maxMemory().asLongValue())
                .maxEntries(config.l1().maxEntries().orElse(Long.MAX_VALUE))
                .eviction(config.l1().eviction())
                .itemSizeMax(config.server().itemSizeMax().asLongValue())
                .sweepInterval(config.ttl().cleanupInterval())
                .compression(config.compression().enabled()
                        ? new ValueCompression((int) Math.min(Integer.MAX_VALUE, config.compression().threshold().asLongValue()))
                        : ValueCompression.OFF);
        RatMemCacheConfig.L2 l2 = config.l2();
        if (l2.enabled()) {
            L2Memory memory = L2Memory.of(config.l1().maxMemory().asLongValue(), l2);
            builder.disk(openDiskTier(l2, memory))
                    .writeThrough(l2.writePolicy() == RatMemCacheConfig.L2.WritePolicy.WRITE_THROUGH)
                    .largeValueThreshold(l2.largeValueThreshold().asLongValue())
                    .diskThreads(l2.workerThreads())
                    .maxDiskSize(l2.maxDiskSize().asLongValue())
                    .writeBackLimits(l2.writeBackQueueItems(), memory.writeBackQueueBytes(), l2.writeBackMaxLag())
                    .writeTimeout(l2.writeTimeout());
        }
        return builder.build();
    }

    private static DiskTier openDiskTier(RatMemCacheConfig.L2 l2, L2Memory memory) {
        try {
            if (l2.store() == RatMemCacheConfig.L2.Store.LOG) {
                return LogTier.open(new LogSettings(l2.dataDir(), l2.clearOnStartup(),
                        LogSettings.segmentBytesFor(l2.maxDiskSize().asLongValue()), memory.directoryBytes(), l2.fsync()));
            }
            return RocksDbTier.open(new RocksDbSettings(l2.dataDir(), l2.clearOnStartup(), memory.writeBufferBytes(),
                    l2.maxWriteBufferNumber(), memory.blockCacheBytes(), l2.compression(),
                    l2.backgroundThreads(), l2.fsync()));
        } catch (DiskTierException e) {
            throw new InvalidSettingException("ratmemcache.l2.data-dir", e.getMessage(), e);
        }
    }

    void closeCache(@Disposes TieredCache cache) {
        cache.close();
    }

    /** What operations read: stats, admin, metrics and health depend on this, not on the engine. */
    @Produces
    @Singleton
    CacheView view(TieredCache cache) {
        return cache.view();
    }

    @Produces
    @Singleton
    MemcachedServer server(RatMemCacheConfig config, TieredCache cache,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        RatMemCacheConfig.Server server = config.server();
        ServerSettings settings = new ServerSettings(listen(server),
                server.ioThreads().orElse(Runtime.getRuntime().availableProcessors()), server.maxConnections(),
                server.idleTimeout(), MEMCACHED_COMPATIBILITY + "-ratmemcache-" + version,
                nativeTransport(server.nativeTransport(), ImageMode.current()),
                new CommandPolicy(server.statKeyPrefix(), server.shutdownCommand(), server.dumpCommands(),
                        server.watchCommand(), server.flushCommand()),
                tls(server.tls()),
                authentication(server.auth(), System.getenv("MEMCACHED_SASL_PWDB")));
        Optional<RespListener> resp = resp(config, cache.databases());
        return new MemcachedServer(resp.map(settings::withResp).orElse(settings), cache, cache.view());
    }

    /** memcached's -S and -Y; the credentials files are read now, so a bad one stops the start. */
    static Authentication authentication(RatMemCacheConfig.Auth auth, String saslPwdbVariable) {
        Optional<Credentials> sasl = Optional.empty();
        if (auth.sasl()) {
            Path file = auth.saslPwdb().or(() -> Optional.ofNullable(saslPwdbVariable).filter(name -> !name.isBlank()).map(Path::of))
                    .orElseThrow(() -> new InvalidSettingException("ratmemcache.server.auth.sasl-pwdb",
                            "SASL is on (-S): name its user:password file (MEMCACHED_SASL_PWDB or this setting)"));
            sasl = Optional.of(credentials("ratmemcache.server.auth.sasl-pwdb", file));
        }
        Optional<Credentials> ascii = auth.asciiFile().map(file -> credentials("ratmemcache.server.auth.ascii-file", file));
        if (auth.maxFailures() < 0) {
            throw new InvalidSettingException("ratmemcache.server.auth.max-failures", "must not be negative: " + auth.maxFailures());
        }
        return new Authentication(sasl, ascii, auth.maxFailures());
    }

    private static Credentials credentials(String key, Path file) {
        try {
            return Credentials.load(file);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(key, e.getMessage(), e);
        }
    }

    /** memcached's -Z with its ssl_* options; the files are read when the server starts. */
    static Optional<TlsSettings> tls(RatMemCacheConfig.Tls tls) {
        if (!tls.enabled()) {
            return Optional.empty();
        }
        Path chain = tls.certificateChain().orElseThrow(() -> new InvalidSettingException("ratmemcache.server.tls.certificate-chain",
                "TLS is on (-Z): give the certificate chain (-o ssl_chain_cert=FILE)"));
        Path key = tls.privateKey().orElseThrow(() -> new InvalidSettingException("ratmemcache.server.tls.private-key",
                "TLS is on (-Z): give the private key (-o ssl_key=FILE)"));
        try {
            return Optional.of(new TlsSettings(chain, key, tls.clientCa(), TlsSettings.Verify.of(tls.verifyMode()),
                    tls.ciphers().map(ciphers -> List.of(ciphers.split(":"))).orElse(List.of()),
                    TlsSettings.parseMinVersion(tls.minVersion())));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("ratmemcache.server.tls", e.getMessage(), e);
        }
    }

    /** epoll where asked for, on a JVM; NIO in a native image, which is built without Netty's JNI transport. */
    static boolean nativeTransport(boolean asked, ImageMode mode) {
        return asked && mode == ImageMode.JVM;
    }

    /** memcached's -s replaces every TCP listener; otherwise the -l list. */
    /**
     * The Redis protocol's listener, when a port is set; its databases must fit the disk tier's
     * ({@code cacheDatabases}: the RocksDB store keeps database 0 only).
     */
    static Optional<RespListener> resp(RatMemCacheConfig config, int cacheDatabases) {
        RatMemCacheConfig.Resp resp = config.resp();
        if (resp.port().isEmpty()) {
            return Optional.empty();
        }
        int port = resp.port().getAsInt();
        if (resp.databases() < 1 || resp.databases() > Key.MAX_DATABASE + 1) {
            throw new InvalidSettingException("ratmemcache.resp.databases", "must be 1 to " + (Key.MAX_DATABASE + 1) + ": " + resp.databases());
        }
        if (resp.databases() > cacheDatabases) {
            throw new InvalidSettingException("ratmemcache.resp.databases", "the disk tier's store keeps " + cacheDatabases
                    + " database(s) only: set ratmemcache.resp.databases=" + cacheDatabases + ", or use the log store (ratmemcache.l2.store=log)");
        }
        List<ListenAddress> listen;
        try {
            String bind = resp.bind().orElseGet(() -> config.server().unixSocket().isPresent() ? "127.0.0.1"
                    : String.join(",", ListenAddress.parseAll(config.server().bind(), config.server().port()).stream()
                            .map(ListenAddress.Tcp::host).map(host -> host.contains(":") ? "[" + host + "]" : host).toList()));
            listen = List.copyOf(ListenAddress.parseAll(bind, port));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("ratmemcache.resp.bind", e.getMessage(), e);
        }
        Optional<Credentials> password = resp.password().filter(p -> !p.isEmpty()).map(p -> Credentials.of(Map.of("default", p)));
        Optional<Credentials> users = resp.usersFile().map(file -> {
            try {
                return Credentials.load(file);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException("ratmemcache.resp.users-file", e.getMessage(), e);
            }
        });
        try {
            return Optional.of(new RespListener(listen, new RespSettings(resp.databases(), resp.protectedMode(), password, users,
                    resp.maxConnections(), resp.idleTimeout())));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("ratmemcache.resp", e.getMessage(), e);
        }
    }

    static List<ListenAddress> listen(RatMemCacheConfig.Server server) {
        if (server.unixSocket().isPresent()) {
            try {
                return List.of(new ListenAddress.UnixSocket(server.unixSocket().get(), ListenAddress.parseMask(server.unixSocketMask())));
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException("ratmemcache.server.unix-socket-mask", e.getMessage(), e);
            }
        }
        try {
            return List.copyOf(ListenAddress.parseAll(server.bind(), server.port()));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("ratmemcache.server.bind", e.getMessage(), e);
        }
    }
}
