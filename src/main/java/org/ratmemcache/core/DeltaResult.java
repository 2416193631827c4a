package org.ratmemcache.core;

/** The outcome of incr or decr. */
public sealed interface DeltaResult {

    /**
     * The value is now {@code value} (unsigned), held by {@code item}; {@code created} if a miss
     * created it, and {@code expiresBefore} the item's expiry before this command (never, when
     * created). A cache may answer from one such object per thread, filled anew by each delta
     * that memory decides at once ({@link Cache#delta}): read it before the thread's next delta.
     */
    final class Applied implements DeltaResult {
        private long value;
        private Item item;
        private boolean created;
        private long expiresBefore;

        public Applied(long value, Item item, boolean created, long expiresBefore) {
            set(value, item, created, expiresBefore);
        }

        /** Fills this answer anew; returns it. */
        public Applied set(long value, Item item, boolean created, long expiresBefore) {
            this.value = value;
            this.item = item;
            this.created = created;
            this.expiresBefore = expiresBefore;
            return this;
        }

        public long value() {
            return value;
        }

        public Item item() {
            return item;
        }

        public boolean created() {
            return created;
        }

        public long expiresBefore() {
            return expiresBefore;
        }

        @Override
        public String toString() {
            return "Applied[value=" + Long.toUnsignedString(value) + ", created=" + created + "]";
        }
    }

    /** No live item under the key. */
    record NotFound() implements DeltaResult {
    }

    /** The item's value is not an unsigned 64-bit decimal. */
    record NonNumeric() implements DeltaResult {
    }

    /** The CAS given did not match the item's. */
    record CasMismatch() implements DeltaResult {
    }

    DeltaResult NOT_FOUND = new NotFound();
    DeltaResult NON_NUMERIC = new NonNumeric();
    DeltaResult CAS_MISMATCH = new CasMismatch();
}
