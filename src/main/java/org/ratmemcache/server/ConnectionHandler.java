package org.ratmemcache.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.IdleStateEvent;

import org.jboss.logging.Logger;
import org.ratmemcache.protocol.Parsed;

/**
 * Serves one connection, whatever its protocol: reads requests, has a subclass execute them
 * through {@link Commands}, and writes the replies. Subclasses parse, execute and encode; this
 * class owns the buffers, the order, the holding back and the closing.
 *
 * <h2>Execution order</h2>
 * <ul>
 *   <li>A connection's commands execute one at a time, in arrival order, on its event loop, and
 *       their replies leave in the same order.</li>
 *   <li>A command that cannot finish at once <em>holds back the connection's later commands</em>,
 *       not only their replies: parsing stops until it finishes, and so does reading from the
 *       socket. Three things hold a connection back: a command waiting for the disk tier (its
 *       future completes on a disk thread; the reply and the rest continue on this event loop:
 *       {@link #answer}), a client that does not read its replies (the channel is unwritable), and
 *       a full write-back queue (after a change, until the disk has caught up:
 *       {@link #answerChange}). For a disk wait, reading stops only
 *       once {@value #HELD_INPUT_LIMIT} bytes of input are held: toggling the socket's interest
 *       costs two system calls, which a client with one request in flight need not pay.</li>
 *   <li>Across connections, the cache serialises the commands of each key
 *       ({@link org.ratmemcache.core.Cache}), so nothing here needs a lock.</li>
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
 * A quit closes after the replies before it are sent. A protocol violation closes at once and
 * drops the batch's unsent replies, as memcached does; a no-op ({@link #sendNow}) sends the
 * replies before it at once, so those are not dropped. On shutdown, {@link #drainAndClose}
 * finishes what has been read, then half-closes.
 */
abstract class ConnectionHandler extends ChannelInboundHandlerAdapter implements Responder {

    private static final Logger LOG = Logger.getLogger(ConnectionHandler.class);

    /** Replies are handed to the channel once this many bytes accumulate. */
    static final int WRITE_CHUNK = 32 * 1024;

    /** Input a connection may hold unprocessed while a command waits for the disk, before it stops reading. */
    static final int HELD_INPUT_LIMIT = 64 * 1024;

    /** What one {@link #step} did. */
    enum Step {
        /** Executed a request, or part of one: call again. */
        PROGRESS,
        /** The input holds no complete request. */
        NEED_MORE,
        /** The client broke the protocol: close now, dropping unsent replies. */
        CLOSE
    }

    private final Commands commands;
    private final ServerStats serverStats;
    private final long id;

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
    private long lastCommandMillis;

    /** Where this connection's command latencies go, and under which protocol. */
    private final CommandLatency latency;
    private final CommandLatency.Protocol protocol;
    /** Counts this protocol's commands. */
    private final LongAdder commandCount;
    /** The running thread's latency recorder, taken at each read batch; null when none is kept. */
    private CommandLatency.Recorder recorder;
    /**
     * When the command being read started, if latencies are recorded: at the start of a read batch,
     * then at the end of the command before (one clock read per command).
     */
    private long commandStartNanos;

    ConnectionHandler(long id, Commands commands, ServerStats serverStats, CommandLatency.Protocol protocol) {
        this.id = id;
        this.commands = commands;
        this.serverStats = serverStats;
        this.latency = serverStats.latency;
        this.protocol = protocol;
        this.commandCount = serverStats.commandCounter(protocol);
        this.lastCommandMillis = commands.clock().millis();
    }

    /** The connection's channel, once the handler is in its pipeline. */
    protected Channel channel() {
        return ctx.channel();
    }

    /** Parses at most one request from the connection's input. */
    protected abstract Parsed parse(ByteBuf input);

    /** Executes the request that {@link #parse} produced. */
    protected abstract void execute();

    /** Gives up the room a value was being read into: the connection closes part-way through it. */
    protected abstract void abandonValue();

    /** Parses at most one request and executes it; a subclass may first continue a request. */
    protected Step step() {
        if (input == null) {
            return Step.NEED_MORE;
        }
        return switch (parse(input)) {
            case NEED_MORE -> Step.NEED_MORE;
            case CLOSE -> Step.CLOSE;
            case REQUEST -> {
                commandCount.increment();
                execute();
                if (recorder != null && awaiting == null) {
                    commandEnds();
                }
                yield Step.PROGRESS;
            }
        };
    }

    /** Records the latency of the command that just replied; the next one starts now. */
    private void commandEnds() {
        long now = System.nanoTime();
        recorder.record(protocol, now - commandStartNanos, now);
        commandStartNanos = now;
    }

