package org.ratmemcache.server;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

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
import org.ratmemcache.core.StoreResult;
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
 *       their replies leave in the same order.</li>
 *   <li>A command that cannot finish at once <em>holds back the connection's later commands</em>,
 *       not only their replies: parsing stops until it finishes, and so does reading from the
 *       socket. Three things hold a connection back: a command waiting for the disk tier (its
 *       future completes on a disk thread; the reply and the rest continue on this event loop), a
 *       client that does not read its replies (the channel is unwritable), and a full write-back
 *       queue (after a write, until the disk has caught up).</li>
 *   <li>Across connections, the cache serialises the commands of each key
 *       ({@link org.ratmemcache.core.TieredCache}), so nothing here needs a lock.</li>
 * </ul>
 *
 * <h2>Writing</h2>
 * Replies accumulate in one buffer and are flushed once per read batch, in
 * {@link #channelReadComplete} (or when a held-back connection resumes). A large batch hands its
 * buffer to the channel every {@value #WRITE_CHUNK} bytes; if the channel then reports itself
 * unwritable, the connection pauses, even in the middle of a multi-get, until the client has
 * caught up. Memory per connection stays bounded by Netty's write-buffer high-water mark plus one
 * value.
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

    // Continuations of the commands that may wait for the disk, made once per connection.
    private final Consumer<StoreResult> replyStored = this::replyStored;
    private final Consumer<Boolean> replyDeleted = deleted -> reply(deleted ? TextReplies.DELETED : TextReplies.NOT_FOUND);
    private final Consumer<Boolean> replyTouched = touched -> reply(touched ? TextReplies.TOUCHED : TextReplies.NOT_FOUND);
    private final Consumer<DeltaResult> replyDelta = this::replyDelta;
    private final Consumer<Object> replyOk = done -> reply(TextReplies.OK);
    private final Consumer<Object> replyTooLarge = done -> reply(TextError.TOO_LARGE.line());
    private final Consumer<Item> retrieved = this::writeItem;

    private ChannelHandlerContext ctx;
    private ByteBuf input;
    private ByteBuf output;
    /** Replies handed to the channel since the last flush. */
    private boolean unflushed;
    /** Held back: the client is not reading our replies. */
    private boolean paused;
    /** Held back: the write-back queue is full. */
    private boolean backedUp;
    /** Held back: a command is waiting for the disk tier. */
    private CompletableFuture<?> awaiting;
    /** Shutting down: close once the command in flight has finished. */
    private boolean draining;
    private boolean closed;
    /** A retrieval in progress: the next key to look up, or -1. */
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
            resume();
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
     * Shutdown: finish the requests already read (waiting for one in flight) and send their
     * replies, then half-close, so that the client reads every reply before the end of the
     * stream. Closing outright while unread requests sit in the socket would make the kernel
     * send a reset, and the client could lose replies it has not read yet. The channel closes
     * when the client does, or when the server's drain timeout runs out.
     */
    void drainAndClose() {
        if (closed) {
            return;
        }
        draining = true;
        process();
        if (awaiting == null) {
            finishDrain();
        }
    }

    private void finishDrain() {
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
        while (!paused && !backedUp && awaiting == null && !closed) {
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
            case STORE -> write(cache.store(request.storeMode(), request.key(), request.flags(),
                    expiresAt(request.exptime()), request.value(), request.cas()), replyStored);
            case STORE_TOO_LARGE -> write(cache.refuseTooLarge(request.storeMode(), request.key()), replyTooLarge);
            case DELETE -> write(cache.delete(request.key()), replyDeleted);
            case DELTA -> write(cache.delta(request.key(), request.increment(), request.delta()), replyDelta);
            case TOUCH -> write(cache.touch(request.key(), expiresAt(request.exptime())), replyTouched);
            case FLUSH_ALL -> {
                long now = cache.clock().millis();
                await(cache.flushAll(request.exptime() > 0 ? Expiry.fromExptime(request.exptime(), now) : now), replyOk);
            }
            case VERSION -> reply(versionLine);
            case VERBOSITY -> {
                serverStats.verbosity = (int) Math.min(request.verbosity(), StatsReport.MAX_VERBOSITY);
                reply(TextReplies.OK);
            }
            case QUIT -> closeAfterReplies();
            case STATS -> statsReport.write(out(), request, id);
            case INVALID -> reply(request.error().line());
        }
    }

    /**
     * get, gets, gat, gats: one VALUE per hit, then END. Resumable: it stops after a key when the
     * disk must be read or the client falls behind, and the next {@link #process} continues.
     */
    private void retrieve(TextRequest request) {
        long expiresAt = request.touch() ? expiresAt(request.exptime()) : 0;
        int keys = request.keyCount();
        while (retrievalNextKey < keys) {
            Key key = request.key(retrievalNextKey++);
            if (request.touch()) {
                if (!await(cache.getAndTouch(key, expiresAt), retrieved)) {
                    return;
                }
            } else {
                Item item = cache.get(key);
                if (item == Cache.ON_DISK) {
                    if (!await(cache.load(key), retrieved)) {
                        return;
                    }
                } else {
                    writeItem(item);
                }
            }
            if (output != null && output.readableBytes() >= WRITE_CHUNK) {
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

    private void writeItem(Item item) {
        if (item == null) {
            return;
        }
        byte[] value = item.value();
        ByteBuf out = out();
        replies.valueHeader(out, item, value.length, parser.request().withCas());
        out.writeBytes(value);
        out.writeBytes(TextReplies.CRLF);
    }

    private void replyStored(StoreResult result) {
        reply(switch (result) {
            case STORED -> TextReplies.STORED;
            case NOT_STORED -> TextReplies.NOT_STORED;
            case EXISTS -> TextReplies.EXISTS;
            case NOT_FOUND -> TextReplies.NOT_FOUND;
            case TOO_LARGE -> TextError.TOO_LARGE.line();
            case NO_MEMORY -> TextError.OUT_OF_MEMORY.line();
        });
    }

    private void replyDelta(DeltaResult result) {
        switch (result) {
            case DeltaResult.Applied applied -> {
                if (!parser.request().noreply()) {
                    replies.number(out(), applied.value());
                }
            }
            case DeltaResult.NotFound notFound -> reply(TextReplies.NOT_FOUND);
            case DeltaResult.NonNumeric nonNumeric -> reply(TextError.NON_NUMERIC.line());
        }
    }

    /** A command that writes: its reply, then, if the disk has fallen behind, hold back. */
    private <T> void write(CompletableFuture<T> result, Consumer<? super T> reply) {
        await(result, reply);
        if (!backedUp && cache.writesBackedUp()) {
            backedUp = true;
            updateAutoRead();
            cache.whenWritable(() -> ctx.executor().execute(() -> {
                backedUp = false;
                resume();
            }));
        }
    }

    /**
     * Replies with {@code result} now if it is complete and returns true; else holds the
     * connection back until it is, replies on this event loop, and returns false.
     */
    private <T> boolean await(CompletableFuture<T> result, Consumer<? super T> reply) {
        if (result.isDone()) {
            complete(result, reply);
            return true;
        }
        awaiting = result;
        updateAutoRead();
        result.whenComplete((value, failure) -> ctx.executor().execute(() -> {
            if (closed && !draining) {
                return;
            }
            awaiting = null;
            complete(result, reply);
            resume();
            if (draining && awaiting == null) {
                finishDrain();
            }
        }));
        return false;
    }

    private <T> void complete(CompletableFuture<T> result, Consumer<? super T> reply) {
        if (result.isCompletedExceptionally()) {
            Throwable failure = result.handle((value, error) -> error).join();
            LOG.debugf(failure, "connection %d: the cache failed a request", id);
            if (retrievalNextKey < 0) {
                reply(TextError.STORAGE_FAILURE.line());
            }
            // A retrieval treats a key it could not read as a miss and goes on.
        } else {
            reply.accept(result.getNow(null));
        }
    }

    /** Continues after something that held the connection back has cleared. */
    private void resume() {
        updateAutoRead();
        process();
        flush();
    }

    private void updateAutoRead() {
        boolean read = !paused && !backedUp && awaiting == null && !closed;
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    private long expiresAt(long exptime) {
        return Expiry.fromExptime(exptime, cache.clock().millis());
    }

    private void reply(byte[] line) {
        if (!parser.request().noreply()) {
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
        updateAutoRead();
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
