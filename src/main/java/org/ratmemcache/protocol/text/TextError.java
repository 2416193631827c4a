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
    FLUSH_DISABLED("CLIENT_ERROR flush_all not allowed"),
    UNAUTHENTICATED("CLIENT_ERROR unauthenticated"),
    AUTH_FAILURE("CLIENT_ERROR authentication failure"),
    BAD_AUTH_TOKEN("CLIENT_ERROR bad authentication token format"),
    DETAIL_USAGE("CLIENT_ERROR usage: stats detail on|off|dump"),
    // The meta commands' own.
    DUPLICATE_FLAG("CLIENT_ERROR duplicate flag"),
    INVALID_FLAG("CLIENT_ERROR invalid flag"),
    INVALID_OR_DUPLICATE_FLAG("CLIENT_ERROR invalid or duplicate flag"),
    BAD_TOKEN("CLIENT_ERROR bad token in command line format"),
    KEY_DECODING("CLIENT_ERROR error decoding key"),
    MODE_TOKEN_LENGTH("CLIENT_ERROR incorrect length for M token"),
    INVALID_INITIAL("CLIENT_ERROR invalid numeric initial value"),
    INVALID_DELTA_VALUE("CLIENT_ERROR invalid numeric delta value"),
    /** mg's wording. */
    FLAGS_ARE_TOO_LONG("CLIENT_ERROR options flags are too long"),
    /** ms, md and ma's wording. */
    FLAGS_TOO_LONG("CLIENT_ERROR options flags too long"),
    OPAQUE_TOO_LONG("CLIENT_ERROR opaque token too long"),
    INVALID_SET_MODE("CLIENT_ERROR invalid mode for ms M token"),
    INVALID_ARITHMETIC_MODE("CLIENT_ERROR invalid mode for ma M token"),
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
