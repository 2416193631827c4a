package org.ratmemcache.core.engine;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import org.ratmemcache.core.Arithmetic;
import org.ratmemcache.core.CacheStats;
import org.ratmemcache.core.Decimal;
import org.ratmemcache.core.DeltaResult;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.engine.KeyLocks.Command;

/**
 * memcached's incr and decr: the value is an unsigned 64-bit decimal that incr wraps and decr
 * stops at 0; a number that got shorter keeps its length, padded with spaces, as memcached
 * rewrites it in place. The binary and meta protocols add a CAS to match, a new expiry, a CAS of
 * the client's choosing, and a miss that creates the number ({@link Arithmetic}).
 */
record IncrDecr(KeyLocks locks, Tiers tiers, DurableState state, CacheStats stats) {

    CompletableFuture<DeltaResult> apply(Key key, Arithmetic op) {
        return locks.run(key, Access.CHANGE, Command.detaching((k, current, now) -> {
            if (current == null) {
                return op.creates() ? create(k, op, now) : miss(op);
            }
            if (op.cas() != 0 && op.cas() != current.cas()) {
                return Completed.DELTA_CAS_MISMATCH;
            }
            byte[] value = current.value();
            Decimal number = new Decimal();
            if (!number.parseUnsigned64(value, 0, value.length)) {
                return Completed.DELTA_NON_NUMERIC;
            }
            long after = op.applyTo(number.value());
            byte[] digits = new byte[Math.max(Decimal.length(after), value.length)];
            Arrays.fill(digits, Decimal.write(after, digits, 0), digits.length, (byte) ' ');
            long expiresAt = op.newExpiresAt() == Expiry.UNCHANGED ? current.expiresAt() : op.newExpiresAt();
            long expiresBefore = current.expiresAt();
            long version = state.nextCas(now);
            long cas = op.newCas() == org.ratmemcache.core.Cache.NEXT_CAS ? version : op.newCas();
            Item updated = tiers.write(k, current.flags(), expiresAt, version, cas, 0, now, false, digits);
            stats.totalItems.increment();
            (op.direction() == Arithmetic.Direction.INCR ? stats.incrHits : stats.decrHits).increment();
            if (updated == null) {
                return Completed.afterAny(tiers.remove(k), applied(after, heapItem(k, digits, current.flags(), expiresAt, cas, version, now), false, expiresBefore));
            }
            return answer(tiers.durable(updated), applied(after, updated, false, expiresBefore));
        }, Detached::delta));
    }

    /** A miss that creates the number, as memcached does it: an add of the initial value. */
    private CompletableFuture<DeltaResult> create(Key key, Arithmetic op, long now) {
        byte[] digits = new byte[Decimal.length(op.initial())];
        Decimal.write(op.initial(), digits, 0);
        stats.totalItems.increment();
        long version = state.nextCas(now);
        long cas = op.newCas() == org.ratmemcache.core.Cache.NEXT_CAS ? version : op.newCas();
        if (Expiry.isExpired(op.createExpiresAt(), now)) {
            // created already expired: the key ends up empty, but the caller still learns the value
            Item gone = heapItem(key, digits, 0, op.createExpiresAt(), cas, version, now);
            return Completed.afterAny(tiers.remove(key), applied(op.initial(), gone, true, Expiry.NEVER));
        }
        Item created = tiers.write(key, 0, op.createExpiresAt(), version, cas, 0, now, false, digits);
        if (created == null) {
            return Completed.afterAny(tiers.remove(key), applied(op.initial(), heapItem(key, digits, 0, op.createExpiresAt(), cas, version, now),
                    true, Expiry.NEVER));
        }
        return answer(tiers.durable(created), applied(op.initial(), created, true, Expiry.NEVER));
    }

    /** The answer once the new version is durable; one that completes later carries a copy of its item. */
    private static CompletableFuture<DeltaResult> answer(CompletableFuture<Void> durable, DeltaResult result) {
        return Completed.afterAny(durable, durable == Completed.NOTHING ? result : Detached.delta(result));
    }

    private static DiskItem heapItem(Key key, byte[] digits, int flags, long expiresAt, long cas, long version, long now) {
        return new DiskItem(key.toStored(), digits, flags, expiresAt, cas, now, false, false, false, version);
    }

    private CompletableFuture<DeltaResult> miss(Arithmetic op) {
        (op.direction() == Arithmetic.Direction.INCR ? stats.incrMisses : stats.decrMisses).increment();
        return Completed.DELTA_NOT_FOUND;
    }

    private static DeltaResult applied(long value, Item item, boolean created, long expiresBefore) {
        return new DeltaResult.Applied(value, item, created, expiresBefore);
    }
}
