package org.ratmemcache.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.IdleStateEvent;

import org.jboss.logging.Logger;
import org.ratmemcache.core.Cache;
import org.ratmemcache.core.DeltaResult;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.protocol.text.TextError;
import org.ratmemcache.protocol.text.TextParser;
import org.ratmemcache.protocol.text.TextReplies;
import org.ratmemcache.protocol.text.TextRequest;

/**
 * Serves one connection in memcached's text protocol: parses each request, executes it against
 * the cache, and writes its reply.
 *
 * <h2>Execution order</h2>
 * <ul>
 *   <li>A connection's commands execute one at a time, in arrival order, on its event loop, and
 *       their replies leave in the same order. A command that cannot finish at once (a retrieval
 *       whose replies the client is not reading; later, a command waiting for L2) <em>holds back
 *       the connection's later commands</em>, not only their replies: parsing stops until it
 *       finishes, and reading from the socket stops too.</li>
 *   <li>Across connections, the cache serialises the mutations of each key
 *       ({@link org.ratmemcache.core.TieredCache}), so commands need no lock here.</li>
 * </ul>
 *
 * <h2>Writing</h2>
 * Replies accumulate in one buffer and are flushed once per read batch, in
 * {@link #channelReadComplete}. A large batch hands its buffer to the channel every
 * {@value #WRITE_CHUNK} bytes; if the channel then reports it unwritable (the client is slow to
 * read), the connection pauses: it flushes, stops reading, and resumes where it stopped, even in
 * the middle of a multi-get, once the client has caught up. Memory per connection stays bounded
 * by Netty's write-buffer high-water mark plus one value.
 *
 * <h2>Closing</h2>
 * {@code quit} closes after the replies before it are sent. A protocol violation (a runaway line,
 * an HTTP request) closes at once and drops the batch's unsent replies, as memcached does.
 */
