package org.ratmemcache.core.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** What every disk tier does with its data directory as a whole: measure it, empty it. */
public final class DataDirs {

    private DataDirs() {
    }

    /** Bytes of every file under {@code dir}; -1 when they cannot be listed. */
    public static long usage(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /** Deletes everything under {@code dir}, keeping {@code dir}; nothing when it does not exist. */
    public static void deleteContents(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            deleteBelow(dir, false);
        }
    }

    /** Deletes {@code path} and, for a directory, everything under it; nothing when it does not exist. */
    public static void delete(Path path) throws IOException {
        if (Files.exists(path)) {
            deleteBelow(path, true);
        }
    }

    private static void deleteBelow(Path root, boolean withRoot) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (withRoot || !path.equals(root)) {
                    Files.delete(path);
                }
            }
        }
    }
}
