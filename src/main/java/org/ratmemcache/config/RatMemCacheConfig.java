package org.ratmemcache.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import org.ratmemcache.core.memory.Eviction;
import org.ratmemcache.storage.rocksdb.RocksDbSettings;

/**
 * Every setting of the service, under {@code ratmemcache.}. Each key can also be set through its
 * environment variable, e.g. {@code RATMEMCACHE_SERVER_PORT}. Sizes take a unit suffix
 * ({@code 64m}, {@code 2g}); durations take {@code 30s} or {@code 5m}.
 */
@ConfigMapping(prefix = "ratmemcache")
public interface RatMemCacheConfig {

    Server server();

    Resp resp();

    L1 l1();

    L2 l2();

    Ttl ttl();

    Compression compression();

    Admin admin();

    /** The REST admin API under /admin. */
    interface Admin {

        /** The admin user's name, for HTTP Basic authentication. */
        @WithDefault("admin")
        String username();

        /**
         * The admin user's password. Without one, flush and delete are refused (403): the admin API
         * is never open by default.
         */
        Optional<String> password();

        /** Require the admin role for the read endpoints too (stats, keys, config). */
        @WithDefault("false")
        boolean protectReads();
    }

    /** The memcached listener. */
    interface Server {

        /**
         * Addresses to listen on, comma-separated as memcached's -l, each ADDR or ADDR:PORT ([V6]:PORT
         * for IPv6): every interface by default, as memcached and a container need.
         */
        @WithDefault("0.0.0.0")
        String bind();

        /** TCP port for the memcached protocols, for addresses that name none; 0 picks a free one. */
        @WithDefault("11211")
        int port();

        /** A Unix-domain socket to listen on instead of TCP, as memcached's -s (which serves no TCP then). */
        Optional<Path> unixSocket();

        /** The socket file's permission bits, in octal, as memcached's -a. */
        @WithDefault("700")
        String unixSocketMask();

        /** Event-loop threads; by default one per available processor. */
        OptionalInt ioThreads();

        /** Client connections served at once, as memcached's -c; more are refused. */
        @WithDefault("1024")
        int maxConnections();

        /** Close a connection idle this long; 0s never does, as memcached's default. */
        @WithDefault("0s")
        Duration idleTimeout();

        /** The largest item, as memcached's -I (counted as memcached counts it). */
        @WithDefault("1m")
        MemorySize itemSizeMax();

        /** Use Linux's native epoll transport when it is available; false forces Java NIO. */
        @WithDefault("true")
        boolean nativeTransport();

        /** What ends a key's prefix in stats detail's per-prefix counts, as memcached's -D. */
        @WithDefault(":")
        char statKeyPrefix();

        /** Whether the shutdown command stops the server, as memcached's -A; off, it is refused. */
        @WithDefault("false")
        boolean shutdownCommand();

        /**
         * Whether stats cachedump and lru_crawler metadump/mgdump list keys; false refuses them, as
         * memcached's -X (keys can be private data).
         */
        @WithDefault("true")
        boolean dumpCommands();

        /** Whether the watch command streams logs; false refuses it, as memcached's -W. */
        @WithDefault("true")
        boolean watchCommand();

        /** Whether flush_all (and the binary Flush) empty the cache; false refuses them, as memcached's -F. */
        @WithDefault("true")
        boolean flushCommand();

        /** TLS on the memcached port, as memcached's -Z and -o ssl_*. */
        Tls tls();

        /** Who may use the memcached port, as memcached's -S and -Y. */
        Auth auth();

        /** On shutdown, how long connections get to finish the requests they have sent. */
        @WithDefault("5s")
        Duration drainTimeout();
    }

    /** Redis's protocol, RESP2 and RESP3, over the same cache: off unless a port is set. */
    interface Resp {

        /** TCP port for Redis's protocol (Redis's own is 6379); without one it is not served. */
        OptionalInt port();

        /**
         * Addresses to listen on, comma-separated as server.bind, each ADDR or ADDR:PORT; by default
         * the memcached listener's addresses, on the RESP port.
         */
        Optional<String> bind();

        /** Redis connections served at once (Redis's maxclients); more are refused. */
        @WithDefault("10000")
        int maxConnections();

        /** Close a Redis connection idle this long (Redis's timeout); 0s never does. */
        @WithDefault("0s")
        Duration idleTimeout();

        /**
         * Redis's protected mode: with neither a password nor a users file, only loopback clients
         * are served; others are told why and disconnected.
         */
        @WithDefault("true")
        boolean protectedMode();

        /** The default user's password (Redis's requirepass): AUTH password, or AUTH default password. */
        Optional<String> password();

        /** Other users, user:password lines as memcached's -Y file: AUTH user password. */
        Optional<Path> usersFile();

        /** Numbered databases that SELECT chooses from, as Redis's databases; memcached's protocols use 0. */
        @WithDefault("16")
        int databases();
    }

    /** Authentication on the memcached port. */
    interface Auth {

        /** Binary SASL PLAIN, as memcached's -S; the text protocol is then refused (unless ascii-file is set too). */
        @WithDefault("false")
        boolean sasl();

        /** SASL's users, user:password lines; by default the file that MEMCACHED_SASL_PWDB names, as upstream memcached. */
        Optional<Path> saslPwdb();

        /** The text protocol's users, user:password lines, as memcached's -Y; the binary protocol is then refused (unless sasl is on too). */
        Optional<Path> asciiFile();

        /** Failed attempts after which a connection is closed; 0 keeps it open, as memcached does. */
        @WithDefault("3")
        int maxFailures();
    }

    /** TLS on the memcached port. */
    interface Tls {

