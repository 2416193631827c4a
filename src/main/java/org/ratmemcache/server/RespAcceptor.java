package org.ratmemcache.server;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.timeout.IdleStateHandler;

import org.ratmemcache.core.Cache;
import org.ratmemcache.core.CacheView;
import org.ratmemcache.server.resp.RedisCommands;
import org.ratmemcache.server.resp.RespContext;
import org.ratmemcache.server.resp.RespServer;
import org.ratmemcache.server.resp.RespSession;
import org.ratmemcache.server.resp.RespSettings;

/**
 * Admits the Redis protocol's connections: its own connection limit, Redis's protected mode, and
 * a session for each connection admitted, which CLIENT LIST and INFO read.
 */
final class RespAcceptor implements RespServer {

    /** Redis's reply when protected mode turns a client away, with this server's own remedies. */
    static final String DENIED = "-DENIED RatMemCache is running in protected mode because protected mode is enabled and no "
            + "password is set for the default user. In this mode connections are only accepted from the loopback interface. "
            + "If you want to connect from external computers to RatMemCache you may adopt one of the following solutions: "
            + "1) Set a password for the default user with the setting ratmemcache.resp.password (or the environment variable "
            + "RATMEMCACHE_RESP_PASSWORD), or name users in the file that ratmemcache.resp.users-file gives. "
            + "2) Turn protected mode off with ratmemcache.resp.protected-mode=false, after making sure the port is not "
            + "reachable from the internet. Then restart the server.\r\n";
    static final String TOO_MANY = "-ERR max number of clients reached\r\n";

    private final RespSettings settings;
    private final Commands commands;
    private final ServerStats stats;
    private final CacheView view;
    private final RedisCommands redis;
    private final Map<Long, RespSession> sessions = new ConcurrentHashMap<>();
    private volatile int port;
    private final java.util.function.LongSupplier uptime;

    RespAcceptor(RespSettings settings, Cache cache, CacheView view, Commands commands, ServerStats stats,
            java.util.function.LongSupplier uptime) {
        this.settings = settings;
        this.commands = commands;
        this.stats = stats;
        this.view = view;
        this.uptime = uptime;
        this.redis = new RedisCommands(new RespContext(cache, settings, this));
    }

    void boundTo(int port) {
        this.port = port;
    }

    /** Admits {@code channel}, connection number {@code id}, or turns it away as Redis would. */
    void accept(Channel channel, long id) {
        if (!stats.respConnections.tryOpen(settings.maxConnections())) {
            refuse(channel, TOO_MANY);
            return;
        }
        channel.closeFuture().addListener(closed -> stats.respConnections.closed());
        if (settings.refusesRemoteClients() && !isLocal(channel.remoteAddress())) {
            refuse(channel, DENIED);
            return;
        }
        RespSession session = new RespSession(id, describe(channel.remoteAddress()), view.clock().millis(),
                !settings.requiresAuthentication());
        sessions.put(id, session);
        channel.closeFuture().addListener(closed -> sessions.remove(id));
        if (!settings.idleTimeout().isZero()) {
            channel.pipeline().addLast(new IdleStateHandler(0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        }
        channel.pipeline().addLast(new RespConnectionHandler(id, commands, stats, redis, session, channel.alloc()));
    }

    /** Says why, then hangs up, reading nothing. */
    private static void refuse(Channel channel, String reply) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(reply.getBytes(StandardCharsets.US_ASCII))).addListener(ChannelFutureListener.CLOSE);
    }

    /** Loopback and Unix-socket clients are local. */
    private static boolean isLocal(SocketAddress address) {
        return !(address instanceof InetSocketAddress inet) || inet.getAddress() != null && inet.getAddress().isLoopbackAddress();
    }

    private static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            String host = inet.getAddress().getHostAddress();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    @Override
    public List<RespSession> sessions() {
        return sessions.values().stream().sorted(java.util.Comparator.comparingLong(RespSession::id)).toList();
    }

    @Override
    public long uptimeSeconds() {
        return uptime.getAsLong();
    }

    @Override
    public CacheView view() {
        return view;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public long connectionsReceived() {
        return stats.respConnections.total();
    }

    @Override
    public long connectionsRejected() {
        return stats.respConnections.rejected();
    }

    @Override
    public long commandsProcessed() {
        return stats.commands(CommandLatency.Protocol.RESP);
    }
}
