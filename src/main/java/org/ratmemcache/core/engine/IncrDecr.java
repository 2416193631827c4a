package org.ratmemcache.core.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import org.ratmemcache.core.Arithmetic;
import org.ratmemcache.core.Cache;
import org.ratmemcache.core.CacheStats;
import org.ratmemcache.core.Decimal;
import org.ratmemcache.core.DeltaResult;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Increment;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.engine.KeyLocks.Command;

/**
 * memcached's incr and decr, and Redis's INCRBY ({@link Sum}, for INCR, DECR, INCRBY and DECRBY).
 *
 * <p>memcached's incr and decr: the value is an unsigned 64-bit decimal that incr wraps and decr
 * stops at 0; a number that got shorter keeps its length, padded with spaces, as memcached
 * rewrites it in place. The binary and meta protocols add a CAS to match, a new expiry, a CAS of
 * the client's choosing, and a miss that creates the number ({@link Arithmetic}).
 *
 * <p>Each thread reuses one command, its scratch digits and one answer, so a delta memory decides
 * at once allocates nothing; the answer is good until the thread's next delta (the engine copies
 * it for a caller that is not protected, and a delta that waits for the disk has its own).
 */
final class IncrDecr {

    private final KeyLocks locks;
    private final Tiers tiers;
    private final DurableState state;
    private final CacheStats stats;
    private final long itemSizeMax;
    private final ThreadLocal<Delta> reusable = ThreadLocal.withInitial(Delta::new);
    private final ThreadLocal<Sum> sums = ThreadLocal.withInitial(Sum::new);

    IncrDecr(KeyLocks locks, Tiers tiers, DurableState state, CacheStats stats, long itemSizeMax) {
        this.itemSizeMax = itemSizeMax;
        this.locks = locks;
        this.tiers = tiers;
        this.state = state;
        this.stats = stats;
    }

    CompletableFuture<DeltaResult> apply(Key key, Arithmetic op) {
        return locks.run(key, Access.CHANGE, reusable.get().of(op.direction(), op.delta(), op.cas(), op.initial(),
                op.createExpiresAt(), op.newExpiresAt(), op.newCas()));
    }

    CompletableFuture<Increment> increment(Key key, long increment) {
        return locks.run(key, Access.CHANGE, sums.get().of(increment));
    }

    CompletableFuture<DeltaResult> apply(Key key, Arithmetic.Direction direction, long delta) {
        return locks.run(key, Access.CHANGE, reusable.get().of(direction, delta, 0, 0, Arithmetic.NO_CREATE, Expiry.UNCHANGED,
                Cache.NEXT_CAS));
    }

    /** One incr or decr, with the fields of an {@link Arithmetic}, decided under the key's lock. */
    private final class Delta implements Command<DeltaResult> {
        private Arithmetic.Direction direction;
        private long delta;
        private long cas;
        private long initial;
        private long createExpiresAt;
        private long newExpiresAt;
        private long newCas;
        private final Decimal number = new Decimal();
        private byte[] digits = new byte[Decimal.MAX_UNSIGNED_64_DIGITS];
        private final DeltaResult.Applied answer = new DeltaResult.Applied(0, null, false, 0);
        private final CompletableFuture<DeltaResult> answered = CompletableFuture.completedFuture(answer);

        Delta of(Arithmetic.Direction direction, long delta, long cas, long initial, long createExpiresAt, long newExpiresAt,
                long newCas) {
            this.direction = direction;
            this.delta = delta;
            this.cas = cas;
            this.initial = initial;
            this.createExpiresAt = createExpiresAt;
            this.newExpiresAt = newExpiresAt;
            this.newCas = newCas;
            return this;
        }

        @Override
        public Command<DeltaResult> forDisk() {
            return new Delta().of(direction, delta, cas, initial, createExpiresAt, newExpiresAt, newCas);
        }

        @Override
        public DeltaResult detach(DeltaResult result) {
            return Detached.delta(result);
        }

        @Override
        public CompletableFuture<DeltaResult> apply(Key key, Item current, long now) {
            if (current == null) {
                return createExpiresAt != Arithmetic.NO_CREATE ? create(key, now) : miss();
            }
            if (cas != 0 && cas != current.cas()) {
                return Completed.DELTA_CAS_MISMATCH;
            }
            int length = readNumber(current);
            if (!number.parseUnsigned64(digits, 0, length)) {
                return Completed.DELTA_NON_NUMERIC;
            }
            long after = direction == Arithmetic.Direction.INCR ? number.value() + delta
                    : Long.compareUnsigned(delta, number.value()) > 0 ? 0 : number.value() - delta;
            // the new number keeps the old one's length, padded with spaces, as memcached's in place
            int written = Decimal.write(after, digits, 0);
            Arrays.fill(digits, written, Math.max(written, length), (byte) ' ');
            int newLength = Math.max(written, length);
            long expiresAt = newExpiresAt == Expiry.UNCHANGED ? current.expiresAt() : newExpiresAt;
            long expiresBefore = current.expiresAt();
            long version = state.nextCas(now);
            long itemCas = newCas == Cache.NEXT_CAS ? version : newCas;
            int flags = current.flags();
            Item updated = tiers.write(key, flags, expiresAt, version, itemCas, 0, now, false, digits, newLength);
            stats.totalItems.increment();
            (direction == Arithmetic.Direction.INCR ? stats.incrHits : stats.decrHits).increment();
            if (updated == null) {
                return Completed.afterAny(tiers.remove(key),
                        new DeltaResult.Applied(after, heapItem(key, newLength, flags, expiresAt, itemCas, version, now), false, expiresBefore));
            }
            return answer(tiers.durable(updated), after, updated, false, expiresBefore);
        }