        /** Serve TLS on every TCP listener not given as notls:ADDR:PORT, as memcached's -Z. */
        @WithDefault("false")
        boolean enabled();

        /** PEM certificate chain, the server's certificate first (memcached's ssl_chain_cert). */
        Optional<Path> certificateChain();

        /** The certificate's PEM private key, PKCS#8 (ssl_key). */
        Optional<Path> privateKey();

        /** PEM certificates of the CAs whose client certificates are accepted (ssl_ca_cert). */
        Optional<Path> clientCa();

        /** Client certificates: 0 not asked for, 1 requested, 2 required, 3 once (ssl_verify_mode). */
        @WithDefault("0")
        int verifyMode();

        /** Cipher suites, colon-separated OpenSSL or IANA names (ssl_ciphers); the provider's defaults otherwise. */
        Optional<String> ciphers();

        /** The oldest protocol served: tlsv1.2 or tlsv1.3 (ssl_min_version). */
        @WithDefault("tlsv1.2")
        String minVersion();
    }

    /** The in-memory tier. */
    interface L1 {

        /** The byte budget for cached data, as memcached's -m: keys, values and per-item overhead. */
        @WithDefault("64m")
        MemorySize maxMemory();

        /** The most items held; unbounded unless set. */
        OptionalLong maxEntries();

        /** Which items go first when the tier is full; hybrid (W-TinyLFU) has the best hit ratios measured. */
        @WithDefault("hybrid")
        Eviction eviction();
    }

    /** The persistent tier on RocksDB. */
    interface L2 {

        /** Keep a persistent tier below memory. */
        @WithDefault("true")
        boolean enabled();

        /** Where RocksDB keeps its files: a volume in a container. */
        @WithDefault("data/l2")
        Path dataDir();

        /** What keeps the items on disk. */
        @WithDefault("log")
        Store store();

        /**
         * The bound on the data directory's files (SST files, write-ahead log, manifest); past it the
         * oldest items are evicted from disk. 0 for no bound.
         */
        @WithDefault("4g")
        MemorySize maxDiskSize();

        /** Discard whatever the data directory holds when starting. */
        @WithDefault("false")
        boolean clearOnStartup();

        /** When a write is acknowledged. */
        @WithDefault("write-back")
        WritePolicy writePolicy();

        /** Sync the write-ahead log on every write, so that writes survive a power loss too. */
        @WithDefault("false")
        boolean fsync();

        /** Values longer than this skip L1 and live on disk only. */
        @WithDefault("256k")
        MemorySize largeValueThreshold();

        /** Changes waiting for the disk at most, before writing connections are held back. */
        @WithDefault("100000")
        long writeBackQueueItems();

        /**
         * Bytes of changes waiting for the disk at most, before writing connections are held back;
         * derived from {@code l1.max-memory} unless set ({@link L2Memory}).
         */
        Optional<MemorySize> writeBackQueueSize();

        /** How long a change may wait for the disk, before writing connections are held back. */
        @WithDefault("100ms")
        Duration writeBackMaxLag();

        /**
         * The longest a client waits for the disk: a write-through write not on disk by then, and
         * every write while the disk has taken none for that long, get SERVER_ERROR (binary 0x86).
         */
        @WithDefault("1s")
        Duration writeTimeout();

        /** Threads that read the disk for commands memory cannot answer. */
        @WithDefault("4")
        int workerThreads();

        /**
         * Bytes a RocksDB memtable collects before it is written to a file; derived from
         * {@code l1.max-memory} unless set ({@link L2Memory}).
         */
        Optional<MemorySize> writeBufferSize();

        /** RocksDB memtables kept in memory, the active one included. */
        @WithDefault("2")
        int maxWriteBufferNumber();

        /** RocksDB's cache of uncompressed blocks; derived from {@code l1.max-memory} unless set ({@link L2Memory}). */
        Optional<MemorySize> blockCacheSize();

        /**
         * The memory the log store's directory of the keys on disk may take, which bounds how many
         * keys the disk holds; derived from {@code l1.max-memory} unless set ({@link L2Memory}).
         */
        Optional<MemorySize> directorySize();

        /** Compression of RocksDB's blocks on disk. */
        @WithDefault("lz4")
        RocksDbSettings.Compression compression();

        /** RocksDB's threads for flushes and compactions. */
        @WithDefault("2")
        int backgroundThreads();

        /** The disk tier's stores. */
        enum Store {
            /** RocksDB: items, an expiry index and an age index in column families. */
            ROCKSDB,
            /** An append-only log of segment files, with a directory of the keys in memory. */
            LOG
        }

        /** The write policies. */
        enum WritePolicy {
            /** Acknowledge from memory; write to disk in batches, within the maximum lag. */
            WRITE_BACK,
            /** Acknowledge once the write is in RocksDB's write-ahead log. */
            WRITE_THROUGH
        }
    }

    /** LZ4 compression of values in memory (and on disk, when RocksDB's own compression is off). */
    interface Compression {

        @WithDefault("true")
        boolean enabled();

        /** Values at least this long are compressed; a value stays raw if compressing does not shrink it. */
        @WithDefault("4k")
        MemorySize threshold();
    }

    /** Expiry. */
    interface Ttl {

        /**
         * The time to live the library API gives an item stored without one; 0s never expires. The
         * memcached protocols are not affected: their exptime 0 means "never".
         */
        @WithDefault("0s")
        Duration defaultTtl();

        /** The longest time to live the library API grants (longer ones are clamped); 0s for no limit. */
        @WithDefault("0s")
        Duration maxTtl();

        /** How often expired and flushed items are swept from memory; 0s sweeps only on access. */
        @WithDefault("30s")
        Duration cleanupInterval();
    }
}
