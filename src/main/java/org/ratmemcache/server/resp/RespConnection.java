package org.ratmemcache.server.resp;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreResult;
import org.ratmemcache.protocol.resp.RespRequest;

/**
 * What the Redis command layer needs from its connection: where replies go, how to answer once a
 * step of the cache completes, how to hang up, and the connection's session. The server's RESP
 * connection handler implements it.
 */
public interface RespConnection {

    /** The buffer the current replies go to. */
    ByteBuf out();

    /** Replies with {@code result} now if it is complete; else holds the connection's later commands back until it is. */
    <T> boolean answer(CompletableFuture<T> result, Consumer<? super T> reply);

    /** {@link #answer} for a change, after which a backed-up disk tier holds the connection back. */
    <T> void answerChange(CompletableFuture<T> result, Consumer<? super T> reply);

    /** Closes once the replies written so far are sent: QUIT, a protocol error. */
    void closeAfterReplies();

    /** Closes now, sending nothing more: a request that looks like HTTP. */
    void closeNow();

    RespSession session();

    /**
     * A plain SET: stores argument {@code argument} of {@code request} under {@code key} with client
     * flags 0, copied once, straight into item memory, as memcached's stores are.
     */
    CompletableFuture<StoreResult> set(Key key, long expiresAt, RespRequest request, int argument);

    /**
     * The connection's buffer for the reply of a step of the cache, empty: a step may run on a
     * disk thread, so it writes here, and {@link #answer} copies what it wrote into {@link #out}.
     * A connection has at most one step outstanding (it holds its later commands back meanwhile),
     * so one buffer serves them all.
     */
    ByteBuf stepReply();

    /** Whether this runs a command inside EXEC, where nothing may wait: WAIT answers at once, as in Redis. */
    default boolean insideExec() {
        return false;
    }
}
