package org.ratmemcache.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.ssl.SslHandler;
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
 * The memcached server: Netty, with native epoll where the platform offers it and NIO elsewhere
 * (macOS, Windows, a native image), on TCP addresses or a Unix-domain socket.
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
    /** How often the TLS certificate files are checked for changes. */
    static final int CERTIFICATE_CHECK_SECONDS = 5;

    private final ServerSettings settings;
    private final Cache cache;
    private final CacheView view;
    private final ServerStats stats = new ServerStats();
    private final ChannelGroup connections = new DefaultChannelGroup("memcached-connections", GlobalEventExecutor.INSTANCE);
    private final AtomicLong connectionIds = new AtomicLong();
    private volatile EventLoopGroup acceptor;
    private volatile EventLoopGroup workers;
    private volatile List<Channel> listeners = List.of();
    /** The Redis protocol's listeners, when it is served. */
    private volatile List<Channel> respListeners = List.of();
    private volatile StatsReport statsReport;
    private volatile Commands commands;
    private volatile String transport;
    private volatile Optional<TlsContext> tls = Optional.empty();
    private final Watchers watchers;
    private volatile Consumer<Boolean> onShutdownCommand = graceful -> { };

    /** A server for {@code cache}, whose figures {@code view} reads for the stats command. */
    public MemcachedServer(ServerSettings settings, Cache cache, CacheView view) {
        this.settings = settings;
        this.cache = cache;
        this.view = view;
        this.watchers = new Watchers(view.clock());
    }

    /** Binds every listen address and starts serving; returns once they all accept connections. */
    public synchronized void start() {
        if (!listeners.isEmpty()) {
            throw new IllegalStateException("already started");
        }
        boolean epoll = settings.nativeTransport() && Epoll.isAvailable();
        if (epoll) {
            acceptor = new EpollEventLoopGroup(1, new DefaultThreadFactory("memcached-accept"));
            workers = new EpollEventLoopGroup(settings.ioThreads(), new DefaultThreadFactory("memcached-io"));
        } else {
            acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory("memcached-accept"));
            workers = new NioEventLoopGroup(settings.ioThreads(), new DefaultThreadFactory("memcached-io"));
        }
        tls = settings.tls().map(t -> TlsContext.load(t, settings.nativeTransport(), view.clock()));
        tls.ifPresent(context -> acceptor.next().scheduleWithFixedDelay(context::refreshIfChanged,
                CERTIFICATE_CHECK_SECONDS, CERTIFICATE_CHECK_SECONDS, TimeUnit.SECONDS));
        statsReport = new StatsReport(view, stats, settings, connections, this::boundAddresses, epoll ? "netty-epoll" : "netty-nio", tls,
                watchers);
        commands = new Commands(cache, stats, statsReport, settings.version(), watchers);
        cache.onEviction(item -> {
            if (watchers.watching(Watchers.Stream.EVICTIONS)) {
                watchers.evicted(item);
            }
        });
        commands.onShutdown(graceful -> onShutdownCommand.accept(graceful));
        // the listeners are the first entries of stats conns, as memcached's listening sockets
        connectionIds.set(settings.listen().size() - 1);
        List<Channel> bound = new ArrayList<>();
        for (ListenAddress address : settings.listen()) {
            try {
                bound.add(switch (address) {
                    case ListenAddress.Tcp tcp -> bindTcp(tcp, epoll);
                    case ListenAddress.UnixSocket socket -> bindUnixSocket(socket, epoll);
                });
            } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
                bound.forEach(channel -> channel.close().syncUninterruptibly());
                releaseThreads(Duration.ZERO);
                throw new IllegalStateException("cannot listen on " + address + ": " + e.getMessage(), e);
            }
        }
        listeners = List.copyOf(bound);
        settings.resp().ifPresent(resp -> bindResp(resp, epoll));
        transport = epoll ? "epoll" : "nio";
        LOG.debugf("memcached protocol listening on %s", listenAddresses());
    }

    private Channel bindTcp(ListenAddress.Tcp tcp, boolean epoll) {
        return new ServerBootstrap()
                .group(acceptor, workers)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(acceptor(tls.isPresent() && !tcp.notls()))
                .bind(tcp.host(), tcp.port())
                .syncUninterruptibly()
                .channel();
    }

    /** Binds the Redis protocol's addresses; on failure, stops everything started so far. */
    private void bindResp(RespListener resp, boolean epoll) {
        RespAcceptor accepting = new RespAcceptor(resp.settings(), cache, view, commands, stats, this::uptimeSeconds);
        boolean secure = tls.isPresent();
        List<Channel> bound = new ArrayList<>();
        for (ListenAddress address : resp.listen()) {
            ListenAddress.Tcp tcp = (ListenAddress.Tcp) address;
            try {
                bound.add(new ServerBootstrap()
                        .group(acceptor, workers)
                        .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                        .option(ChannelOption.SO_BACKLOG, BACKLOG)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(ChannelOption.SO_KEEPALIVE, true)
                        .childHandler(new ChannelInitializer<>() {
                            @Override
                            protected void initChannel(Channel channel) {
                                if (secure) {
                                    channel.pipeline().addLast("tls", tls.orElseThrow().newHandler(channel.alloc()));
                                }
                                connections.add(channel);
                                accepting.accept(channel, connectionIds.incrementAndGet());
                            }
                        })
                        .bind(tcp.host(), tcp.port())
                        .syncUninterruptibly()
                        .channel());
            } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
                bound.forEach(channel -> channel.close().syncUninterruptibly());
                listeners.forEach(channel -> channel.close().syncUninterruptibly());
                listeners = List.of();
                releaseThreads(Duration.ZERO);
                throw new IllegalStateException("cannot listen for the Redis protocol on " + address + ": " + e.getMessage(), e);
            }
        }
        accepting.boundTo(((InetSocketAddress) bound.getFirst().localAddress()).getPort());
        respListeners = List.copyOf(bound);
        LOG.debugf("Redis protocol listening on %s", respAddresses());
    }

    /** Where the Redis protocol is served, as bound (empty when it is not). */
    public List<InetSocketAddress> respAddresses() {
        return respListeners.stream().map(channel -> (InetSocketAddress) channel.localAddress()).toList();
    }

    private Channel bindUnixSocket(ListenAddress.UnixSocket socket, boolean epoll) throws IOException {
        UnixSocketFile.removeStale(socket.path());
        Channel channel = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(epoll ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .childHandler(acceptor(false))
                .bind(epoll ? new DomainSocketAddress(socket.path().toFile()) : UnixDomainSocketAddress.of(socket.path()))
                .syncUninterruptibly()
                .channel();
        UnixSocketFile.restrict(socket.path(), socket.mask());
        return channel;
    }

    private ChannelInitializer<Channel> acceptor(boolean secure) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                if (secure) {
                    SslHandler handler = tls.orElseThrow().newHandler(channel.alloc());
                    handler.handshakeFuture().addListener(done -> {
                        if (!done.isSuccess()) {
                            stats.tlsHandshakeErrors.increment();
                        }
                    });
                    channel.pipeline().addLast("tls", handler);
                }
                accept(channel, secure);
            }
        };
    }

    /** The first TCP address the server listens on; the real port when it was started on port 0. */
    public InetSocketAddress address() {
        return boundAddresses().stream().filter(InetSocketAddress.class::isInstance).map(InetSocketAddress.class::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("not listening on TCP: " + settings.listen()));
    }

    /** Where the server listens, as bound: the real ports of addresses given port 0. */
    public List<ListenAddress> listenAddresses() {
        List<ListenAddress> bound = new ArrayList<>();
        List<Channel> channels = listeners;
        for (int i = 0; i < channels.size(); i++) {
            ListenAddress configured = settings.listen().get(i);
            bound.add(configured instanceof ListenAddress.Tcp tcp
                    ? tcp.withPort(((InetSocketAddress) channels.get(i).localAddress()).getPort())
                    : configured);
        }
        return bound;
    }

    /** The listeners' own addresses, as their sockets report them. */
    public List<SocketAddress> boundAddresses() {
        return listeners.stream().map(Channel::localAddress).toList();
    }

    /** True while the server listens: started, not stopped, and every listener open. */
    public boolean listening() {
        List<Channel> channels = listeners;
        return !channels.isEmpty() && channels.stream().allMatch(Channel::isActive) && respListeners.stream().allMatch(Channel::isActive);
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

    /**
     * What the shutdown command does when {@link ServerSettings#shutdownCommand} allows it; told
     * whether the client asked for a graceful one. Runs on an event loop: keep it short.
     */
    public void onShutdownCommand(Consumer<Boolean> action) {
        onShutdownCommand = action;
    }

    /** Which TLS implementation serves the memcached port, "openssl" or "jdk", when TLS is on. */
    public Optional<String> tlsProvider() {
        return tls.map(TlsContext::provider);
    }

    /** The connections that watch the log streams. */
    Watchers watchers() {
        return watchers;
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
        if (listeners.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        listeners.forEach(channel -> channel.close().syncUninterruptibly());
        respListeners.forEach(channel -> channel.close().syncUninterruptibly());
        cache.onEviction(null);
        for (ListenAddress address : settings.listen()) {
            if (address instanceof ListenAddress.UnixSocket socket) {
                UnixSocketFile.remove(socket.path());
            }
        }
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
        listeners = List.of();
        respListeners = List.of();
        LOG.info("memcached protocol stopped");
    }

    private void accept(Channel channel, boolean secure) {
        if (!stats.memcachedConnections.tryOpen(settings.maxConnections())) {
            // As memcached: say why, then hang up, without reading a byte of the request (over
            // TLS, once the handshake has read what it needs).
            channel.config().setAutoRead(secure);
            channel.writeAndFlush(Unpooled.wrappedBuffer(TextError.TOO_MANY_CONNECTIONS.line()))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        long id = connectionIds.incrementAndGet();
        channel.closeFuture().addListener(closed -> {
            stats.memcachedConnections.closed();
            if (watchers.watching(Watchers.Stream.CONNEVENTS)) {
                watchers.connection("conn_close", channel, id, "normal");
            }
        });
        connections.add(channel);
        if (watchers.watching(Watchers.Stream.CONNEVENTS)) {
            watchers.connection("conn_new", channel, id, null);
        }
        if (!settings.idleTimeout().isZero()) {
            channel.pipeline().addLast(new IdleStateHandler(0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        }
        Authentication auth = settings.authentication();
        channel.pipeline().addLast(new ProtocolDetector(
                () -> auth.servesText() ? new TextConnectionHandler(id, commands, stats) : null,
                () -> auth.servesBinary() ? new BinaryConnectionHandler(id, commands, stats) : null));
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
