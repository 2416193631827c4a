package org.ratmemcache.storage.log;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The segment files, appended to in frames: {@code [length of the records: 4][CRC32C of them:
 * 4][records]}. A frame is written whole or, after a crash, found torn and dropped with whatever
 * follows it, so the log always holds a prefix of what was written.
 *
 * <p>A record's location is its segment's id (high 32 bits) and its offset there (low 32 bits).
 * The writer appends, rotates and deletes; readers on any thread read by location, and learn
 * through {@link Gone} that a segment went meanwhile.
 */
final class Log implements AutoCloseable {

    static final int FRAME_HEADER = 8;

    private final Path dir;
    private final long segmentBytes;
    private final ConcurrentSkipListMap<Integer, Segment> segments = new ConcurrentSkipListMap<>();
    private Segment active;

    Log(Path dir, long segmentBytes) throws IOException {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                int id = Segment.idOf(file);
                if (id >= 0) {
                    segments.put(id, new Segment(id, file));
                }
            }
        }
        active = segments.isEmpty() ? create(1) : segments.lastEntry().getValue();
    }

    static long location(int segment, long offset) {
        return (long) segment << 32 | offset;
    }

    static int segmentOf(long location) {
        return (int) (location >>> 32);
    }

    static long offsetOf(long location) {
        return location & 0xffff_ffffL;
    }

    /** The segments, oldest first. */
    List<Segment> segments() {
        return new ArrayList<>(segments.values());
    }

    Segment segment(int id) {
        return segments.get(id);
    }

    Segment active() {
        return active;
    }

    /**
     * Appends {@code frame} (its header filled in here) to the active segment, first starting a
     * new one if this one would grow past the segment size; returns the frame's location.
     */
    long append(ByteBuffer frame) throws IOException {
        int length = frame.remaining();
        frame.putInt(frame.position(), length - FRAME_HEADER);
        CRC32C crc = new CRC32C();
        crc.update(frame.slice(frame.position() + FRAME_HEADER, length - FRAME_HEADER));
        frame.putInt(frame.position() + 4, (int) crc.getValue());
        if (active.size > 0 && active.size + length > segmentBytes) {
            rotate();
        }
        long at = active.size;
        FileChannel channel = active.channel;
        for (long position = at; frame.hasRemaining(); ) {
            try {
                position += channel.write(frame, position);
            } catch (ClosedByInterruptException e) {
                throw e;
            } catch (ClosedChannelException e) {
                channel = active.reopen(channel);
            }
        }
        active.size = at + length;
        return location(active.id, at);
    }

    /** Seals the active segment and starts the next. */
    void rotate() throws IOException {
        active = create(active.id + 1);
    }

    private Segment create(int id) throws IOException {
        Segment segment = new Segment(id, Segment.path(dir, id));
        segments.put(id, segment);
        return segment;
    }

    /** {@code length} bytes at {@code location}, in a heap buffer. */
    ByteBuffer read(long location, int length) throws IOException, Gone {
        ByteBuffer into = ByteBuffer.allocate(length);
        Segment segment = segments.get(segmentOf(location));
        if (segment == null) {
            throw new Gone();
        }
        long position = offsetOf(location);
        FileChannel channel = segment.channel;
        while (into.hasRemaining()) {
            try {
                int read = channel.read(into, position + into.position());
                if (read < 0) {
                    throw new IOException(segment.path + " ends before " + (position + length));
                }
            } catch (ClosedByInterruptException e) {
                throw e;
            } catch (ClosedChannelException e) {
                if (segments.get(segment.id) != segment) {
                    throw new Gone();
                }
                channel = segment.reopen(channel);
            }
        }
        return into.flip();
    }

    /** Syncs the active segment to the device. */
    void force() throws IOException {
        active.channel.force(false);
    }

    /** Cuts a torn frame off the end of {@code segment}, or the end a failed write left. */
    void truncate(Segment segment, long size) throws IOException {
        segment.channel.truncate(size);
        segment.size = size;
    }

    /**
     * Calls {@code visitor} for each record of {@code segment}'s whole frames, in order; returns
     * where they end: a shorter length than the segment's means a torn or damaged frame there.
     */
    long scan(Segment segment, RecordVisitor visitor) throws IOException {
        long size = segment.channel.size();
        if (size == 0) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            ByteBuffer in = segment.channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena).asByteBuffer();
            CRC32C crc = new CRC32C();
            int at = 0;
            while (at + FRAME_HEADER <= size) {
                int length = in.getInt(at);
                if (length <= 0 || at + FRAME_HEADER + (long) length > size) {
                    break;
                }
                crc.reset();
                crc.update(in.slice(at + FRAME_HEADER, length));
                if ((int) crc.getValue() != in.getInt(at + 4)) {
                    break;
                }
                int end = at + FRAME_HEADER + length;
                for (int record = at + FRAME_HEADER; record < end; ) {
                    LogRecord.View view = LogRecord.view(in, record, end - record);
                    if (view == null) {
                        throw new IOException(segment.path + ": a record at " + record + " of a kind this build cannot read");
                    }
                    visitor.visit(view, location(segment.id, record));
                    record += view.length();
                }
                at = end;
            }
            return at;
        }
    }

    @FunctionalInterface
    interface RecordVisitor {
        void visit(LogRecord.View record, long location) throws IOException;
    }

    /** Deletes a sealed segment; readers still in it learn it went. */
    void delete(Segment segment) throws IOException {
        segments.remove(segment.id);
        segment.channel.close();
        Files.deleteIfExists(segment.path);
    }

    /** Bytes of every segment. */
    long bytes() {
        return segments.values().stream().mapToLong(segment -> segment.size).sum();
    }

    @Override
    public void close() throws IOException {
        IOException failed = null;
        for (Segment segment : segments.values()) {
            try {
                segment.channel.close();
            } catch (IOException e) {
                failed = e;
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** A record's segment was deleted (compacted or evicted) after its location was looked up. */
    static final class Gone extends Exception {
        Gone() {
            super(null, null, false, false);
        }
    }
}
