package org.ratmemcache.server.resp;

import java.util.List;

import org.ratmemcache.core.CacheView;

/** What the Redis commands read of the server that runs them: INFO's figures and CLIENT LIST's connections. */
public interface RespServer {

    /** The open Redis connections' sessions. */
    List<RespSession> sessions();

    /** Seconds since the server started. */
    long uptimeSeconds();

    /** The cache's figures. */
    CacheView view();

    /** The TCP port the Redis protocol is served on. */
    int port();

    /** Redis connections admitted since the start (or memcached's stats reset). */
    long connectionsReceived();

    /** Redis connections turned away at the connection limit. */
    long connectionsRejected();

    /** Redis commands executed. */
    long commandsProcessed();
}
