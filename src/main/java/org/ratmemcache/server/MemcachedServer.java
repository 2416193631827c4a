package org.ratmemcache.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;

import org.jboss.logging.Logger;
import org.ratmemcache.core.Cache;
import org.ratmemcache.core.CacheView;
import org.ratmemcache.protocol.text.TextError;

/**
 * The memcached TCP server: Netty, with native epoll where the platform offers it and NIO
 * elsewhere (macOS, Windows, a native image).
 *
 * <p>Plain Java with an explicit lifecycle, {@link #start()} then {@link #stop(Duration)}, so that
 * tests can run it without Quarkus and Quarkus can start and stop it on its lifecycle events.
 * {@link #stop} releases the port and every thread, so a dev-mode reload or another
 * {@code @QuarkusTest} in the same JVM can start a new one at once.
 */
public final class MemcachedServer {

    private static final Logger LOG = Logger.getLogger(MemcachedServer.class);

    /** Pending connections the kernel queues for accept, as memcached's default -b. */
    static final int BACKLOG = 1024;

    private final ServerSettings settings;
    private final Cache cache;
    private final CacheView view;
    private final ServerStats stats = new ServerStats();
    private final ChannelGroup connections = new DefaultChannelGroup("memcached-connections", GlobalEventExecutor.INSTANCE);
    private final AtomicLong connectionIds = new AtomicLong();
    private volatile EventLoopGroup acceptor;
    private volatile EventLoopGroup workers;
    private volatile Channel listener;
    private volatile StatsReport statsReport;
    private volatile Commands commands;
    private volatile String transport;

    /** A server for {@code cache}, whose figures {@code view} reads for the stats command. */
    public MemcachedServer(ServerSettings settings, Cache cache, CacheView view) {
        this.settings = settings;
        this.cache = cache;
        this.view = view;
    }

    /** Binds and starts serving; returns once the port accepts connections. */
    public synchronized void start() {
        if (listener != null) {
            throw new IllegalStateException("already started");
        }
        boolean epoll = settings.nativeTransport() && Epoll.isAvailable();
        Class<? extends ServerChannel> channelType;
        if (epoll) {
            acceptor = new EpollEventLoopGroup(1, new DefaultThreadFactory("memcached-accept"));
            workers = new EpollEventLoopGroup(settings.ioThreads(), new DefaultThreadFactory("memcached-io"));
            channelType = EpollServerSocketChannel.class;
        } else {
            acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory("memcached-accept"));
            workers = new NioEventLoopGroup(settings.ioThreads(), new DefaultThreadFactory("memcached-io"));
            channelType = NioServerSocketChannel.class;
        }
        statsReport = new StatsReport(view, stats, settings, connections,
                () -> listener == null ? null : listener.localAddress(), epoll ? "netty-epoll" : "netty-nio");
        commands = new Commands(cache, stats, statsReport, settings.version());
        try {
            listener = new ServerBootstrap()
                    .group(acceptor, workers)
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, BACKLOG)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            accept(channel);
                        }
                    })
                    .bind(settings.bind(), settings.port())
                    .syncUninterruptibly()
                    .channel();
        } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
            releaseThreads(Duration.ZERO);
            throw new IllegalStateException("cannot listen on " + settings.bind() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        transport = epoll ? "epoll" : "nio";
        LOG.debugf("memcached protocol listening on %s", address());
    }

    /** The address the server listens on; the real port when it was started on port 0. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** True while the server listens: started, and not stopped. */
    public boolean listening() {
        Channel channel = listener;
        return channel != null && channel.isActive();
    }

    /**
     * Whether every event loop (the acceptor's and the connections') runs a task within
     * {@code timeout}: a loop that is stuck or dead does not. Returns the number of loops that did
     * not answer; never called from an event loop.
     */
    public int unresponsiveEventLoops(Duration timeout) {
        EventLoopGroup[] groups = {acceptor, workers};
        List<Future<?>> probes = new ArrayList<>();
        for (EventLoopGroup group : groups) {
            if (group == null) {
                continue;
            }
            for (EventExecutor loop : group) {
                probes.add(loop.submit(() -> { }));
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        int unresponsive = 0;
        for (Future<?> probe : probes) {
            if (!probe.awaitUninterruptibly(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())))
                    || !probe.isSuccess()) {
                unresponsive++;
            }
        }
        return unresponsive;
    }

    /** Seconds since the server started listening, as memcached's {@code stats} uptime; 0 before. */
    public long uptimeSeconds() {
        StatsReport report = statsReport;
        return report == null ? 0 : report.uptimeSeconds();
    }

    /** The Netty transport serving connections: "epoll" or "nio". */
    public String transport() {
        return transport;
    }

    public ServerSettings settings() {
        return settings;
    }

    public ServerStats stats() {
        return stats;
    }

    /**
     * Stops gracefully: stops accepting, lets every connection finish the requests it has read
     * and send their replies, closes the connections (forcibly after {@code timeout}), then
     * releases the threads.
     */
    public synchronized void stop(Duration timeout) {
        if (listener == null) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        listener.close().syncUninterruptibly();
        for (Channel channel : connections) {
            channel.eventLoop().execute(() -> {
                ConnectionHandler handler = channel.pipeline().get(ConnectionHandler.class);
                if (handler != null) {
                    handler.drainAndClose();
                } else {
                    channel.close();
                }
            });
        }
        if (!connections.newCloseFuture().awaitUninterruptibly(remaining(deadline), TimeUnit.NANOSECONDS)) {
            LOG.warnf("%d memcached connections did not finish within %s; closing them", connections.size(), timeout);
            connections.close().awaitUninterruptibly();
        }
        releaseThreads(Duration.ofNanos(remaining(deadline)));
        listener = null;
        LOG.info("memcached protocol stopped");
    }

    private void accept(SocketChannel channel) {
        if (!stats.tryOpen(settings.maxConnections())) {
            // As memcached: say why, then hang up, without reading a byte of the request.
            channel.config().setAutoRead(false);
            channel.writeAndFlush(Unpooled.wrappedBuffer(TextError.TOO_MANY_CONNECTIONS.line()))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        channel.closeFuture().addListener(closed -> stats.closed());
        connections.add(channel);
        if (!settings.idleTimeout().isZero()) {
            channel.pipeline().addLast(new IdleStateHandler(0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        }
        long id = connectionIds.incrementAndGet();
        channel.pipeline().addLast(new ProtocolDetector(
                () -> new TextConnectionHandler(id, commands, stats),
                () -> new BinaryConnectionHandler(id, commands, stats)));
    }

    private void releaseThreads(Duration timeout) {
        long millis = Math.max(timeout.toMillis(), 0);
        for (EventLoopGroup group : new EventLoopGroup[] {acceptor, workers}) {
            if (group != null) {
                group.shutdownGracefully(0, millis, TimeUnit.MILLISECONDS).awaitUninterruptibly(millis + 1000);
            }
        }
        acceptor = null;
        workers = null;
    }

    private static long remaining(long deadline) {
        return Math.max(deadline - System.nanoTime(), 0);
    }
}
