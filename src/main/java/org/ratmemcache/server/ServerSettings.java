package org.ratmemcache.server;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How the memcached server listens.
 *
 * @param listen          where it accepts connections: TCP addresses, or one Unix-domain socket
 * @param ioThreads       event-loop threads serving connections
 * @param maxConnections  client connections served at once; more are refused, as memcached's -c
 * @param idleTimeout     a connection idle this long is closed; zero never closes one
 * @param version         what the version command reports
 * @param nativeTransport use native libraries where the platform has them, epoll and BoringSSL; false
 *                        keeps to the JDK's NIO and TLS (as in a native image)
 * @param commands        which administrative commands are served, as memcached's -D, -A, -X, -W, -F
 * @param tls             TLS on every TCP listener not marked {@code notls:}, as memcached's -Z; empty for none
 * @param authentication  who may connect, as memcached's -S and -Y
 * @param resp            the Redis protocol's listener, when it is served
 */
public record ServerSettings(List<ListenAddress> listen, int ioThreads, int maxConnections, Duration idleTimeout,
        String version, boolean nativeTransport, CommandPolicy commands, Optional<TlsSettings> tls,
        Authentication authentication, Optional<RespListener> resp) {

    public ServerSettings {
        listen = List.copyOf(listen);
        if (listen.isEmpty()) {
            throw new IllegalArgumentException("nowhere to listen");
        }
        if (listen.stream().anyMatch(ListenAddress.UnixSocket.class::isInstance) && listen.size() > 1) {
            throw new IllegalArgumentException("a Unix-domain socket is the only listener, as memcached's -s: " + listen);
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
        if (tls.isPresent() && listen.stream().noneMatch(address -> address instanceof ListenAddress.Tcp tcp && !tcp.notls())) {
            throw new IllegalArgumentException("TLS is on, but no TCP listener serves it (each is notls: or a Unix socket): " + listen);
        }
    }

    /** Settings without the Redis protocol. */
    public ServerSettings(List<ListenAddress> listen, int ioThreads, int maxConnections, Duration idleTimeout,
            String version, boolean nativeTransport, CommandPolicy commands, Optional<TlsSettings> tls,
            Authentication authentication) {
        this(listen, ioThreads, maxConnections, idleTimeout, version, nativeTransport, commands, tls, authentication, Optional.empty());
    }

    /** memcached's defaults for the administrative commands and no TLS or authentication. */
    public ServerSettings(List<ListenAddress> listen, int ioThreads, int maxConnections, Duration idleTimeout,
            String version, boolean nativeTransport) {
        this(listen, ioThreads, maxConnections, idleTimeout, version, nativeTransport, CommandPolicy.DEFAULT, Optional.empty(),
                Authentication.NONE);
    }

    /** These settings, with TLS as {@code tls} says. */
    public ServerSettings withTls(TlsSettings tls) {
        return new ServerSettings(listen, ioThreads, maxConnections, idleTimeout, version, nativeTransport, commands,
                Optional.of(tls), authentication, resp);
    }

    /** These settings, with {@code authentication}. */
    public ServerSettings withAuthentication(Authentication authentication) {
        return new ServerSettings(listen, ioThreads, maxConnections, idleTimeout, version, nativeTransport, commands,
                tls, authentication, resp);
    }

    /** These settings, with {@code commands}. */
    public ServerSettings withCommands(CommandPolicy commands) {
        return new ServerSettings(listen, ioThreads, maxConnections, idleTimeout, version, nativeTransport, commands,
                tls, authentication, resp);
    }

    /** These settings, serving the Redis protocol as {@code resp} says. */
    public ServerSettings withResp(RespListener resp) {
        return new ServerSettings(listen, ioThreads, maxConnections, idleTimeout, version, nativeTransport, commands,
                tls, authentication, Optional.of(resp));
    }

    /** One TCP listener on {@code host} and {@code port}. */
    public ServerSettings(String host, int port, int ioThreads, int maxConnections, Duration idleTimeout, String version,
            boolean nativeTransport) {
        this(List.of(new ListenAddress.Tcp(host, port)), ioThreads, maxConnections, idleTimeout, version, nativeTransport);
    }
}
