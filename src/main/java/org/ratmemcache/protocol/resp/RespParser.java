package org.ratmemcache.protocol.resp;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.protocol.Parsed;

/**
 * Reads Redis's requests from a connection's input, as Redis 7.0's {@code processInputBuffer}
 * does, byte for byte in what it accepts and in the errors it gives: a request that begins with
 * {@code *} is a multibulk (an array of bulk strings), anything else an inline command split as
 * {@code redis-cli} would type it.
 *
 * <p>An explicit state machine over what the input holds so far, in the manner of Netty's
 * {@code AbstractBinaryMemcacheDecoder}: each argument is taken into the request (or, too long to
 * keep, skipped as it arrives) as soon as it is whole, and the input consumed up to there, so that
 * nothing is read twice however slowly a request arrives.
 *
 * <p>Redis's quirks kept on purpose, since clients and Redis's own tests rely on what it accepts:
 * a line ends at the first {@code \r} (multibulk) or {@code \n} (inline) found before a NUL byte,
 * and the byte after a multibulk's {@code \r} is skipped whatever it is, as is the pair after a
 * bulk's data.
 */
public final class RespParser {

    private enum State {
        /** Between requests. */
        START,
        /** Inside a multibulk: the next argument's {@code $} line is due. */
        HEADER,
        /** Inside a multibulk: the bulk's data and its CRLF are due. */
        DATA,
        /** Inside a multibulk: a bulk too long to keep is being read past. */
        SKIPPING
    }

    private final RespRequest request;
    private final RespLimits limits;
    private final InlineSplitter inline = new InlineSplitter();
    private State state = State.START;
    /** Arguments of the multibulk still to read. */
    private long remaining;
    /** The bulk's length (DATA) or the bytes still to skip (SKIPPING). */
    private long bulk;
    private final LongParser longParser = new LongParser();
    /** The value {@link #parseLong} read. */
    private long number;
    /**
     * How many bytes from the reader index a line end is already known not to be among, so that a
     * line arriving a byte at a time is scanned once, not once per byte; -1 once a NUL came first
     * (then, as in Redis, no end is found before the line outgrows its limit).
     */
    private int scanned;

    public RespParser(RespRequest request, RespLimits limits) {
        this.request = request;
        this.limits = limits;
    }

    public RespRequest request() {
        return request;
    }

    /**
     * Reads at most one request from {@code in}: {@link Parsed#REQUEST} when a command (or a
     * protocol error, {@link RespRequest#isProtocolError}) is ready, {@link Parsed#CLOSE} when the
     * request outgrew the query buffer limit (Redis closes such a client without a reply).
     * {@code authenticated} is false while the connection must still authenticate, which lowers the
     * limits as in Redis.
     */
    public Parsed parse(ByteBuf in, boolean authenticated) {
        while (true) {
            switch (state) {
                case START -> {
                    if (!in.isReadable()) {
                        return Parsed.NEED_MORE;
                    }
                    request.begin();
                    if (in.getByte(in.readerIndex()) != '*') {
                        Parsed parsed = parseInline(in);
                        if (parsed != null) {
                            return parsed;
                        }
                        continue; // an empty line: no command
                    }
                    Parsed parsed = parseCount(in, authenticated);
                    if (parsed != null) {
                        return parsed;
                    }
                }
                case HEADER -> {
                    Parsed parsed = parseHeader(in, authenticated);
                    if (parsed != null) {
                        return parsed;
                    }
                }
                case DATA -> {
                    if (in.readableBytes() < bulk + 2) {
                        return Parsed.NEED_MORE;
                    }
                    request.add(in, in.readerIndex(), (int) bulk);
                    in.skipBytes((int) bulk + 2);
                    if (argumentDone()) {
                        return Parsed.REQUEST;
                    }
                }
                case SKIPPING -> {
                    int skip = (int) Math.min(in.readableBytes(), bulk);
                    in.skipBytes(skip);
                    bulk -= skip;
                    if (bulk > 0) {
                        return Parsed.NEED_MORE;
                    }
                    request.addOversized();
                    if (argumentDone()) {
                        return Parsed.REQUEST;
                    }
                }
            }
        }
    }

    /** Forgets a request read in part: the connection is reset or closes. */
    public void reset() {
        state = State.START;
        scanned = 0;
    }

