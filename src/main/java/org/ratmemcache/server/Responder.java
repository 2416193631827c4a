package org.ratmemcache.server;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;

/**
 * What a command's code needs from its connection: the buffer its reply goes to, and a way to
 * answer once a result from the cache is complete. {@link ConnectionHandler} implements it; the
 * front ends and {@link MetaCommands} use it.
 */
interface Responder {

    /** The buffer the current replies go to. */
    ByteBuf out();

    /**
     * Replies with {@code result} now if it is complete, and returns true; else holds the
     * connection back until it is, replies then on the connection's event loop, and returns false.
     */
    <T> boolean answer(CompletableFuture<T> result, Consumer<? super T> reply);

    /**
     * {@link #answer} for a command that changed the cache: afterwards, if the disk tier has
     * fallen behind, the connection is held back until it catches up.
     */
    <T> void answerChange(CompletableFuture<T> result, Consumer<? super T> reply);

    /** Sends every reply written so far, now: memcached's no-op. */
    void sendNow();

    /** The connection's number, as stats conns and watch lines give it. */
    long id();
}
