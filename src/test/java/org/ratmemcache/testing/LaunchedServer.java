package org.ratmemcache.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A server started by a launcher (target/bin/ratmemcache, or one unpacked from the distribution) in
 * its own process, as users start it: memcached's flags, the JDK running the tests as JAVA_HOME,
 * random HTTP and management ports, and its output in a log file beside it.
 */
public final class LaunchedServer implements AutoCloseable {

    private final Process process;
    private final Path log;

    private LaunchedServer(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code launcher} in {@code directory} with {@code flags}; {@code environment} adds to
     * (and may replace) the JAVA_HOME and JAVA_OPTS given here.
     */
    public static LaunchedServer start(Path launcher, Path directory, Map<String, String> environment, String... flags) {
        assertThat(launcher).as("the launcher, laid out by ./mvnw package").isExecutable();
        List<String> command = new ArrayList<>(List.of(launcher.toAbsolutePath().toString()));
        command.addAll(List.of(flags));
        Path log = directory.resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_OPTS", "-Dquarkus.http.port=0 -Dquarkus.management.port=0");
        builder.environment().putAll(environment);
        try {
            return new LaunchedServer(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the memcached port accepts and the startup line is logged, failing at once if the server exits. */
    public LaunchedServer awaitServing(int port) {
        // the port accepts a moment before the startup line is logged: wait for both
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            assertThat(process.isAlive()).as("the server exited: %s", log()).isTrue();
            return Ports.accepts(port) && log().contains("RatMemCache serving memcached");
        });
        return this;
    }

    public long pid() {
        return process.pid();
    }

    /** The JVM's command line: the launcher execs it, so it is this process's. */
    public List<String> jvmArguments() {
        return List.of(ProcessHandle.of(process.pid()).orElseThrow().info().arguments().orElseThrow());
    }

    /** SIGTERM, as systemd and Kubernetes stop it, and the exit code it must give: 0 or 128 + 15. */
    public void stop() {
        process.destroy();
        assertThat(exitCode()).as("exit code after SIGTERM: %s", log()).isIn(0, 143);
    }

    /** The exit code, once it has exited (within 60 s). */
    public int exitCode() {
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills it if it still runs. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
