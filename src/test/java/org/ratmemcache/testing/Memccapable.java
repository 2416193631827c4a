package org.ratmemcache.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * libmemcached's conformance checker, {@code memccapable} from Debian's libmemcached-tools, run
 * against a server; its report is kept in {@code target/}.
 */
public final class Memccapable {

    private static final Path BINARY = Path.of("/usr/bin/memccapable");

    private Memccapable() {
    }

    /** Runs the ASCII ({@code -a}) or binary ({@code -b}) tests and asserts that every one passes. */
    public static void assertPasses(String protocolFlag, int port, String reportName) throws IOException, InterruptedException {
        assertThat(BINARY).as("memccapable from Debian's libmemcached-tools: apt-get install libmemcached-tools")
                .isExecutable();
        Process process = new ProcessBuilder(BINARY.toString(), protocolFlag, "-h", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("memccapable finished").isTrue();
        String report = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Files.writeString(Path.of("target", reportName), report);
        String protocol = protocolFlag.equals("-b") ? "binary" : "ascii";
        assertThat(report).as(report)
                .contains(protocol + " set ", protocol + " incr ", protocol + " stat ", "All tests passed")
                .doesNotContain("[fail]");
        assertThat(process.exitValue()).isZero();
    }
}
