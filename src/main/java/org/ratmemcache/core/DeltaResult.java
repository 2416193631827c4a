package org.ratmemcache.core;

/** The outcome of incr or decr. */
public sealed interface DeltaResult {

    /** The value was changed to {@code value} (unsigned), now held by {@code item}. */
    record Applied(long value, Item item) implements DeltaResult {
    }

    /** No live item under the key. */
    record NotFound() implements DeltaResult {
    }

    /** The item's value is not an unsigned 64-bit decimal. */
    record NonNumeric() implements DeltaResult {
    }

    DeltaResult NOT_FOUND = new NotFound();
    DeltaResult NON_NUMERIC = new NonNumeric();
}
