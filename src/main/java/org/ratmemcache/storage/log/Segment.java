package org.ratmemcache.storage.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One file of the log, {@code <id>.log}, ids growing with age. Only the newest is appended to;
 * every other is sealed, and read until compaction or eviction deletes it.
 */
final class Segment {

    final int id;
    final Path path;
    volatile FileChannel channel;
    /** Bytes of whole frames; past them, at most a torn frame a failed write left. */
    long size;
    /** Bytes of the records the directory points at here. */
    long live;

    Segment(int id, Path path) throws IOException {
        this.id = id;
        this.path = path;
        this.channel = open(path);
        this.size = channel.size();
    }

    static Path path(Path dir, int id) {
        return dir.resolve(String.format("%010d.log", id));
    }

    /** The id in a segment file's name, or -1 for another file. */
    static int idOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.matches("\\d{10}\\.log")) {
            return -1;
        }
        return Integer.parseInt(name, 0, 10, 10);
    }

    /** Opens the channel again if an interrupted reader closed it (a FileChannel closes on interrupt). */
    synchronized FileChannel reopen(FileChannel closed) throws IOException {
        if (channel == closed) {
            channel = open(path);
        }
        return channel;
    }

    private static FileChannel open(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    @Override
    public String toString() {
        return path.getFileName() + " (" + size + " bytes, " + live + " live)";
    }
}
