package org.ratmemcache.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.ratmemcache.testing.Ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged application in a child JVM, started as a user starts it, so that a test can stop
 * it with SIGTERM or kill it with SIGKILL and start it again on the same data directory.
 */
final class ApplicationProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    private final Process process;
    private final int port;

    private ApplicationProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** How a start that was meant to fail ended. */
    record Failed(int exitCode, String output) {
    }

    /** Starts the jar with {@code -Dkey=value} for each setting and waits until memcached answers. */
    static ApplicationProcess start(Path log, String... settings) throws IOException {
        int port = Ports.free();
        Process process = launch(log, port, settings);
        ApplicationProcess application = new ApplicationProcess(process, port);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(process.isAlive()).as("the application is running (see %s)", log).isTrue();
            return Ports.accepts(port);
        });
        return application;
    }

    /** Starts the jar expecting it to give up; returns its exit code and what it printed. */
    static Failed startFailing(Path log, String... settings) throws IOException, InterruptedException {
        Files.deleteIfExists(log);
        Process process = launch(log, Ports.free(), settings);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the application gave up (see %s)", log).isTrue();
        return new Failed(process.exitValue(), Files.readString(log));
    }

    private static Process launch(Path log, int port, String... settings) throws IOException {
        assertThat(JAR).as("the packaged application (./mvnw package)").exists();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Dratmemcache.server.bind=127.0.0.1");
        command.add("-Dratmemcache.server.port=" + port);
        command.add("-Dquarkus.http.port=0");
        for (String setting : settings) {
            command.add("-D" + setting);
        }
        command.add("-jar");
        command.add(JAR.toString());
        Files.createDirectories(log.getParent());
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    int port() {
        return port;
    }

    /** SIGTERM, as systemd, Kubernetes or Ctrl-C stops it; waits for a clean exit. */
    int stop() throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook, no drain, nothing flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

}
