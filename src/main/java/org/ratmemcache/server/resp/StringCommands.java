package org.ratmemcache.server.resp;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.ratmemcache.core.Increment;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.ValueForm;
import org.ratmemcache.protocol.resp.RespReplies;

/**
 * Redis's string commands, each as Redis 7.0.15 has it: its options, the order it checks them in,
 * its errors and its replies. Each runs inside a step of the cache, on the items of its keys.
 * A whole new value (SET and its kin, GETSET, MSET) is stored with client flags 0; a value changed
 * in place (INCR and its kin, INCRBYFLOAT, APPEND, SETRANGE) keeps the item's flags and expiry.
 */
final class StringCommands {

    private StringCommands() {
    }

    static void run(KeyCall c) {
        switch (c.command) {
            case GET -> get(c);
            case SET -> set(c);
            case SETNX -> setIf(c, true);
            case SETEX -> setExpiring(c, Expiring.SECONDS);
            case PSETEX -> setExpiring(c, Expiring.MILLISECONDS);
            case GETSET -> getSet(c);
            case GETDEL -> getDel(c);
            case GETEX -> getEx(c);
            case MGET -> mget(c);
            case MSET -> mset(c, false);
            case MSETNX -> mset(c, true);
            case APPEND -> append(c);
            case STRLEN -> strlen(c);
            case GETRANGE, SUBSTR -> getRange(c);
            case SETRANGE -> setRange(c);
            case INCR -> incrBy(c, 1L);
            case DECR -> incrBy(c, -1L);
            case INCRBY -> incrBy(c, c.longArg(2));
            case DECRBY -> decrBy(c);
            case INCRBYFLOAT -> incrByFloat(c);
            default -> throw new IllegalArgumentException("not a string command: " + c.command);
        }
    }

    private static void get(KeyCall c) {
        Item item = c.item(0);
        if (item == null) {
            c.nullBulk();
        } else {
            c.bulk(item);
        }
    }

    /** The expiry options of SET and GETEX, parsed. */
    private record ExpiryOption(Expiring unit, boolean absolute, int argument) {
    }

    private enum Expiring { SECONDS, MILLISECONDS }

