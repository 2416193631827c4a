package org.ratmemcache.server;

import java.util.Optional;

/**
 * Who may use the memcached port, as memcached's switches say: {@code -S} (binary SASL PLAIN) and
 * {@code -Y} (the text protocol's {@code set}-borne credentials). As in memcached, each guards one
 * protocol and turns the other off, so neither can be bypassed through the other: with {@code -S}
 * alone a text connection is closed, with {@code -Y} alone a binary one. With both, each protocol
 * authenticates by its own means.
 *
 * @param sasl        the binary protocol's users, when it requires SASL
 * @param ascii       the text protocol's users, when it requires authentication
 * @param maxFailures failed attempts after which a connection is closed; 0 never closes one (memcached's way)
 */
public record Authentication(Optional<Credentials> sasl, Optional<Credentials> ascii, int maxFailures) {

    /** Anyone may connect, memcached's default. */
    public static final Authentication NONE = new Authentication(Optional.empty(), Optional.empty(), 0);

    public Authentication {
        if (maxFailures < 0) {
            throw new IllegalArgumentException("max-failures must not be negative: " + maxFailures);
        }
    }

    /** Whether a text connection is served at all. */
    boolean servesText() {
        return sasl.isEmpty() || ascii.isPresent();
    }

    /** Whether a binary connection is served at all. */
    boolean servesBinary() {
        return ascii.isEmpty() || sasl.isPresent();
    }

    /** Whether the {@code failures}-th failed attempt closes the connection. */
    boolean closesAfter(int failures) {
        return maxFailures > 0 && failures >= maxFailures;
    }
}