    /** The reply to a command the cache failed (a disk tier that cannot write). */
    protected abstract void replyFailure(Throwable failure);

    @Override
    public long id() {
        return id;
    }

    /** The result the connection waits for before it reads on, or null. */
    protected CompletableFuture<?> awaiting() {
        return awaiting;
    }

    /** Nothing holds the connection back: every request read so far has been answered. */
    boolean idle() {
        return awaiting == null && !backedUp && !paused;
    }

    long lastCommandMillis() {
        return lastCommandMillis;
    }

    /** Notes that a command starts now, for idle times in stats conns. */
    protected void commandStarts() {
        lastCommandMillis = commands.clock().millis();
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
        if (awaiting != null) {
            updateAutoRead(); // held back: keep the input, and stop reading once there is enough
        }
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
        abandonValue();
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
        handRepliesToChannel();
        unflushed = false;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(sent -> {
            if (ctx.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            } else {
                ctx.close();
            }
        });
    }

    /**
     * Executes what the input holds, inside the cache's protection: the items read are views of
     * item memory, good until the batch ends, and the replies copy from them.
     */
    private void process() {
        commands.protect();
        try {
            processProtected();
        } finally {
            commands.release();
        }
    }

    private void processProtected() {
        if (awaiting == null) { // else the command awaited is still being timed
            recorder = latency.recorder();
            if (recorder != null) {
                commandStartNanos = System.nanoTime();
            }
        }
        while (!paused && !backedUp && awaiting == null && !closed) {
            switch (step()) {
                case NEED_MORE -> {
                    compactInput();
                    return;
                }
                case CLOSE -> {
                    LOG.debugf("connection %d broke the protocol, closing", id);
                    closeNow();
                    return;
                }
                case PROGRESS -> {
                    // next request
                }
            }
            if (output != null && output.readableBytes() >= WRITE_CHUNK) {
                handRepliesToChannel();
            }
            if (!ctx.channel().isWritable()) {
                pause();
            }
        }
    }

    /**
     * For a long reply (a multi-get): hands what has accumulated to the channel and, if the client
     * has fallen behind, pauses; returns whether the caller may go on.
     */
    protected boolean mayContinue() {
        if (output != null && output.readableBytes() >= WRITE_CHUNK) {
            handRepliesToChannel();
            if (!ctx.channel().isWritable()) {
                pause();
                return false;
            }
        }
        return true;
    }

    @Override
    public <T> void answerChange(CompletableFuture<T> result, Consumer<? super T> reply) {
        answer(result, reply);
        if (!backedUp && commands.writesBackedUp()) {
            backedUp = true;
            updateAutoRead();
            commands.whenWritable(() -> ctx.executor().execute(() -> {
                backedUp = false;
                resume();
            }));
        }
    }

    @Override
    public <T> boolean answer(CompletableFuture<T> result, Consumer<? super T> reply) {
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
            if (recorder != null) {
                commandEnds();
            }
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
            replyFailure(failure);
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

    /**
     * Reads on while a command waits for the disk, until the unprocessed input passes
     * {@link #HELD_INPUT_LIMIT}: a client that sends one request at a time is never stopped, which
     * spares the two epoll_ctl calls of every disk read; one that pipelines is stopped.
     */
    private void updateAutoRead() {
        boolean read = !paused && !backedUp && !closed
                && (awaiting == null || input == null || input.readableBytes() < HELD_INPUT_LIMIT);
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    @Override
    public ByteBuf out() {
        if (output == null) {
            output = ctx.alloc().ioBuffer();
        }
        return output;
    }

    /** Hands the accumulated replies to the channel, without flushing. */
    private void handRepliesToChannel() {
        if (output != null) {
            serverStats.bytesWritten.add(output.readableBytes());
            ctx.write(output, ctx.voidPromise());
            output = null;
            unflushed = true;
        }
    }

    /**
     * Sends everything written so far now, as memcached does after a no-op: the replies before it
     * reach the client even if a protocol error later in the batch closes the connection.
     */
    @Override
    public void sendNow() {
        flush();
    }

    /** Sends everything written so far: the one flush of a read batch. */
    private void flush() {
        handRepliesToChannel();
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

    /** Closes once the replies written so far have been sent. */
    protected void closeAfterReplies() {
        closed = true;
        handRepliesToChannel();
        unflushed = false;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** Closes at once, dropping the replies not yet sent. */
    protected void closeNow() {
        closed = true;
        releaseBuffers();
        ctx.close();
    }

    private void compactInput() {
        if (input == null) {
            return;
        }
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
