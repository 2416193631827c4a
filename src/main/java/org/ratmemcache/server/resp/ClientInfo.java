package org.ratmemcache.server.resp;

import java.util.List;

/**
 * One connection's line in CLIENT LIST and CLIENT INFO: Redis 7.0's fields, in its order, with the
 * figures this server has (buffers and memory it does not account per client read 0), and 7.2's
 * {@code lib-name} and {@code lib-ver} at the end.
 *
 * <p>CLIENT LIST reads other connections' sessions, which their own event loops change meanwhile:
 * it reads each field once, so that a line may be a moment old but never fails half-way (a
 * transaction that ends between two reads of it).
 */
final class ClientInfo {

    private ClientInfo() {
    }

    static String line(RespSession session, RespContext context) {
        long now = context.cache().clock().millis();
        long age = (now - session.createdMillis()) / 1000;
        List<RespSession.Queued> queued = session.queued;
        String user = session.user;
        return "id=" + session.id()
                + " addr=" + session.address()
                + " laddr=" + context.server().port()
                + " fd=-1 name=" + session.name
                + " age=" + age
                + " idle=0 flags=" + (queued != null ? "x" : "N")
                + " db=" + session.database
                + " sub=0 psub=0 ssub=0 multi=" + (queued != null ? queued.size() : -1)
                + " qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r"
                + " cmd=" + session.lastCommand
                + " user=" + (user == null ? "default" : user)
                + " redir=-1 resp=" + session.version.number()
                + " lib-name=" + session.libraryName
                + " lib-ver=" + session.libraryVersion;
    }
}
