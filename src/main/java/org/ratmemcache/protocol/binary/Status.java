package org.ratmemcache.protocol.binary;

import java.nio.charset.StandardCharsets;

/** Response statuses, with the message memcached sends in the body of an error. */
public enum Status {
    OK(0x00, ""),
    KEY_ENOENT(0x01, "Not found"),
    KEY_EEXISTS(0x02, "Data exists for key."),
    E2BIG(0x03, "Too large."),
    EINVAL(0x04, "Invalid arguments"),
    NOT_STORED(0x05, "Not stored."),
    DELTA_BADVAL(0x06, "Non-numeric server-side value for incr or decr"),
    AUTH_ERROR(0x20, "Auth failure."),
    UNKNOWN_COMMAND(0x81, "Unknown command"),
    ENOMEM(0x82, "Out of memory"),
    /**
     * The protocol's "temporary failure", which memcached never sends: here, the disk tier cannot
     * write for now (a full or failing disk); it retries and recovers by itself.
     */
    TEMPORARY_FAILURE(0x86, "Temporary failure: the disk tier cannot write.");

    private final short code;
    private final byte[] message;

    Status(int code, String message) {
        this.code = (short) code;
        this.message = message.getBytes(StandardCharsets.US_ASCII);
    }

    public short code() {
        return code;
    }

    /** The error text memcached puts in the body. */
    public byte[] message() {
        return message;
    }
}
