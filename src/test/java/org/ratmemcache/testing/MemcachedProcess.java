package org.ratmemcache.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * Debian's real memcached, started on a free loopback port: the reference peer of the
 * differential tests. Without it those tests fail, saying how to install it; they never skip.
 */
public final class MemcachedProcess implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/memcached");

    private final Process process;
    private final int port;

    private MemcachedProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts {@code memcached -U 0 -l 127.0.0.1 -p PORT -u memcache} plus {@code extraArgs}. */
    public static MemcachedProcess start(String... extraArgs) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("Debian's memcached is the reference for this test and is not installed at "
                    + BINARY + ": run `apt-get install memcached` (.ci/run does)");
        }
        int port = Ports.free();
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "-U", "0", "-l", "127.0.0.1",
                "-p", Integer.toString(port), "-u", "memcache"));
        command.addAll(List.of(extraArgs));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        MemcachedProcess memcached = new MemcachedProcess(process, port);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("memcached exited with code " + process.exitValue());
            }
            return Ports.accepts(port);
        });
        return memcached;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        process.destroy();
    }

}
