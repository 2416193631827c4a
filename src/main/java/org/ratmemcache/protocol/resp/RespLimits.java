package org.ratmemcache.protocol.resp;

/**
 * The bounds the RESP parser holds a client to.
 *
 * @param longestBulk      the longest bulk string accepted at all; a longer one is Redis's
 *                         {@code invalid bulk length}, and the connection closes (Redis's
 *                         {@code proto-max-bulk-len}: here 512 MB or the item size limit, whichever
 *                         is larger)
 * @param longestKept      the longest bulk string kept: a longer one is read past as it arrives and
 *                         only marked, since no item could hold it (the item size limit)
 * @param queryBufferLimit the most a request may hold in memory; past it the connection closes, as
 *                         Redis's {@code client-query-buffer-limit}
 */
public record RespLimits(long longestBulk, long longestKept, long queryBufferLimit) {

    /** Redis's PROTO_INLINE_MAX_SIZE: an inline request, or a length line, longer than this is refused. */
    public static final int INLINE_MAX = 64 * 1024;
    /** Redis's default proto-max-bulk-len. */
    public static final long PROTO_MAX_BULK_LEN = 512L * 1024 * 1024;
    /** The most arguments a client that has not authenticated may send. */
    public static final int UNAUTHENTICATED_ARGUMENTS = 10;
    /** The longest bulk string a client that has not authenticated may send. */
    public static final int UNAUTHENTICATED_BULK = 16 * 1024;
    /** Redis's multibulk count limit. */
    public static final long MAX_ARGUMENTS = Integer.MAX_VALUE;

    public RespLimits {
        if (longestKept > longestBulk || longestKept < 1 || queryBufferLimit < longestKept) {
            throw new IllegalArgumentException("inconsistent RESP limits: " + longestBulk + ", " + longestKept + ", " + queryBufferLimit);
        }
    }

    /** The limits for a cache whose largest item is {@code itemSizeMax} bytes. */
    public static RespLimits forItemSize(long itemSizeMax) {
        long kept = Math.min(itemSizeMax, Integer.MAX_VALUE - 8);
        return new RespLimits(Math.max(PROTO_MAX_BULK_LEN, itemSizeMax), kept, Math.max(64L * 1024 * 1024, 4 * kept));
    }
}
