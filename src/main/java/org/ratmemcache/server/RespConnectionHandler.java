package org.ratmemcache.server;

import java.util.concurrent.CompletableFuture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import org.ratmemcache.core.Cache;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.StoreResult;
import org.ratmemcache.protocol.Parsed;
import org.ratmemcache.protocol.RequestValue;
import org.ratmemcache.protocol.resp.RespLimits;
import org.ratmemcache.protocol.resp.RespParser;
import org.ratmemcache.protocol.resp.RespReplies;
import org.ratmemcache.protocol.resp.RespRequest;
import org.ratmemcache.server.resp.RedisCommands;
import org.ratmemcache.server.resp.RespConnection;
import org.ratmemcache.server.resp.RespSession;

/**
 * Serves one connection in Redis's protocol: {@link RespParser} reads each request,
 * {@link RedisCommands} runs it, and the replies leave in order, one flush per read batch, as
 * {@link ConnectionHandler} does for every protocol. A protocol error is answered with Redis's
 * error and the connection closes after the replies before it.
 */
final class RespConnectionHandler extends ConnectionHandler implements RespConnection {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(RespConnectionHandler.class);

    private final RedisCommands redis;
    private final RespSession session;
    private final RespRequest request;
    private final RespParser parser;
    /** Where a plain SET's value goes, straight from the request into item memory, as memcached's stores. */
    private final ValueRoom room;
    private final RequestValue value = new RequestValue();
    private final ByteBufAllocator allocator;
    /** {@link #stepReply()}, made when first needed. */
    private ByteBuf stepReply;

    RespConnectionHandler(long id, Commands commands, ServerStats serverStats, RedisCommands redis, RespSession session,
            ByteBufAllocator allocator) {
        super(id, commands, serverStats, CommandLatency.Protocol.RESP);
        this.redis = redis;
        this.session = session;
        this.request = new RespRequest(allocator);
        this.parser = new RespParser(request, RespLimits.forItemSize(commands.itemSizeMax()));
        this.room = new ValueRoom(commands, NO_STREAMING);
        this.allocator = allocator;
    }

    @Override
    public ByteBuf stepReply() {
        if (stepReply == null) {
            stepReply = allocator.buffer();
        }
        return stepReply.clear();
    }

    /** RESP values are read whole into the request before they are stored: none streams. */
    private static final ValueRoom.Announced NO_STREAMING = new ValueRoom.Announced() {
        @Override
        public boolean storesValue() {
            return false;
        }

        @Override
        public Key key() {
            return null;
        }

        @Override
        public int flags() {
            return 0;
        }

        @Override
        public long expiresAt() {
            return 0;
        }
    };

    @Override
    public CompletableFuture<StoreResult> set(Key key, long expiresAt, RespRequest request, int argument) {
        value.whole(request.arena(), request.index(argument), request.length(argument));
        try {
            return room.store(StoreMode.SET, key, 0, expiresAt, value, 0, Cache.NEXT_CAS, Cache.NO_ITEM_WANTED);
        } finally {
            value.clear();
        }
    }

    @Override
    protected Parsed parse(ByteBuf input) {
        return parser.parse(input, session.authenticated());
    }

    @Override
    protected void execute() {
        commandStarts();
        if (request.isProtocolError()) {
            RespReplies.error(out(), "ERR " + request.protocolError());
            closeAfterReplies();
            return;
        }
        try {
            redis.execute(request, this);
        } catch (RuntimeException bug) {
            // a command's own failure, not the client's: say so, and keep the connection
            LOG.errorf(bug, "connection %d: a Redis command failed", id());
            RespReplies.error(out(), "ERR internal error: " + bug);
        }
    }

    /**
     * The connection closes: its request and step reply go, but only once a step still running on
     * a disk thread, which reads the one and writes the other, has finished.
     */
    @Override
    protected void abandonValue() {
        CompletableFuture<?> step = awaiting();
        if (step == null) {
            releaseStepBuffers();
        } else {
            step.whenComplete((result, failure) -> releaseStepBuffers());
        }
    }

    private void releaseStepBuffers() {
        request.release();
        if (stepReply != null) {
            stepReply.release();
            stepReply = null;
        }
    }

    @Override
    protected void replyFailure(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        RespReplies.error(out(), "ERR " + cause.getMessage());
    }

    @Override
    public void closeAfterReplies() {
        super.closeAfterReplies();
    }

    @Override
    public void closeNow() {
        super.closeNow();
    }

    @Override
    public RespSession session() {
        return session;
    }
}