    /** After an argument: the next one's header, or the request is whole. */
    private boolean argumentDone() {
        if (--remaining > 0) {
            state = State.HEADER;
            return false;
        }
        state = State.START;
        return true;
    }

    private Parsed parseInline(ByteBuf in) {
        int newline = indexBeforeNul(in, (byte) '\n');
        if (newline < 0) {
            return in.readableBytes() > RespLimits.INLINE_MAX ? failed("Protocol error: too big inline request") : Parsed.NEED_MORE;
        }
        int start = in.readerIndex();
        int end = newline > start && in.getByte(newline - 1) == '\r' ? newline - 1 : newline;
        boolean balanced = inline.split(in, start, end, request);
        in.readerIndex(newline + 1);
        if (!balanced) {
            return failed("Protocol error: unbalanced quotes in request");
        }
        return request.argc() == 0 ? null : Parsed.REQUEST;
    }

    /** The multibulk's {@code *count} line; null to go on with its arguments (or with the next request). */
    private Parsed parseCount(ByteBuf in, boolean authenticated) {
        int cr = indexBeforeNul(in, (byte) '\r');
        if (cr < 0) {
            return in.readableBytes() > RespLimits.INLINE_MAX ? failed("Protocol error: too big mbulk count string") : Parsed.NEED_MORE;
        }
        if (cr - in.readerIndex() > in.readableBytes() - 2) {
            return Parsed.NEED_MORE;
        }
        if (!parseLong(in, in.readerIndex() + 1, cr) || number > RespLimits.MAX_ARGUMENTS) {
            return failed("Protocol error: invalid multibulk length");
        }
        if (number > RespLimits.UNAUTHENTICATED_ARGUMENTS && !authenticated) {
            return failed("Protocol error: unauthenticated multibulk length");
        }
        in.readerIndex(cr + 2);
        if (number > 0) {
            remaining = number;
            state = State.HEADER;
        }
        return null;
    }

    /** A bulk's {@code $length} line; null to go on with its data. */
    private Parsed parseHeader(ByteBuf in, boolean authenticated) {
        int cr = indexBeforeNul(in, (byte) '\r');
        if (cr < 0) {
            return in.readableBytes() > RespLimits.INLINE_MAX ? failed("Protocol error: too big bulk count string") : Parsed.NEED_MORE;
        }
        if (cr - in.readerIndex() > in.readableBytes() - 2) {
            return Parsed.NEED_MORE;
        }
        byte first = in.getByte(in.readerIndex());
        if (first != '$') {
            char shown = first == '\r' || first == '\n' ? ' ' : (char) (first & 0xff);
            return failed("Protocol error: expected '$', got '" + shown + "'");
        }
        if (!parseLong(in, in.readerIndex() + 1, cr) || number < 0 || number > limits.longestBulk()) {
            return failed("Protocol error: invalid bulk length");
        }
        if (number > RespLimits.UNAUTHENTICATED_BULK && !authenticated) {
            return failed("Protocol error: unauthenticated bulk length");
        }
        in.readerIndex(cr + 2);
        if (number > limits.longestKept()) {
            bulk = number + 2;
            state = State.SKIPPING;
        } else if (request.arenaBytes() + number > limits.queryBufferLimit()) {
            return Parsed.CLOSE;
        } else {
            bulk = number;
            state = State.DATA;
        }
        return null;
    }

    private Parsed failed(String error) {
        request.fail(error);
        state = State.START;
        scanned = 0;
        return Parsed.REQUEST;
    }

    /**
     * Where {@code wanted} is in the readable bytes, if no NUL comes first (C's strchr, as Redis
     * searches); else -1. Resumes where the last search of the same line stopped.
     */
    private int indexBeforeNul(ByteBuf in, byte wanted) {
        if (scanned < 0) {
            return -1;
        }
        int end = in.writerIndex();
        for (int i = in.readerIndex() + scanned; i < end; i++) {
            byte b = in.getByte(i);
            if (b == wanted) {
                scanned = 0;
                return i;
            }
            if (b == 0) {
                scanned = -1;
                return -1;
            }
        }
        scanned = end - in.readerIndex();
        return -1;
    }

    /** Redis's string2ll over {@code [from, to)} into {@link #number}: false unless it is exactly a 64-bit decimal. */
    private boolean parseLong(ByteBuf in, int from, int to) {
        if (!longParser.parse(in, from, to - from)) {
            return false;
        }
        number = longParser.value();
        return true;
    }
}
