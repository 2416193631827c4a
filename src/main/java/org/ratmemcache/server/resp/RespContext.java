package org.ratmemcache.server.resp;

import org.ratmemcache.core.Cache;

/**
 * What every Redis command may consult beyond its connection: the cache, the settings of the RESP
 * listener, and the figures INFO and CLIENT LIST report. One per server.
 *
 * @param cache     the cache both protocols share
 * @param settings  the RESP listener's settings
 * @param server    the server's figures and connections, for INFO, CLIENT LIST and CONFIG
 */
public record RespContext(Cache cache, RespSettings settings, RespServer server) {

    /** The Redis version whose behaviour is served: HELLO's and INFO's {@code redis_version}. */
    public static final String REDIS_VERSION = "7.0.15";

    /** How many databases SELECT may choose from. */
    int databases() {
        return settings.databases();
    }

    long itemSizeMax() {
        return cache.itemSizeMax();
    }
}
