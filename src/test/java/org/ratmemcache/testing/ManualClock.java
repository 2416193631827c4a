package org.ratmemcache.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.ratmemcache.core.Clock;

/** A clock that moves only when a test moves it. */
public final class ManualClock implements Clock {

    /** 2026-01-01T00:00:00Z: an arbitrary, realistic start. */
    public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private final AtomicLong millis = new AtomicLong(START.toEpochMilli());

    @Override
    public long millis() {
        return millis.get();
    }

    public void advance(Duration duration) {
        millis.addAndGet(duration.toMillis());
    }

    /** Now, in Unix seconds: what an absolute memcached exptime is measured in. */
    public long epochSeconds() {
        return millis.get() / 1000;
    }
}
