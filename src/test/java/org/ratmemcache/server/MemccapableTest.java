package org.ratmemcache.server;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratmemcache.testing.Memccapable;
import org.ratmemcache.testing.RunningServer;

/** libmemcached's memccapable, both protocols, over memory and over a disk tier that holds most items. */
class MemccapableTest {

    @Test
    void passesEveryBinaryAndAsciiTestInMemory() throws Exception {
        try (RunningServer server = RunningServer.start()) {
            Memccapable.assertPasses("-b", server.port(), "memccapable-binary-memory.txt");
            Memccapable.assertPasses("-a", server.port(), "memccapable-ascii-memory.txt");
        }
    }

    @Test
    void passesEveryBinaryAndAsciiTestOverDisk(@TempDir Path dir) throws Exception {
        try (RunningServer server = RunningServer.startWithDisk(dir, 4, false)) {
            Memccapable.assertPasses("-b", server.port(), "memccapable-binary-disk.txt");
            Memccapable.assertPasses("-a", server.port(), "memccapable-ascii-disk.txt");
        }
    }
}
