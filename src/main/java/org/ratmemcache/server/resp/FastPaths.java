package org.ratmemcache.server.resp;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.core.Cache;
import org.ratmemcache.core.Increment;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.Lookup;
import org.ratmemcache.protocol.resp.LongParser;
import org.ratmemcache.protocol.resp.RespReplies;
import org.ratmemcache.protocol.resp.RespRequest;

/**
 * GET, plain SET and the integer increments the way memcached's protocols run get, set and incr,
 * since they are most of what a cache's clients send: a GET is one lock-free {@link Cache#get},
 * its value copied from item memory into the reply; a SET without options but an expiry is one
 * {@link Cache#store}, its value copied once from the request into item memory; INCR, DECR,
 * INCRBY and DECRBY are one {@link Cache#increment}. None allocates. Every other form, and these
 * inside EXEC, take the general path, an atomic step ({@link StringCommands}), whose replies are
 * the same.
 */
final class FastPaths {

    private static final byte[] EX = RespReplies.ascii("EX");
    private static final byte[] PX = RespReplies.ascii("PX");

    private final Cache cache;

    FastPaths(Cache cache) {
        this.cache = cache;
    }

    void get(RespRequest request, RespConnection conn) {
        RespSession session = conn.session();
        Key key = lookup(request, session);
        switch (cache.get(key)) {
            case Item item -> RespReplies.bulk(conn.out(), item);
            case Lookup.Miss miss -> RespReplies.nullBulk(conn.out(), session.version);
            case Lookup.Pending pending -> conn.answer(pending.item(), item -> {
                if (item == null) {
                    RespReplies.nullBulk(conn.out(), session.version);
                } else {
                    RespReplies.bulk(conn.out(), item);
                }
            });
        }
    }

    /**
     * {@code SET key value}, or with one {@code EX} or {@code PX} whose time is valid; false, having
     * done nothing, for any other form (options, errors, a value too large), which the general path
     * answers.
     */
    boolean set(RespRequest request, RespConnection conn) {
        long expiresAt = 0;
        if (request.argc() == 5) {
            expiresAt = expiresAt(request, conn.session().numbers);
            if (expiresAt <= 0) {
                return false;
            }
        } else if (request.argc() != 3) {
            return false;
        }
        if (request.oversized(2) || Cache.itemSize(request.length(1), 0, request.length(2)) > cache.itemSizeMax()) {
            return false;
        }
        Key key = lookup(request, conn.session());
        conn.answerChange(conn.set(key, expiresAt, request, 2), stored -> {
            ByteBuf out = conn.out();
            switch (stored) {
                case STORED -> RespReplies.raw(out, RespReplies.OK);
                case NO_MEMORY -> RespReplies.error(out, Errors.OUT_OF_MEMORY);
                default -> RespReplies.error(out, "ERR the value was not stored: " + stored);
            }
        });
        return true;
    }

    /**
     * INCR, DECR, INCRBY and DECRBY: one {@link Cache#increment}, decided under the key's lock
     * without a step's machinery; the replies are the general path's, which runs them inside EXEC.
     */
    void increment(RedisCommand command, RespRequest request, RespConnection conn) {
        RespSession session = conn.session();
        long by;
        switch (command) {
            case INCR -> by = 1;
            case DECR -> by = -1;
            default -> {
                LongParser number = session.numbers;
                if (request.oversized(2) || !number.parse(request.arena(), request.index(2), request.length(2))) {
                    RespReplies.error(conn.out(), Errors.NOT_INTEGER);
                    return;
                }
                by = number.value();
                if (command == RedisCommand.DECRBY) {
                    if (by == Long.MIN_VALUE) {
                        RespReplies.error(conn.out(), Errors.DECREMENT_OVERFLOW);
                        return;
                    }
                    by = -by;
                }
            }
        }
        conn.answerChange(cache.increment(lookup(request, session), by), result -> {
            ByteBuf out = conn.out();
            switch (result) {
                case Increment.Done done -> RespReplies.integer(out, done.value());
                case Increment.NotAnInteger notAnInteger -> RespReplies.error(out, Errors.NOT_INTEGER);
                case Increment.Overflow overflow -> RespReplies.error(out, Errors.OVERFLOW);
                case Increment.NoRoom noRoom -> RespReplies.error(out, Errors.OUT_OF_MEMORY);
            }
        });
    }

    /** The absolute expiry of {@code EX seconds} or {@code PX milliseconds} at arguments 3 and 4, or 0 when it is not one. */
    private long expiresAt(RespRequest request, LongParser number) {
        boolean seconds = request.is(3, EX);
        if (!seconds && !request.is(3, PX)) {
            return 0;
        }
        if (request.oversized(4) || !number.parse(request.arena(), request.index(4), request.length(4)) || number.value() <= 0
                || seconds && number.value() > Long.MAX_VALUE / 1000) {
            return 0;
        }
        long millis = seconds ? number.value() * 1000 : number.value();
        long at = cache.clock().millis() + millis;
        return at > 0 ? at : 0;
    }

    private static Key lookup(RespRequest request, RespSession session) {
        session.keyBytes = request.key(1, session.lookup, session.keyBytes, session.database);
        return session.lookup;
    }
}