    private static void set(KeyCall c) {
        boolean nx = false;
        boolean xx = false;
        boolean get = false;
        boolean keepTtl = false;
        ExpiryOption expiry = null;
        for (int j = 3; j < c.args.argc(); j++) {
            boolean next = j < c.args.argc() - 1;
            if (c.args.is(j, NX) && !xx) {
                nx = true;
            } else if (c.args.is(j, XX) && !nx) {
                xx = true;
            } else if (c.args.is(j, GET)) {
                get = true;
            } else if (c.args.is(j, KEEPTTL) && expiry == null) {
                keepTtl = true;
            } else if (!keepTtl && next && repeatable(expiry, expiryOption(c, j))) {
                expiry = expiryOption(c, j);
                j++;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        if (c.valueTooLarge(2)) {
            c.error(Errors.TOO_LARGE);
            return;
        }
        long expiresAt = expiry == null ? 0 : expiresAtOrError(c, expiry);
        if (expiresAt < 0) {
            return;
        }
        Item current = c.item(0);
        if (get) {
            get(c);
        }
        if (nx && current != null || xx && current == null) {
            if (!get) {
                c.nullBulk();
            }
            return;
        }
        if (keepTtl && current != null) {
            expiresAt = current.expiresAt();
        }
        if (c.put(0, c.args.bytes(2), 0, expiresAt) && !get) {
            c.ok();
        }
    }

    /** The EX, PX, EXAT or PXAT option at argument {@code j}, or null if it is none of them. */
    private static ExpiryOption expiryOption(KeyCall c, int j) {
        if (c.args.is(j, EX)) {
            return new ExpiryOption(Expiring.SECONDS, false, j + 1);
        } else if (c.args.is(j, PX)) {
            return new ExpiryOption(Expiring.MILLISECONDS, false, j + 1);
        } else if (c.args.is(j, EXAT)) {
            return new ExpiryOption(Expiring.SECONDS, true, j + 1);
        } else if (c.args.is(j, PXAT)) {
            return new ExpiryOption(Expiring.MILLISECONDS, true, j + 1);
        }
        return null;
    }

    /** Whether {@code option} is an expiry option that may follow {@code earlier}: none yet, or one of the same kind, which it replaces. */
    private static boolean repeatable(ExpiryOption earlier, ExpiryOption option) {
        return option != null && (earlier == null || earlier.unit() == option.unit() && earlier.absolute() == option.absolute());
    }

    /** {@link #expiresAt}, or -1 after replying the error. */
    private static long expiresAtOrError(KeyCall c, ExpiryOption option) {
        Long at = expiresAt(c, option);
        return at == null ? -1 : at;
    }

    /** Redis's getExpireMillisecondsOrReply: the absolute expiry, or null after replying the error. */
    private static Long expiresAt(KeyCall c, ExpiryOption option) {
        Long given = c.longArg(option.argument());
        if (given == null) {
            c.error(Errors.NOT_INTEGER);
            return null;
        }
        long millis = given;
        if (millis <= 0 || option.unit() == Expiring.SECONDS && millis > Long.MAX_VALUE / 1000) {
            c.error(Errors.expireTime(c.command));
            return null;
        }
        if (option.unit() == Expiring.SECONDS) {
            millis *= 1000;
        }
        if (!option.absolute()) {
            millis += c.now(); // may wrap: Redis checks the sum as we do
        }
        if (millis <= 0) {
            c.error(Errors.expireTime(c.command));
            return null;
        }
        return millis;
    }

    /** SETNX. */
    private static void setIf(KeyCall c, boolean absent) {
        if (c.valueTooLarge(2)) {
            c.error(Errors.TOO_LARGE);
            return;
        }
        if ((c.item(0) == null) != absent) {
            c.integer(0);
            return;
        }
        if (c.put(0, c.args.bytes(2), 0, 0)) {
            c.integer(1);
        }
    }

    /** SETEX and PSETEX. */
    private static void setExpiring(KeyCall c, Expiring unit) {
        if (c.valueTooLarge(3)) {
            c.error(Errors.TOO_LARGE);
            return;
        }
        Long expiresAt = expiresAt(c, new ExpiryOption(unit, false, 2));
        if (expiresAt != null && c.put(0, c.args.bytes(3), 0, expiresAt)) {
            c.ok();
        }
    }

    private static void getSet(KeyCall c) {
        if (c.valueTooLarge(2)) {
            c.error(Errors.TOO_LARGE);
            return;
        }
        int at = c.out.writerIndex();
        get(c);
        if (!c.put(0, c.args.bytes(2), 0, 0)) {
            c.out.writerIndex(at); // the OOM error instead of the old value
            c.error(Errors.OUT_OF_MEMORY);
        }
    }

    private static void getDel(KeyCall c) {
        get(c);
        c.keys.remove(0);
    }

    private static void getEx(KeyCall c) {
        boolean persist = false;
        ExpiryOption expiry = null;
        for (int j = 2; j < c.args.argc(); j++) {
            boolean next = j < c.args.argc() - 1;
            if (c.args.is(j, PERSIST) && expiry == null) {
                persist = true;
            } else if (!persist && next && repeatable(expiry, expiryOption(c, j))) {
                expiry = expiryOption(c, j);
                j++;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        Item item = c.item(0);
        if (item == null) {
            c.nullBulk();
            return;
        }
        long expiresAt = expiry == null ? 0 : expiresAtOrError(c, expiry);
        if (expiresAt < 0) {
            return;
        }
        c.bulk(item);
        if (expiry != null && expiry.absolute() && expiresAt <= c.now()) {
            c.keys.remove(0);
        } else if (expiry != null) {
            c.keys.expire(0, expiresAt);
        } else if (persist && item.expiresAt() != 0) {
            c.keys.expire(0, 0);
        }
    }

    private static void mget(KeyCall c) {
        int count = c.args.argc() - 1;
        RespReplies.array(c.out, count);
        for (int i = 0; i < count; i++) {
            Item item = c.item(i);
            if (item == null) {
                c.nullBulk();
            } else {
                c.bulk(item);
            }
        }
    }

    private static void mset(KeyCall c, boolean onlyNew) {
        if (c.args.argc() % 2 == 0) {
            c.error(Errors.arity(c.command));
            return;
        }
        int pairs = (c.args.argc() - 1) / 2;
        for (int i = 0; i < pairs; i++) {
            if (!c.fits(i, 0, c.args.length(2 + 2 * i)) || c.args.oversized(2 + 2 * i)) {
                c.error(Errors.TOO_LARGE);
                return;
            }
        }
        if (onlyNew) {
            for (int i = 0; i < pairs; i++) {
                if (c.item(i) != null) {
                    c.integer(0);
                    return;
                }
            }
        }
        for (int i = 0; i < pairs; i++) {
            if (!c.put(i, c.args.bytes(2 + 2 * i), 0, 0)) {
                return;
            }
        }
        if (onlyNew) {
            c.integer(1);
        } else {
            c.ok();
        }
    }

    private static void append(KeyCall c) {
        Item item = c.item(0);
        if (c.args.oversized(2)) {
            c.error(Errors.TOO_LARGE);
            return;
        }
        if (item == null) {
            if (!c.fits(0, 0, c.args.length(2))) {
                c.error(Errors.TOO_LARGE);
            } else if (c.put(0, c.args.bytes(2), 0, 0)) {
                c.integer(c.args.length(2));
            }
            return;
        }
        long total = (long) item.valueLength() + c.args.length(2);
        if (!c.fits(0, item.flags(), total)) {
            c.error(Errors.TOO_LARGE);
            return;
        }
        byte[] old = item.value();
        byte[] joined = Arrays.copyOf(old, (int) total);
        c.args.arena().getBytes(c.args.index(2), joined, old.length, c.args.length(2));
        if (c.put(0, joined, item.flags(), item.expiresAt(), ValueForm.EDITED)) {
            c.integer(total);
        }
    }

    private static void strlen(KeyCall c) {
        Item item = c.item(0);
        c.integer(item == null ? 0 : item.valueLength());
    }

    private static void getRange(KeyCall c) {
        Long start = c.longArg(2);
        Long end = start == null ? null : c.longArg(3);
        if (end == null) {
            c.error(Errors.NOT_INTEGER);
            return;
        }
        Item item = c.item(0);
        if (item == null) {
            RespReplies.raw(c.out, RespReplies.EMPTY_BULK);
            return;
        }
        long length = item.valueLength();
        long from = start;
        long to = end;
        if (from < 0 && to < 0 && from > to) {
            RespReplies.raw(c.out, RespReplies.EMPTY_BULK);
            return;
        }
        if (from < 0) {
            from = length + from;
        }
        if (to < 0) {
            to = length + to;
        }
        from = Math.max(from, 0);
        to = Math.max(to, 0);
        if (Long.compareUnsigned(to, length) >= 0) {
            to = length - 1;
        }
        if (from > to || length == 0) {
            RespReplies.raw(c.out, RespReplies.EMPTY_BULK);
            return;
        }
        RespReplies.bulk(c.out, Arrays.copyOfRange(item.value(), (int) from, (int) to + 1));
    }

    private static void setRange(KeyCall c) {
        Long parsed = c.longArg(2);
        if (parsed == null) {
            c.error(Errors.NOT_INTEGER);
            return;
        }
        long offset = parsed;
        if (offset < 0) {
            c.error("ERR offset is out of range");
            return;
        }
        if (c.args.oversized(3)) {
            c.error(Errors.TOO_LARGE);
            return;
        }
        int length = c.args.length(3);
        Item item = c.item(0);
        if (length == 0) {
            c.integer(item == null ? 0 : item.valueLength());
            return;
        }
        int flags = item == null ? 0 : item.flags();
        if (offset > c.context.itemSizeMax()) { // before the sum, which could overflow
            c.error(Errors.TOO_LARGE);
            return;
        }
        long total = Math.max(offset + length, item == null ? 0 : item.valueLength());
        if (!c.fits(0, flags, total)) {
            c.error(Errors.TOO_LARGE);
            return;
        }
        byte[] value = item == null ? new byte[(int) total] : Arrays.copyOf(item.value(), (int) total);
        c.args.arena().getBytes(c.args.index(3), value, (int) offset, length);
        if (c.put(0, value, flags, item == null ? 0 : item.expiresAt(), ValueForm.EDITED)) {
            c.integer(total);
        }
    }

    private static void decrBy(KeyCall c) {
        Long decrement = c.longArg(2);
        if (decrement != null && decrement == Long.MIN_VALUE) {
            c.error(Errors.DECREMENT_OVERFLOW);
            return;
        }
        incrBy(c, decrement == null ? null : -decrement);
    }

    /** INCR, DECR, INCRBY, DECRBY: {@code increment} null when its argument was not an integer. */
    private static void incrBy(KeyCall c, Long increment) {
        if (increment == null) {
            c.error(Errors.NOT_INTEGER);
            return;
        }
        Item item = c.item(0);
        long value = 0;
        if (item != null) {
            Long current = c.longValue(item.value());
            if (current == null) {
                c.error(Errors.NOT_INTEGER);
                return;
            }
            value = current;
        }
        long incr = increment;
        if (Increment.overflows(value, incr)) {
            c.error(Errors.OVERFLOW);
            return;
        }
        value += incr;
        byte[] digits = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
        if (c.put(0, digits, item == null ? 0 : item.flags(), item == null ? 0 : item.expiresAt())) {
            c.integer(value);
        }
    }

    private static void incrByFloat(KeyCall c) {
        Item item = c.item(0);
        BigDecimal value = BigDecimal.ZERO;
        boolean infinite = false;
        if (item != null) {
            switch (LongDouble.parse(item.value())) {
                case LongDouble.Finite finite -> value = finite.value();
                case LongDouble.Infinite inf -> infinite = true;
                case LongDouble.Invalid invalid -> {
                    c.error(Errors.NOT_FLOAT);
                    return;
                }
            }
        }
        BigDecimal increment;
        switch (LongDouble.parse(c.args.bytes(2))) {
            case LongDouble.Finite finite -> increment = finite.value();
            case LongDouble.Infinite inf -> {
                infinite = true;
                increment = BigDecimal.ZERO;
            }
            case LongDouble.Invalid invalid -> {
                c.error(Errors.NOT_FLOAT);
                return;
            }
        }
        BigDecimal sum = infinite ? null : LongDouble.add(value, increment);
        if (sum == null) {
            c.error("ERR increment would produce NaN or Infinity");
            return;
        }
        byte[] text = LongDouble.format(sum).getBytes(StandardCharsets.US_ASCII);
        if (c.put(0, text, item == null ? 0 : item.flags(), item == null ? 0 : item.expiresAt(), ValueForm.NUMBER_TEXT)) {
            RespReplies.bulk(c.out, text);
        }
    }

    private static final byte[] NX = RespReplies.ascii("NX");
    private static final byte[] XX = RespReplies.ascii("XX");
    private static final byte[] GET = RespReplies.ascii("GET");
    private static final byte[] KEEPTTL = RespReplies.ascii("KEEPTTL");
    private static final byte[] PERSIST = RespReplies.ascii("PERSIST");
    private static final byte[] EX = RespReplies.ascii("EX");
    private static final byte[] PX = RespReplies.ascii("PX");
    private static final byte[] EXAT = RespReplies.ascii("EXAT");
    private static final byte[] PXAT = RespReplies.ascii("PXAT");
}
