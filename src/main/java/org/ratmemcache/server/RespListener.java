package org.ratmemcache.server;

import java.util.List;

import org.ratmemcache.server.resp.RespSettings;

/**
 * The Redis protocol's listener, beside memcached's on the same event loops: where it accepts
 * connections, and how it serves them.
 *
 * @param listen   the TCP addresses it listens on
 * @param settings databases, protected mode, authentication, its own connection limit and idle timeout
 */
public record RespListener(List<ListenAddress> listen, RespSettings settings) {

    public RespListener {
        listen = List.copyOf(listen);
        if (listen.isEmpty()) {
            throw new IllegalArgumentException("the RESP listener has nowhere to listen");
        }
        if (listen.stream().anyMatch(address -> !(address instanceof ListenAddress.Tcp))) {
            throw new IllegalArgumentException("the RESP listener listens on TCP addresses only: " + listen);
        }
    }
}
