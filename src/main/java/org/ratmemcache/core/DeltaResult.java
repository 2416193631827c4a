package org.ratmemcache.core;

/** The outcome of incr or decr. */
public sealed interface DeltaResult {

    /**
     * The value is now {@code value} (unsigned), held by {@code item}; {@code created} if a miss
     * created it, and {@code expiresBefore} the item's expiry before this command (never, when
     * created).
     */
    record Applied(long value, Item item, boolean created, long expiresBefore) implements DeltaResult {
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