final class TextConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(TextConnectionHandler.class);

    /** Replies are handed to the channel once this many bytes accumulate. */
    static final int WRITE_CHUNK = 32 * 1024;

    private final Cache cache;
    private final ServerStats serverStats;
    private final StatsReport statsReport;
    private final byte[] versionLine;
    private final TextParser parser;
    private final TextReplies replies = new TextReplies();
    private final long id;

    private ChannelHandlerContext ctx;
    private ByteBuf input;
    private ByteBuf output;
    /** Replies handed to the channel since the last flush. */
    private boolean unflushed;
    /** Waiting for the client to drain our replies. */
    private boolean paused;
    private boolean closed;
    /** A retrieval that paused part way: the next key to look up, or -1. */
    private int retrievalNextKey = -1;
    private long lastCommandMillis;

    TextConnectionHandler(long id, Cache cache, ServerStats serverStats, StatsReport statsReport, byte[] versionLine) {
        this.id = id;
        this.cache = cache;
        this.serverStats = serverStats;
        this.statsReport = statsReport;
        this.versionLine = versionLine;
        this.parser = new TextParser(cache.itemSizeMax());
        this.lastCommandMillis = cache.clock().millis();
    }

    long id() {
        return id;
    }

    long lastCommandMillis() {
        return lastCommandMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (closed) {
            in.release();
            return;
        }
        serverStats.bytesRead.add(in.readableBytes());
        input = input == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), input, in);
        process();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (paused && ctx.channel().isWritable()) {
            paused = false;
            ctx.channel().config().setAutoRead(true);
            process();
            flush();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            LOG.debugf("connection %d idle too long, closing", id);
            closeNow();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debugf(cause, "connection %d failed, closing", id);
        closeNow();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        closed = true;
        releaseBuffers();
    }

    /**
     * Shutdown: finish the requests already read and send their replies, then half-close, so
     * that the client reads every reply before the end of the stream. Closing outright while
     * unread requests sit in the socket would make the kernel send a reset, and the client could
     * lose replies it has not read yet. The channel closes when the client does, or when the
     * server's drain timeout runs out.
     */
    void drainAndClose() {
        if (closed) {
            return;
        }
        process();
        closed = true;
        writeOutput();
        unflushed = false;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(sent -> {
            if (ctx.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            } else {
                ctx.close();
            }
        });
    }

    private void process() {
        while (!paused && !closed) {
            if (retrievalNextKey >= 0) {
                retrieve(parser.request());
                continue;
            }
            if (input == null) {
                return;
            }
            switch (parser.parse(input)) {
                case NEED_MORE -> {
                    compactInput();
                    return;
                }
                case CLOSE -> {
                    LOG.debugf("connection %d broke the protocol, closing", id);
                    closeNow();
                    return;
                }
                case REQUEST -> execute(parser.request());
            }
            if (output != null && output.readableBytes() >= WRITE_CHUNK) {
                writeOutput();
            }
            if (!ctx.channel().isWritable()) {
                pause();
            }
        }
    }

    private void execute(TextRequest request) {
        lastCommandMillis = cache.clock().millis();
        switch (request.command()) {
            case RETRIEVE -> {
                retrievalNextKey = 0;
                retrieve(request);
            }
            case STORE -> {
                switch (cache.store(request.storeMode(), request.key(), request.flags(), expiresAt(request.exptime()),
                        request.value(), request.cas())) {
                    case STORED -> reply(request, TextReplies.STORED);
                    case NOT_STORED -> reply(request, TextReplies.NOT_STORED);
                    case EXISTS -> reply(request, TextReplies.EXISTS);
                    case NOT_FOUND -> reply(request, TextReplies.NOT_FOUND);
                    case TOO_LARGE -> reply(request, TextError.TOO_LARGE.line());
                    case NO_MEMORY -> reply(request, TextError.OUT_OF_MEMORY.line());
                }
            }
            case STORE_TOO_LARGE -> {
                cache.refuseTooLarge(request.storeMode(), request.key());
                reply(request, TextError.TOO_LARGE.line());
            }
            case DELETE -> reply(request, cache.delete(request.key()) ? TextReplies.DELETED : TextReplies.NOT_FOUND);
            case DELTA -> {
                switch (cache.delta(request.key(), request.increment(), request.delta())) {
                    case DeltaResult.Applied applied -> {
                        if (!request.noreply()) {
                            replies.number(out(), applied.value());
                        }
                    }
                    case DeltaResult.NotFound notFound -> reply(request, TextReplies.NOT_FOUND);
                    case DeltaResult.NonNumeric nonNumeric -> reply(request, TextError.NON_NUMERIC.line());
                }
            }
            case TOUCH -> reply(request, cache.touch(request.key(), expiresAt(request.exptime()))
                    ? TextReplies.TOUCHED : TextReplies.NOT_FOUND);
            case FLUSH_ALL -> {
                long now = cache.clock().millis();
                cache.flushAll(request.exptime() > 0 ? Expiry.fromExptime(request.exptime(), now) : now);
                reply(request, TextReplies.OK);
            }
            case VERSION -> reply(request, versionLine);
            case VERBOSITY -> {
                serverStats.verbosity = (int) Math.min(request.verbosity(), StatsReport.MAX_VERBOSITY);
                reply(request, TextReplies.OK);
            }
            case QUIT -> closeAfterReplies();
            case STATS -> statsReport.write(out(), request, id);
            case INVALID -> reply(request, request.error().line());
        }
    }

    /**
     * get, gets, gat, gats: one VALUE per hit, then END. Resumable: when the client falls behind,
     * it pauses after a key and the next {@link #process} continues from the following one.
     */
    private void retrieve(TextRequest request) {
        long expiresAt = request.touch() ? expiresAt(request.exptime()) : 0;
        int keys = request.keyCount();
        while (retrievalNextKey < keys) {
            Key key = request.key(retrievalNextKey++);
            Item item = request.touch() ? cache.getAndTouch(key, expiresAt) : cache.get(key);
            if (item == null) {
                continue;
            }
            ByteBuf out = out();
            replies.valueHeader(out, item, request.withCas());
            out.writeBytes(item.value());
            out.writeBytes(TextReplies.CRLF);
            if (out.readableBytes() >= WRITE_CHUNK) {
                writeOutput();
                if (!ctx.channel().isWritable() && retrievalNextKey < keys) {
                    pause();
                    return;
                }
            }
        }
        retrievalNextKey = -1;
        out().writeBytes(TextReplies.END);
    }

    private long expiresAt(long exptime) {
        return Expiry.fromExptime(exptime, cache.clock().millis());
    }

    private void reply(TextRequest request, byte[] line) {
        if (!request.noreply()) {
            out().writeBytes(line);
        }
    }

    private ByteBuf out() {
        if (output == null) {
            output = ctx.alloc().ioBuffer();
        }
        return output;
    }

    /** Hands the accumulated replies to the channel, without flushing. */
    private void writeOutput() {
        if (output != null) {
            serverStats.bytesWritten.add(output.readableBytes());
            ctx.write(output, ctx.voidPromise());
            output = null;
            unflushed = true;
        }
    }

    /** Sends everything written so far: the one flush of a read batch. */
    private void flush() {
        writeOutput();
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }

    private void pause() {
        paused = true;
        ctx.channel().config().setAutoRead(false);
        flush();
    }

    private void closeAfterReplies() {
        closed = true;
        writeOutput();
        unflushed = false;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void closeNow() {
        closed = true;
        releaseBuffers();
        ctx.close();
    }

    private void compactInput() {
        if (!input.isReadable()) {
            input.release();
            input = null;
        } else {
            input.discardSomeReadBytes();
        }
    }

    private void releaseBuffers() {
        if (input != null) {
            input.release();
            input = null;
        }
        if (output != null) {
            output.release();
            output = null;
        }
    }
}
