package org.ratmemcache.service;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.annotations.RegisterForReflection;

import org.junit.jupiter.api.Test;
import org.ratmemcache.config.LaunchFlags;
import org.ratmemcache.console.ConsoleResource;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

import picocli.CommandLine.Option;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a native image needs and no JVM test would notice is missing, checked offline (no GraalVM
 * runs on the build machines): the reflection configuration picocli's processor writes for the
 * command line, the JNI and resource configuration of RocksJava, and the classes initialised when
 * the image starts, and the console's templates and the records they read. (ValueCompressionTest and TransportChoiceTest pin the codec and the transport
 * the code picks inside an image.)
 */
class NativeConfigurationTest {

    private static final String CORE = "META-INF/native-image/org.ratmemcache/rat-memcache-core/";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyCommandLineOptionIsRegisteredForReflection() throws IOException {
        JsonNode config = json("META-INF/native-image/picocli-generated/org.ratmemcache/rat-memcache/reflect-config.json");
        JsonNode flags = null;
        for (JsonNode type : config) {
            if (type.get("name").asText().equals(LaunchFlags.class.getName())) {
                flags = type;
            }
        }
        assertThat(flags).as("LaunchFlags in picocli's generated configuration").isNotNull();
        List<String> registered = flags.get("fields").findValuesAsText("name");
        List<String> options = Arrays.stream(LaunchFlags.class.getDeclaredFields())
                .filter(field -> field.isAnnotationPresent(Option.class)).map(Field::getName).toList();
        assertThat(options).isNotEmpty();
        assertThat(registered).containsAll(options);
    }

    @Test
    void aNativeImageHoldsTheConsolesTemplatesAndRendersTheirRecords() throws Exception {
        Properties application = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("application.properties")) {
            application.load(in);
        }
        assertThat(application.getProperty("quarkus.native.resources.includes")).isEqualTo("console-templates/**");
        try (var templates = Files.list(Path.of("src/main/resources/console-templates"))) {
            assertThat(templates.map(path -> path.getFileName().toString())).contains("layout.html", "dashboard.html")
                    .allMatch(name -> name.endsWith(".html"));
        }
        // the templates read these records by reflection (Qute's ReflectionValueResolver)
        for (Class<?> record : ConsoleResource.class.getDeclaredClasses()) {
            if (record.isRecord()) {
                assertThat(record.isAnnotationPresent(RegisterForReflection.class)).as(record.getName())
                        .isTrue();
            }
        }
    }

    @Test
    void rocksJavasNativeCodeFindsWhatItCreates() throws Exception {
        List<String> jni = json(CORE + "jni-config.json").findValuesAsText("name");
        assertThat(jni).containsExactlyInAnyOrder(RocksDBException.class.getName(), Status.class.getName());
        // the constructors RocksJava's JNI code calls; a RocksJava that changes them needs this file reviewed
        assertThat(RocksDBException.class.getDeclaredConstructor(String.class, Status.class)).isNotNull();
        assertThat(Status.class.getDeclaredConstructor(byte.class, byte.class, String.class)).isNotNull();

        List<String> patterns = json(CORE + "resource-config.json").findValuesAsText("pattern");
        assertThat(patterns).hasSize(2);
        for (String pattern : patterns) {
            String library = pattern.replace("\\Q", "").replace("\\E", "");
            assertThat(Pattern.matches(pattern, library)).isTrue();
            assertThat(RocksDBException.class.getClassLoader().getResource(library)).as("%s in RocksJava's jar", library).isNotNull();
        }

        Properties properties = new Properties();
        try (InputStream in = resource(CORE + "native-image.properties")) {
            properties.load(in);
        }
        assertThat(properties.getProperty("Args")).contains("--initialize-at-run-time=org.rocksdb,org.ratmemcache.storage.rocksdb");
    }

    private static JsonNode json(String name) throws IOException {
        try (InputStream in = resource(name)) {
            return JSON.readTree(in);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = NativeConfigurationTest.class.getClassLoader().getResourceAsStream(name);
        assertThat(in).as("%s on the class path", name).isNotNull();
        return in;
    }
}
