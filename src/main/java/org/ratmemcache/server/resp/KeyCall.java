package org.ratmemcache.server.resp;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.core.Atomic;
import org.ratmemcache.core.Decimal;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.ValueForm;
import org.ratmemcache.protocol.resp.LongParser;
import org.ratmemcache.protocol.resp.RespReplies;
import org.ratmemcache.protocol.resp.RespRequest;
import org.ratmemcache.protocol.resp.RespVersion;

/**
 * One command on keys as it runs inside a step of the cache ({@link org.ratmemcache.core.Atomic}):
 * its arguments, its keys (position 0 is its first key, as {@link KeyArguments} lists them), the
 * buffer its reply goes to, and the helpers its code shares.
 */
final class KeyCall {

    final RedisCommand command;
    final RespRequest args;
    final Atomic.Keys keys;
    final ByteBuf out;
    final RespVersion version;
    final int database;
    final RespContext context;
    private final LongParser longParser = new LongParser();
    private final Decimal decimal = new Decimal();

    KeyCall(RedisCommand command, RespRequest args, Atomic.Keys keys, ByteBuf out, RespVersion version, int database,
            RespContext context) {
        this.command = command;
        this.args = args;
        this.keys = keys;
        this.out = out;
        this.version = version;
        this.database = database;
        this.context = context;
    }

    long now() {
        return keys.now();
    }

    Item item(int key) {
        return keys.get(key);
    }

    /** Argument {@code i} as Redis's 64-bit integer, or null (then the caller replies the error). */
    Long longArg(int i) {
        if (args.oversized(i) || !longParser.parse(args.arena(), args.index(i), args.length(i))) {
            return null;
        }
        return longParser.value();
    }

    /** A value's bytes as Redis's 64-bit integer, or null. */
    Long longValue(byte[] value) {
        return decimal.parseRedis(value, 0, value.length) ? decimal.value() : null;
    }

    /** Whether a value of {@code length} bytes under key {@code key} with {@code flags} fits an item. */
    boolean fits(int key, int flags, long length) {
        return org.ratmemcache.core.Cache.itemSize(keys.key(key).length(), flags, length) <= context.itemSizeMax();
    }

    /** Whether argument {@code arg}, stored whole as a new value of key 0 (flags 0), would not fit an item. */
    boolean valueTooLarge(int arg) {
        return args.oversized(arg) || !fits(0, 0, args.length(arg));
    }

    /** Stores a value made whole, replying OOM when no tier has room; returns whether it stored. */
    boolean put(int key, byte[] value, int flags, long expiresAt) {
        return put(key, value, flags, expiresAt, ValueForm.WHOLE);
    }

    /** Stores a value made as {@code form} says, replying OOM when no tier has room; returns whether it stored. */
    boolean put(int key, byte[] value, int flags, long expiresAt, ValueForm form) {
        if (keys.put(key, value, flags, expiresAt, form)) {
            return true;
        }
        error(Errors.OUT_OF_MEMORY);
        return false;
    }

    void error(String error) {
        RespReplies.error(out, error);
    }

    void ok() {
        RespReplies.raw(out, RespReplies.OK);
    }

    void integer(long value) {
        RespReplies.integer(out, value);
    }

    void nullBulk() {
        RespReplies.nullBulk(out, version);
    }

    void bulk(Item item) {
        RespReplies.bulk(out, item);
    }
}
