package org.ratmemcache.core.engine;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import org.ratmemcache.core.Arithmetic;
import org.ratmemcache.core.CacheStats;
import org.ratmemcache.core.Decimal;
import org.ratmemcache.core.DeltaResult;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.compress.ValueCompression;
import org.ratmemcache.core.memory.Entry;

/**
 * memcached's incr and decr: the value is an unsigned 64-bit decimal that incr wraps and decr
 * stops at 0; a number that got shorter keeps its length, padded with spaces, as memcached
 * rewrites it in place. The binary and meta protocols add a CAS to match, a new expiry, a CAS of
 * the client's choosing, and a miss that creates the number ({@link Arithmetic}).
 */
record IncrDecr(KeyLocks locks, Tiers tiers, DurableState state, CacheStats stats, ValueCompression compression) {

    CompletableFuture<DeltaResult> apply(Key key, Arithmetic op) {
        return locks.run(key, Access.CHANGE, (k, current, now) -> {
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
            Entry updated = new Entry(current.key(), digits, current.flags(), expiresAt, state.nextCas(now), now)
                    .withCasIfChosen(op.newCas());
            stats.totalItems.increment();
            (op.direction() == Arithmetic.Direction.INCR ? stats.incrHits : stats.decrHits).increment();
            return Completed.afterAny(tiers.install(updated), applied(after, updated, false, current.expiresAt()));
        });
    }

    /** A miss that creates the number, as memcached does it: an add of the initial value. */
    private CompletableFuture<DeltaResult> create(Key key, Arithmetic op, long now) {
        byte[] digits = new byte[Decimal.length(op.initial())];
        Decimal.write(op.initial(), digits, 0);
        stats.totalItems.increment();
        if (Expiry.isExpired(op.createExpiresAt(), now)) {
            // created already expired: the key ends up empty, but the caller still learns the value
            Entry gone = new Entry(key.toStored(), digits, 0, op.createExpiresAt(), state.nextCas(now), now)
                    .withCasIfChosen(op.newCas());
            return Completed.afterAny(tiers.remove(key), applied(op.initial(), gone, true, Expiry.NEVER));
        }
        Entry created = Entry.of(key.toStored(), digits, 0, op.createExpiresAt(), state.nextCas(now), now, compression)
                .withCasIfChosen(op.newCas());
        return Completed.afterAny(tiers.install(created), applied(op.initial(), created, true, Expiry.NEVER));
    }

    private CompletableFuture<DeltaResult> miss(Arithmetic op) {
        (op.direction() == Arithmetic.Direction.INCR ? stats.incrMisses : stats.decrMisses).increment();
        return Completed.DELTA_NOT_FOUND;
    }

    private static DeltaResult applied(long value, Entry item, boolean created, long expiresBefore) {
        return new DeltaResult.Applied(value, item, created, expiresBefore);
    }
}
