package org.ratmemcache.protocol.text;

import java.nio.charset.StandardCharsets;

/** The error replies of memcached's text protocol, byte for byte as memcached 1.6 sends them. */
public enum TextError {
    /** An unknown command, or a known one with the wrong number of tokens. */
    UNKNOWN_COMMAND("ERROR"),
    BAD_FORMAT("CLIENT_ERROR bad command line format"),
    BAD_DATA_CHUNK("CLIENT_ERROR bad data chunk"),
    INVALID_EXPTIME("CLIENT_ERROR invalid exptime argument"),
    INVALID_DELTA("CLIENT_ERROR invalid numeric delta argument"),
    NON_NUMERIC("CLIENT_ERROR cannot increment or decrement non-numeric value"),
    DELETE_USAGE("CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]"),
    TOO_LARGE("SERVER_ERROR object too large for cache"),
    OUT_OF_MEMORY("SERVER_ERROR out of memory storing object"),
    SHUTDOWN_DISABLED("ERROR: shutdown not enabled"),
    /** The disk tier could not complete the command (not a memcached reply: memcached has no disk). */
    STORAGE_FAILURE("SERVER_ERROR disk tier failure"),
    TOO_MANY_CONNECTIONS("ERROR Too many open connections");

    private final byte[] line;

    TextError(String message) {
        this.line = (message + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The reply line, CRLF included. */
    public byte[] line() {
        return line;
    }
}
