package org.ratmemcache.server;

import java.util.concurrent.atomic.LongAdder;

/** The server's own counters: connections and traffic, as memcached's stats name them. */
public final class ServerStats {

    /** memcached's listeners' connections (its text, meta and binary protocols). */
    final ConnectionCounts memcachedConnections = new ConnectionCounts();
    /** The Redis protocol's listener's connections. */
    final ConnectionCounts respConnections = new ConnectionCounts();
    /** Commands executed, by protocol. */
    private final LongAdder[] commands = new LongAdder[CommandLatency.Protocol.values().length];
    final LongAdder bytesRead = new LongAdder();
    final LongAdder bytesWritten = new LongAdder();
    /** Authentication attempts and the failed ones: memcached's auth_cmds and auth_errors. */
    final LongAdder authCommands = new LongAdder();
    final LongAdder authErrors = new LongAdder();
    /** TLS handshakes that failed: memcached's ssl_handshake_errors. */
    final LongAdder tlsHandshakeErrors = new LongAdder();
    /** Meta commands that memcached counts as cmd_meta: me. */
    final LongAdder metaCommands = new LongAdder();
    /** The level last set by the verbosity command, capped as memcached caps it. */
    volatile int verbosity;
    // memcached's tunables that its admin commands set and stats settings shows; the machinery they
    // tune (slab pages, the crawler's pacing) does not exist here, so they change nothing else.
    volatile int slabAutomove = 1;
    volatile double slabAutomoveRatio = 0.8;
    volatile long crawlerSleepMicros = 100;
    volatile long crawlerToCrawl;
    /** Command latencies, recorded once something reads them (the metrics). */
    final CommandLatency latency = new CommandLatency();

    public CommandLatency latency() {
        return latency;
    }

    public ServerStats() {
        for (int i = 0; i < commands.length; i++) {
            commands[i] = new LongAdder();
        }
    }

    public int currConnections() {
        return memcachedConnections.current();
    }

    public long totalConnections() {
        return memcachedConnections.total();
    }

    public long rejectedConnections() {
        return memcachedConnections.rejected();
    }

    /** memcached's listeners' connections. */
    public ConnectionCounts memcachedConnections() {
        return memcachedConnections;
    }

    /** The Redis protocol's connections. */
    public ConnectionCounts respConnections() {
        return respConnections;
    }

    /** The commands executed in {@code protocol}. */
    public long commands(CommandLatency.Protocol protocol) {
        return commands[protocol.ordinal()].sum();
    }

    /** The counter of {@code protocol}'s commands, which a connection increments once per command. */
    LongAdder commandCounter(CommandLatency.Protocol protocol) {
        return commands[protocol.ordinal()];
    }

    public long bytesRead() {
        return bytesRead.sum();
    }

    public long bytesWritten() {
        return bytesWritten.sum();
    }

    /** memcached's stats reset: the totals go back to zero; what is open stays counted. */
    void reset() {
        memcachedConnections.reset();
        respConnections.reset();
        for (LongAdder counter : commands) {
            counter.reset();
        }
        bytesRead.reset();
        bytesWritten.reset();
        metaCommands.reset();
        tlsHandshakeErrors.reset();
        authCommands.reset();
        authErrors.reset();
    }
}
