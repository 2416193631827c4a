package org.ratmemcache.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's library example, exactly as the README has it: cut out of README.md and run as a
 * program in a fresh directory (so that its data/l2 lands there), once, then again on the same
 * directory, where the disk tier brings the items back.
 */
class LibraryExampleTest {

    private static final String MARKER = "<!-- library-example:";

    @TempDir
    Path dir;

    static String example() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int marker = readme.indexOf(MARKER);
        assertThat(marker).as("README.md marks its library example").isNotNegative();
        int start = readme.indexOf("```java\n", marker) + "```java\n".length();
        return readme.substring(start, readme.indexOf("```\n", start));
    }

    private String run(Path program) throws Exception {
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), program.toString())
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void theReadmesExampleRunsAndPrintsWhatTheReadmeSays() throws Exception {
        Path program = Files.writeString(dir.resolve("Example.java"), example());
        assertThat(run(program)).contains("hello, world 1\n", "[greeting, session, visits] true\n", "3 hits, hit rate 1.0\n");
        assertThat(dir.resolve("data/l2")).isDirectory();
        assertThat(run(program)).as("a second run finds the items on disk; add does not reset the count")
                .contains("hello, world 2\n", "[greeting, session, visits] true\n");
    }
}
