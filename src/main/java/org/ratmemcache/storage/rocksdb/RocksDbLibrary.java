package org.ratmemcache.storage.rocksdb;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/**
 * Loads RocksDB's JNI library. RocksJava copies it out of its jar into a new temporary file at
 * every start (17 MB, 0.1 s of the start here) and deletes that file only on a clean exit, so each
 * kill -9 leaves one in the temporary directory. Given a directory in {@value #DIRECTORY_PROPERTY}
 * that is also on {@code java.library.path} (the launcher passes both), the library is copied
 * there once and RocksJava loads it from there.
 *
 * <p>A stamp beside the library names the jar and the size it came from; a library that does not
 * match the jar on the class path (an upgrade in place) is replaced before RocksJava looks for
 * it, and a replacement is written to a temporary file and moved into place, so that two servers
 * starting at once never load half a file. Whatever fails here, RocksJava's own way still runs.
 */
final class RocksDbLibrary {

    /** Outside the {@code ratmemcache.} settings, which refuse names they do not know. */
    static final String DIRECTORY_PROPERTY = "org.ratmemcache.native-dir";

    private static final System.Logger LOG = System.getLogger(RocksDbLibrary.class.getName());

    private RocksDbLibrary() {
    }

    /**
     * Loads the library: called once, by {@link RocksDatabase}'s initialisation, the first use of
     * RocksJava (where another RocksJava class comes first, RocksJava has loaded it its own way).
     */
    static void load() {
        String directory = System.getProperty(DIRECTORY_PROPERTY, "");
        if (!directory.isBlank()) {
            try {
                keepCurrent(Path.of(directory));
            } catch (IOException | URISyntaxException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot keep RocksDB's library in " + directory
                        + " (RocksJava copies it to a temporary file instead): " + e);
            }
        }
        RocksDB.loadLibrary();
    }

    /** Copies this platform's library out of the jar into {@code directory}, unless it is there already. */
    static void keepCurrent(Path directory) throws IOException, URISyntaxException {
        String name = Environment.getJniLibraryFileName("rocksdb");
        URL resource = RocksDB.class.getClassLoader().getResource(name);
        if (resource == null) {
            return; // a platform whose library has another name: RocksJava knows its fallbacks
        }
        URLConnection connection = resource.openConnection();
        Path jar = Path.of(RocksDB.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String stamp = jar.getFileName() + " " + connection.getContentLengthLong() + "\n";
        Path library = directory.resolve(name);
        Path stampFile = directory.resolve(name + ".source");
        if (Files.isRegularFile(library) && Files.isRegularFile(stampFile)
                && Files.readString(stampFile, StandardCharsets.UTF_8).equals(stamp)) {
            return;
        }
        Files.createDirectories(directory);
        Path copy = Files.createTempFile(directory, name, ".part");
        try (InputStream in = connection.getInputStream()) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            Files.move(copy, library, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(copy);
        }
        Files.writeString(stampFile, stamp, StandardCharsets.UTF_8);
        LOG.log(System.Logger.Level.INFO, "RocksDB's library copied to " + library + " for the next starts");
    }
}
