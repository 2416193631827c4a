package org.ratmemcache.storage.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

import org.ratmemcache.core.disk.DataDirs;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.disk.PersistedState;

/**
 * The log's data directory, besides its segments: {@code LOCK} (held while a tier has it open),
 * {@code FORMAT} (the format's name, refused when it is another) and {@code STATE} (the cache's
 * {@link PersistedState}), each small file replaced atomically and durably.
 */
final class DataDirectory implements AutoCloseable {

    /** The on-disk format this code reads and writes; another one is refused, never half-read. */
    static final String FORMAT = "ratmemcache-l2 log=1";
    static final String FORMAT_FILE = "FORMAT";
    private static final String STATE_FILE = "STATE";
    private static final String LOCK_FILE = "LOCK";

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDirectory(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Takes {@code dir} for this tier (created if missing, emptied first when {@code clear}), and
     * checks its format, or writes it into a new directory.
     */
    static DataDirectory take(Path dir, boolean clear) throws IOException, DiskTierException {
        if (clear) {
            DataDirs.deleteContents(dir);
        }
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new DiskTierException("the L2 data directory " + dir + " is in use by another RatMemCache (it holds "
                        + dir.resolve(LOCK_FILE) + "); stop it or choose another ratmemcache.l2.data-dir");
            }
            DataDirectory taken = new DataDirectory(dir, channel, lock);
            taken.checkFormat();
            return taken;
        } catch (IOException | DiskTierException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private void checkFormat() throws IOException, DiskTierException {
        Path file = dir.resolve(FORMAT_FILE);
        if (Files.exists(file)) {
            String stored = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!stored.equals(FORMAT)) {
                throw new DiskTierException("the L2 data directory " + dir + " holds format \"" + stored
                        + "\", which this build cannot read (it reads \"" + FORMAT + "\")");
            }
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            if (files.anyMatch(path -> !path.getFileName().toString().equals(LOCK_FILE))) {
                throw new DiskTierException("the L2 data directory " + dir
                        + " holds files but no format fingerprint: not a RatMemCache L2 log, refusing to use it");
            }
        }
        writeAtomically(FORMAT_FILE, (FORMAT + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** The state last written, or {@link PersistedState#EMPTY} for a new directory. */
    PersistedState readState() throws IOException, DiskTierException {
        Path file = dir.resolve(STATE_FILE);
        if (!Files.exists(file)) {
            return PersistedState.EMPTY;
        }
        byte[] bytes = Files.readAllBytes(file);
        PersistedState state = PersistedState.fromBytes(bytes);
        if (state == null) {
            throw new DiskTierException("the L2 state file " + file + " holds " + bytes.length + " bytes, a length no layout has");
        }
        return state;
    }

    void writeState(PersistedState state) throws IOException {
        writeAtomically(STATE_FILE, state.toBytes());
    }

    /** Replaces {@code name} with {@code bytes} durably: a synced temporary file renamed over it. */
    private void writeAtomically(String name, byte[] bytes) throws IOException {
        Path temporary = dir.resolve(name + ".new");
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.wrap(bytes));
            out.force(true);
        }
        try {
            Files.move(temporary, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        sync(dir);
    }

    /** Makes the names in {@code dir} durable: files created, renamed or deleted there. */
    static void sync(Path dir) throws IOException {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    /** Whether {@code file} is one the log keeps: a segment, its format or its state. */
    static boolean isLogFile(Path file) {
        String name = file.getFileName().toString();
        return Segment.idOf(file) >= 0 || name.equals(FORMAT_FILE) || name.equals(STATE_FILE);
    }

    /** Lets the directory go: another tier may take it. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }
}