        /** Copies the item's value into the scratch digits; returns its length. */
        private int readNumber(Item current) {
            int length = current.valueLength();
            if (digits.length < Math.max(length, Decimal.MAX_UNSIGNED_64_DIGITS)) {
                digits = new byte[Math.max(length, Decimal.MAX_UNSIGNED_64_DIGITS)];
            }
            copyValue(current, digits);
            return length;
        }

        /** A miss that creates the number, as memcached does it: an add of the initial value. */
        private CompletableFuture<DeltaResult> create(Key key, long now) {
            int length = Decimal.write(initial, digits, 0);
            stats.totalItems.increment();
            long version = state.nextCas(now);
            long itemCas = newCas == Cache.NEXT_CAS ? version : newCas;
            if (Expiry.isExpired(createExpiresAt, now)) {
                // created already expired: the key ends up empty, but the caller still learns the value
                Item gone = heapItem(key, length, 0, createExpiresAt, itemCas, version, now);
                return Completed.afterAny(tiers.remove(key), new DeltaResult.Applied(initial, gone, true, Expiry.NEVER));
            }
            Item created = tiers.write(key, 0, createExpiresAt, version, itemCas, 0, now, false, digits, length);
            if (created == null) {
                Item lost = heapItem(key, length, 0, createExpiresAt, itemCas, version, now);
                return Completed.afterAny(tiers.remove(key), new DeltaResult.Applied(initial, lost, true, Expiry.NEVER));
            }
            return answer(tiers.durable(created), initial, created, true, Expiry.NEVER);
        }

        /** The answer once the new version is durable: at once, this thread's; later, a copy of its own. */
        private CompletableFuture<DeltaResult> answer(CompletableFuture<Void> durable, long value, Item item, boolean created,
                long expiresBefore) {
            if (durable == Completed.NOTHING) {
                answer.set(value, item, created, expiresBefore);
                return answered;
            }
            DeltaResult copy = new DeltaResult.Applied(value, Detached.item(item), created, expiresBefore);
            return durable.thenApply(done -> copy);
        }

        private DiskItem heapItem(Key key, int length, int flags, long expiresAt, long cas, long version, long now) {
            return new DiskItem(key.toStored(), Arrays.copyOf(digits, length), flags, expiresAt, cas, now, false, false, false, version);
        }

        private CompletableFuture<DeltaResult> miss() {
            (direction == Arithmetic.Direction.INCR ? stats.incrMisses : stats.decrMisses).increment();
            return Completed.DELTA_NOT_FOUND;
        }
    }

    /** An increment's answer that stays true after the thread's next one. */
    static Increment detached(Increment result) {
        return result instanceof Increment.Done done ? new Increment.Done(done.value()) : result;
    }

    /** Copies the item's value to the start of {@code into}, which has room for it. */
    private static void copyValue(Item item, byte[] into) {
        if (item.compressed()) {
            System.arraycopy(item.value(), 0, into, 0, item.valueLength());
        } else {
            MemorySegment.copy(item.valueMemory(), ValueLayout.JAVA_BYTE, item.valueOffset(), into, 0, item.valueLength());
        }
    }

    /** One INCRBY, decided under the key's lock: Redis's signed sum, which keeps the item's flags and expiry. */
    private final class Sum implements Command<Increment> {
        private long increment;
        private final Decimal number = new Decimal();
        private final byte[] digits = new byte[Decimal.MAX_REDIS_LENGTH];
        private final Increment.Done answer = new Increment.Done(0);
        private final CompletableFuture<Increment> answered = CompletableFuture.completedFuture(answer);

        Sum of(long increment) {
            this.increment = increment;
            return this;
        }

        @Override
        public Command<Increment> forDisk() {
            return new Sum().of(increment);
        }

        @Override
        public Increment detach(Increment result) {
            return detached(result);
        }

        @Override
        public CompletableFuture<Increment> apply(Key key, Item current, long now) {
            long before = 0;
            int flags = 0;
            long expiresAt = Expiry.NEVER;
            if (current != null) {
                if (current.valueLength() > digits.length) {
                    return Completed.NOT_AN_INTEGER;
                }
                copyValue(current, digits);
                if (!number.parseRedis(digits, 0, current.valueLength())) {
                    return Completed.NOT_AN_INTEGER;
                }
                before = number.value();
                flags = current.flags();
                expiresAt = current.expiresAt();
            }
            if (Increment.overflows(before, increment)) {
                return Completed.OVERFLOW;
            }
            long after = before + increment;
            int length = Decimal.writeSigned(after, digits, 0);
            if (Cache.itemSize(key.length(), flags, length) > itemSizeMax || !tiers.canHold(key.length(), length)) {
                return Completed.NO_ROOM;
            }
            long version = state.nextCas(now);
            Item updated = tiers.write(key, flags, expiresAt, version, version, 0, now, false, digits, length);
            if (updated == null) {
                stats.storeNoMemory.increment();
                return Completed.NO_ROOM;
            }
            stats.totalItems.increment();
            CompletableFuture<Void> durable = tiers.durable(updated);
            if (durable == Completed.NOTHING) {
                answer.set(after);
                return answered;
            }
            Increment done = new Increment.Done(after);
            return durable.thenApply(written -> done);
        }
    }
}
