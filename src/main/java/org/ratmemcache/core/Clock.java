package org.ratmemcache.core;

/**
 * The cache's source of time, in epoch milliseconds.
 *
 * <p>Every expiry and flush decision reads time through this interface, so tests move time
 * forward by hand instead of sleeping.
 */
@FunctionalInterface
public interface Clock {

    /** The wall clock, as {@link System#currentTimeMillis()}. */
    Clock SYSTEM = System::currentTimeMillis;

    /** Milliseconds since the Unix epoch. */
    long millis();
}
