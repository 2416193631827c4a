package org.ratmemcache.server;

import java.time.Duration;

/**
 * How the memcached server listens.
 *
 * @param bind           the address to listen on; 0.0.0.0 for every interface
 * @param port           the TCP port; 0 picks a free one
 * @param ioThreads      event-loop threads serving connections
 * @param maxConnections client connections served at once; more are refused, as memcached's -c
 * @param idleTimeout    a connection idle this long is closed; zero never closes one
 * @param version        what the version command reports
 * @param nativeTransport use native epoll where the platform has it; false forces NIO
 */
public record ServerSettings(String bind, int port, int ioThreads, int maxConnections, Duration idleTimeout,
        String version, boolean nativeTransport) {

    public ServerSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be within 0..65535: " + port);
        }
        if (ioThreads < 1) {
            throw new IllegalArgumentException("io-threads must be at least 1: " + ioThreads);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max-connections must be at least 1: " + maxConnections);
        }
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idle-timeout must not be negative: " + idleTimeout);
        }
    }
}
