package org.ratmemcache.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's real redis-server 7.0.15, started on a free loopback port with no persistence: the
 * reference peer of the RESP differential tests. Without it those tests fail, saying how to
 * install it; they never skip.
 */
public final class RedisProcess implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/redis-server");

    private final Process process;
    private final int port;

    private RedisProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts {@code redis-server --port PORT --bind 127.0.0.1 --save "" --appendonly no} plus {@code extraArgs}. */
    public static RedisProcess start(String... extraArgs) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("Debian's redis-server is the reference for this test and is not installed at "
                    + BINARY + ": run `apt-get install redis-server` (.ci/run does)");
        }
        int port = Ports.free();
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", ""));
        command.addAll(List.of(extraArgs));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        RedisProcess redis = new RedisProcess(process, port);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("redis-server exited with code " + process.exitValue());
            }
            return Ports.accepts(port);
        });
        return redis;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
