package org.ratmemcache.core;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core artifact as a library user gets it: rat-memcache-core's jar, and the dependencies its
 * POM declares as Maven resolves them, and nothing else on the class path (no Quarkus, CDI or
 * Netty). The README's library example is compiled against it and run; a memory-only program runs
 * without RocksDB.
 */
class CoreArtifactIT {

    private static final Path CORE_JAR = Path.of(System.getProperty("core.jar", "target/core.jar"));
    private static final Path CORE_POM = Path.of(System.getProperty("core.pom", "target/core/pom.xml"));
    /** What the core's POM brings, resolved by Maven. */
    private static List<Path> dependencies;

    @TempDir
    Path dir;

    @BeforeAll
    static void resolveTheCoresDependencies(@TempDir Path scratch) throws Exception {
        assertThat(CORE_JAR).as("the core artifact, built by ./mvnw package").isRegularFile();
        Path classpath = scratch.resolve("classpath.txt");
        Path mvn = Path.of(System.getProperty("maven.home"), "bin", "mvn");
        String output = run(scratch, List.of(mvn.toString(), "-q", "-B", "-f", CORE_POM.toString(),
                "org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath",
                "-Dmdep.includeScope=runtime", "-Dmdep.outputFile=" + classpath));
        dependencies = Arrays.stream(Files.readString(classpath).strip().split(File.pathSeparator)).map(Path::of).toList();
        assertThat(dependencies).as(output).isNotEmpty();
    }

    @Test
    void itsOnlyDependenciesAreLz4AndRocksDb() {
        assertThat(dependencies).extracting(jar -> jar.getFileName().toString())
                .hasSize(2)
                .anyMatch(name -> name.startsWith("lz4-java-"))
                .anyMatch(name -> name.startsWith("rocksdbjni-"));
    }

    @Test
    void theJarHoldsTheCoreAndItsDiskTierOnly() throws Exception {
        try (var jar = new java.util.jar.JarFile(CORE_JAR.toFile())) {
            List<String> classes = jar.stream().map(java.util.jar.JarEntry::getName).filter(name -> name.endsWith(".class")).toList();
            assertThat(classes).isNotEmpty()
                    .allMatch(name -> name.startsWith("org/ratmemcache/core/") || name.startsWith("org/ratmemcache/storage/"));
            assertThat(jar.getEntry("META-INF/services/org.ratmemcache.core.disk.DiskTierProvider")).isNotNull();
        }
    }

    @Test
    void theReadmesExampleRunsAgainstTheCoreArtifactAlone() throws Exception {
        String classpath = classpath(dependencies);
        Path program = compile("Example", LibraryExampleTest.example(), classpath);
        assertThat(run(dir, java(program, classpath, "Example")))
                .contains("hello, world 1\n", "[greeting, session, visits] true\n", "3 hits, hit rate 1.0\n");
    }

    @Test
    void neitherAMemoryOnlyCacheNorTheLogStoreNeedsRocksDb() throws Exception {
        String classpath = classpath(dependencies.stream().filter(jar -> !jar.getFileName().toString().startsWith("rocksdbjni")).toList());
        Path program = compile("MemoryOnly", """
                import java.nio.file.Path;
                import org.ratmemcache.core.RatMemCache;

                public class MemoryOnly {
                    public static void main(String[] args) {
                        try (RatMemCache cache = RatMemCache.builder().l1(1 << 20).build()) {
                            cache.set("k", "v".getBytes());
                            System.out.println(new String(cache.get("k")) + " " + cache.containsKey("k"));
                        }
                        try (RatMemCache cache = RatMemCache.builder().l2(Path.of("l2")).build()) {
                            cache.set("on disk", "d".getBytes());
                        }
                        try (RatMemCache cache = RatMemCache.builder().l2(Path.of("l2")).build()) {
                            System.out.println("an L2 without RocksDB: " + new String(cache.get("on disk")));
                        }
                    }
                }
                """, classpath);
        assertThat(run(dir, java(program, classpath, "MemoryOnly")))
                .contains("v true\n", "an L2 without RocksDB: d\n");
    }

    /** The core jar and {@code jars}, as a class path. */
    private static String classpath(List<Path> jars) {
        return Stream.concat(Stream.of(CORE_JAR), jars.stream()).map(Path::toString).reduce((a, b) -> a + File.pathSeparator + b).orElseThrow();
    }

    /** Compiles {@code source} as class {@code name} against {@code classpath}; returns the classes' directory. */
    private Path compile(String name, String source, String classpath) throws Exception {
        Path sources = Files.createDirectories(dir.resolve("src"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path file = Files.writeString(sources.resolve(name + ".java"), source);
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, null,
                "--release", "25", "-cp", classpath, "-d", classes.toString(), file.toString());
        assertThat(status).as("javac %s against the core artifact", name).isZero();
        return classes;
    }

    private static List<String> java(Path classes, String classpath, String mainClass) {
        return List.of(ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED",
                "-cp", classes + File.pathSeparator + classpath, mainClass);
    }

    /** Runs {@code command} in {@code workDir}; returns its output once it has exited 0. */
    private static String run(Path workDir, List<String> command) throws Exception {
        Process process = new ProcessBuilder(new ArrayList<>(command)).directory(workDir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
