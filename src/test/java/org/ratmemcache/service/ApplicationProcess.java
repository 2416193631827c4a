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
        return whenServing(launch(log, port, List.of(settings), List.of()), port, log);
    }

    /**
     * Starts the jar with a command line, as a user starts memcached ({@code -p PORT -m 64}), and
     * waits until memcached answers on {@code port}, which the command line is expected to choose.
     */
    static ApplicationProcess startWithArgs(Path log, int port, String... args) throws IOException {
        return whenServing(launch(log, port, List.of(), List.of(args)), port, log);
    }

    private static ApplicationProcess whenServing(Process process, int port, Path log) {
        ApplicationProcess application = new ApplicationProcess(process, port);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(process.isAlive()).as("the application is running (see %s)", log).isTrue();
            return Ports.accepts(port);
        });
        return application;
    }

    /** Starts the jar expecting it to give up; returns its exit code and what it printed. */
    static Failed startFailing(Path log, String... settings) throws IOException, InterruptedException {
        return failing(log, List.of(settings), List.of());
    }

    /** Starts the jar with a command line expecting it to give up. */
    static Failed startFailingWithArgs(Path log, String... args) throws IOException, InterruptedException {
        return failing(log, List.of(), List.of(args));
    }

    private static Failed failing(Path log, List<String> settings, List<String> args) throws IOException, InterruptedException {
        Files.deleteIfExists(log);
        Process process = launch(log, Ports.free(), settings, args);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the application gave up (see %s)", log).isTrue();
        return new Failed(process.exitValue(), Files.readString(log));
    }

    /** What the application has printed so far. */
    static String output(Path log) throws IOException {
        return Files.readString(log);
    }

    private static Process launch(Path log, int port, List<String> settings, List<String> args) throws IOException {
        assertThat(JAR).as("the packaged application (./mvnw package)").exists();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Dratmemcache.server.bind=127.0.0.1");
        command.add("-Dratmemcache.server.port=" + port);
        command.add("-Dquarkus.http.port=0");
        command.add("-Dquarkus.management.port=0");
        for (String setting : settings) {
            command.add("-D" + setting);
        }
        command.add("-jar");
        command.add(JAR.toAbsolutePath().toString());
        command.addAll(args);
        Files.createDirectories(log.getParent());
        // In the log's directory, so that relative paths (the default data/l2) stay under target/.
        return new ProcessBuilder(command).directory(log.getParent().toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    /** SIGTERM, without waiting for the exit. */
    void signalStop() {
        process.destroy();
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
