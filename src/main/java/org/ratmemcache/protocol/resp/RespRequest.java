package org.ratmemcache.protocol.resp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import org.ratmemcache.core.Key;

/**
 * One Redis command as the parser read it: its arguments, each copied into the request's own
 * buffer (the <em>arena</em>) as it completes, so that the connection's input is consumed as the
 * request arrives and a long request is never scanned twice. An argument too long to be stored
 * ({@link RespLimits#longestKept}) is skipped instead, and only marked: the command answers that
 * it is too large. One per connection, reused; the arena comes from the connection's allocator and
 * goes back to it when a request has made it large, or when the connection closes.
 */
public final class RespRequest {

    /** An arena larger than this after a request is given back, not kept for the next. */
    private static final int KEPT_ARENA = 64 * 1024;
    private static final int OVERSIZED = -1;

    private final ByteBufAllocator allocator;
    private ByteBuf arena;
    private int argc;
    private int[] starts = new int[8];
    private int[] lengths = new int[8];
    /** The text of the protocol error that ends the connection, instead of a command. */
    private String protocolError;

    public RespRequest(ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    /** The number of arguments, the command's name included. */
    public int argc() {
        return argc;
    }

    /** Whether the request is no command but a protocol error: reply {@link #protocolError()} and close. */
    public boolean isProtocolError() {
        return protocolError != null;
    }

    /** The error's text, without Redis's {@code ERR} code. */
    public String protocolError() {
        return protocolError;
    }

    /** Whether argument {@code i} was too long to keep, and was skipped. */
    public boolean oversized(int i) {
        return lengths[i] == OVERSIZED;
    }

    /** Argument {@code i}'s length in bytes (0 for one that was skipped). */
    public int length(int i) {
        return Math.max(lengths[i], 0);
    }

    /** The buffer the arguments are in. */
    public ByteBuf arena() {
        return arena;
    }

    /** Where argument {@code i} starts in {@link #arena()}. */
    public int index(int i) {
        return starts[i];
    }

    public byte byteAt(int i, int at) {
        return arena.getByte(starts[i] + at);
    }

    /** Argument {@code i}'s bytes, copied. */
    public byte[] bytes(int i) {
        byte[] bytes = new byte[length(i)];
        arena.getBytes(starts[i], bytes);
        return bytes;
    }

    /** Argument {@code i} as UTF-8 text (for names and options, never for data). */
    public String string(int i) {
        return arena.toString(starts[i], length(i), StandardCharsets.UTF_8);
    }

    /** Whether argument {@code i} is {@code upper}, an upper-case ASCII word, in any case. */
    public boolean is(int i, byte[] upper) {
        if (lengths[i] != upper.length) {
            return false;
        }
        int at = starts[i];
        for (int j = 0; j < upper.length; j++) {
            int b = arena.getByte(at + j);
            if (b != upper[j] && (b < 'a' || b > 'z' || b - 32 != upper[j])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Points {@code lookup} at argument {@code i} as a key, copying it into {@code scratch}, which
     * it returns (grown if the key needed more room): a key is read from the heap.
     */
    public byte[] key(int i, Key lookup, byte[] scratch, int database) {
        int length = length(i);
        byte[] into = scratch.length >= length ? scratch : new byte[Math.max(length, scratch.length * 2)];
        arena.getBytes(starts[i], into, 0, length);
        lookup.set(database, into, 0, length);
        return into;
    }

    /** A copy that owns its bytes, on the heap: for a command that runs after the connection reads on (MULTI, a disk read). */
    public RespRequest copy() {
        RespRequest copy = new RespRequest(allocator);
        copy.arena = io.netty.buffer.Unpooled.buffer(Math.max(arenaBytes(), 1));
        for (int i = 0; i < argc; i++) {
            if (oversized(i)) {
                copy.addOversized();
            } else {
                copy.add(arena, starts[i], lengths[i]);
            }
        }
        return copy;
    }

    // ---- the parser's side

    /** Begins a new request: no arguments yet. */
    void begin() {
        argc = 0;
        protocolError = null;
        if (arena != null) {
            if (arena.capacity() > KEPT_ARENA) {
                arena.release();
                arena = null;
            } else {
                arena.clear();
            }
        }
    }

    /** The bytes the arena holds for this request so far. */
    int arenaBytes() {
        return arena == null ? 0 : arena.writerIndex();
    }

    /** Appends an argument of {@code length} bytes of {@code in} from {@code index}. */
    void add(ByteBuf in, int index, int length) {
        ByteBuf into = arenaWith(length);
        slot();
        starts[argc] = into.writerIndex();
        lengths[argc++] = length;
        into.writeBytes(in, index, length);
    }

    /** Appends an argument of {@code length} bytes of {@code bytes}. */
    void add(byte[] bytes, int length) {
        ByteBuf into = arenaWith(length);
        slot();
        starts[argc] = into.writerIndex();
        lengths[argc++] = length;
        into.writeBytes(bytes, 0, length);
    }

    /** Appends an argument too long to keep: skipped, only marked. */
    void addOversized() {
        slot();
        starts[argc] = 0;
        lengths[argc++] = OVERSIZED;
    }

    void fail(String error) {
        protocolError = error;
    }

    /** Gives the arena back: the connection closes. */
    public void release() {
        if (arena != null) {
            arena.release();
            arena = null;
        }
    }

    private ByteBuf arenaWith(int length) {
        if (arena == null) {
            arena = allocator.directBuffer(Math.max(256, length));
        }
        arena.ensureWritable(length);
        return arena;
    }

    private void slot() {
        if (argc == starts.length) {
            starts = Arrays.copyOf(starts, argc * 2);
            lengths = Arrays.copyOf(lengths, argc * 2);
        }
    }
}
