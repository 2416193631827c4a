package org.ratmemcache.server.resp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.ratmemcache.core.Key;
import org.ratmemcache.protocol.resp.LongParser;
import org.ratmemcache.protocol.resp.RespRequest;
import org.ratmemcache.protocol.resp.RespVersion;

/**
 * What a Redis connection remembers between commands: the protocol it speaks, its database, who
 * it authenticated as, its name, and its transaction (the commands MULTI queued and the keys
 * WATCH looks at). One per connection, changed on its event loop only; other connections read it
 * for CLIENT LIST ({@link ClientInfo}).
 */
public final class RespSession {

    private final long id;
    private final String address;
    private final long createdMillis;
    RespVersion version = RespVersion.RESP2;
    int database;
    /** The user it authenticated as; null until it has, when authentication is required. */
    String user;
    String name = "";
    String libraryName = "";
    String libraryVersion = "";
    String lastCommand = "NULL";
    /** The commands MULTI queued, or null outside a transaction. */
    List<Queued> queued;
    /** Whether a command was refused while queueing: EXEC then discards the transaction. */
    boolean transactionFailed;
    /** The key of the command at hand, over {@link #keyBytes}: reused, so that GET and SET allocate none. */
    final Key lookup = Key.lookup();
    byte[] keyBytes = new byte[64];
    /** Reads the number of the command at hand (SET's EX or PX, INCRBY's and DECRBY's argument): reused, as {@link #lookup} is. */
    final LongParser numbers = new LongParser();
    /** Each watched key's CAS when WATCH read it (0: no item), in the order watched. */
    final Map<Key, Long> watched = new LinkedHashMap<>();

    /** A command queued by MULTI: a copy of its arguments, and the database its keys are in. */
    record Queued(RedisCommand command, RespRequest arguments) {
    }

    public RespSession(long id, String address, long createdMillis, boolean authenticated) {
        this.id = id;
        this.address = address;
        this.createdMillis = createdMillis;
        this.user = authenticated ? "default" : null;
    }

    public long id() {
        return id;
    }

    public RespVersion version() {
        return version;
    }

    /** Whether the client may run commands: it authenticated, or no one needs to. */
    public boolean authenticated() {
        return user != null;
    }

    String address() {
        return address;
    }

    long createdMillis() {
        return createdMillis;
    }

    boolean inTransaction() {
        return queued != null;
    }

    void beginTransaction() {
        queued = new ArrayList<>();
        transactionFailed = false;
    }

    void endTransaction() {
        queued = null;
        transactionFailed = false;
        watched.clear();
    }
}
