package org.ratmemcache.storage.rocksdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.util.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeping RocksDB's library in a directory: copied once, replaced when it is not the jar's. */
class RocksDbLibraryTest {

    @TempDir
    Path dir;

    @Test
    void copiesTheLibraryOnceAndReplacesOneFromAnotherJar() throws Exception {
        Path library = dir.resolve(Environment.getJniLibraryFileName("rocksdb"));
        Path stamp = dir.resolve(library.getFileName() + ".source");

        RocksDbLibrary.keepCurrent(dir);
        long size = Files.size(library);
        assertThat(size).as("the whole library").isGreaterThan(1 << 20);
        assertThat(Files.readString(stamp, StandardCharsets.UTF_8)).contains("rocksdbjni").endsWith(" " + size + "\n");

        FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(library, old);
        RocksDbLibrary.keepCurrent(dir);
        assertThat(Files.getLastModifiedTime(library)).as("a current copy is left alone").isEqualTo(old);

        Files.writeString(library, "a library from another release");
        Files.writeString(stamp, "rocksdbjni-0.0.1.jar 30\n");
        RocksDbLibrary.keepCurrent(dir);
        assertThat(Files.size(library)).as("replaced by the jar's").isEqualTo(size);
        try (var files = Files.list(dir)) {
            assertThat(files.map(Path::getFileName).map(Path::toString)).as("no partial copy left")
                    .containsExactlyInAnyOrder(library.getFileName().toString(), stamp.getFileName().toString());
        }
    }
}
