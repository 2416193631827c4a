package org.ratmemcache.core;

import java.util.concurrent.atomic.AtomicLong;

/** Hands out CAS uniques: strictly increasing, never 0 (0 means "no CAS" in every protocol). */
public final class CasSequence {

    private final AtomicLong last;

    /** A sequence whose first CAS is {@code after + 1}. */
    public CasSequence(long after) {
        this.last = new AtomicLong(after);
    }

    public long next() {
        return last.incrementAndGet();
    }

    /** The last CAS handed out. */
    public long current() {
        return last.get();
    }
}
