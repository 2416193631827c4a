package org.ratmemcache.server.resp;

import java.time.Duration;
import java.util.Optional;

import org.ratmemcache.server.Credentials;

/**
 * How the Redis protocol is served, apart from where it listens.
 *
 * @param databases      how many numbered databases SELECT chooses from (Redis's {@code databases})
 * @param protectedMode  Redis's protected mode: with neither a password nor users set, only
 *                       loopback and Unix-socket clients are served
 * @param password       the {@code default} user's password (Redis's {@code requirepass}); empty for none
 * @param users          the other users, from a file of {@code user:password} lines as {@code -Y} reads
 * @param maxConnections Redis connections served at once ({@code maxclients})
 * @param idleTimeout    a connection idle this long is closed ({@code timeout}); zero never closes one
 */
public record RespSettings(int databases, boolean protectedMode, Optional<Credentials> password, Optional<Credentials> users,
        int maxConnections, Duration idleTimeout) {

    /** Redis's default number of databases. */
    public static final int DEFAULT_DATABASES = 16;

    public RespSettings {
        if (databases < 1 || databases > org.ratmemcache.core.Key.MAX_DATABASE + 1) {
            throw new IllegalArgumentException("databases must be 1 to " + (org.ratmemcache.core.Key.MAX_DATABASE + 1) + ": " + databases);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("resp max-connections must be at least 1: " + maxConnections);
        }
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("resp idle-timeout must not be negative: " + idleTimeout);
        }
    }

    /** Redis's defaults: 16 databases, protected mode, no password. */
    public static RespSettings defaults() {
        return new RespSettings(DEFAULT_DATABASES, true, Optional.empty(), Optional.empty(), 10_000, Duration.ZERO);
    }

    /** Whether a client must authenticate before its commands run. */
    public boolean requiresAuthentication() {
        return password.isPresent() || users.isPresent();
    }

    /** Whether protected mode turns away clients that are not local. */
    public boolean refusesRemoteClients() {
        return protectedMode && !requiresAuthentication();
    }
}
