package org.ratmemcache.service;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.config.ConfigMappings;
import picocli.CommandLine;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ratmemcache.config.LaunchFlags;
import org.ratmemcache.config.RatMemCacheConfig;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * deploy/kubernetes and deploy/prometheus, checked offline: rendered by kustomize (every kubectl in
 * {@code KUBECTL}, a path list, else the one on the PATH; .ci/run adds Debian 12's 1.20, whose
 * kustomize v2.0.3 is the oldest the manifests promise), read into Kubernetes' own object model
 * with no field it does not know, and held against the application's real configuration: its
 * ports, its health and metrics paths (requested from this running application), its setting
 * names, its shutdown timeout and the image's volume. A renamed setting or port breaks this test.
 */
@QuarkusTest
class KubernetesManifestsTest {

    private static final Path DEPLOY = Path.of("deploy");
    /** The kinds the kustomizations hold, as fabric8's model types. */
    private static final Map<String, Class<? extends KubernetesResource>> KINDS = Map.of("ConfigMap", ConfigMap.class,
            "Secret", Secret.class, "Service", Service.class, "StatefulSet", StatefulSet.class,
            "PodDisruptionBudget", PodDisruptionBudget.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> objects;
    private static QuarkusSettings quarkus;

    @TestHTTPResource(value = "/health", management = true)
    URL management;

    @BeforeAll
    static void render() throws Exception {
        List<String> kubectls = kubectls();
        assumeThat(kubectls).as("a kubectl to render the kustomization with (KUBECTL or PATH)").isNotEmpty();
        Map<String, JsonNode> first = null;
        for (String kubectl : kubectls) {
            Map<String, JsonNode> rendered = byKindAndName(kustomize(kubectl, DEPLOY.resolve("prometheus")));
            if (first == null) {
                first = rendered;
            } else {
                assertThat(rendered).as("%s renders as %s does", kubectl, kubectls.getFirst()).isEqualTo(first);
            }
        }
        objects = List.copyOf(first.values());
        quarkus = QuarkusSettings.load();
        assertThat(byKindAndName(kustomize(kubectls.getFirst(), DEPLOY.resolve("kubernetes"))).keySet())
                .as("deploy/kubernetes is deploy/prometheus without the ServiceMonitor, which needs the Prometheus Operator")
                .containsExactlyInAnyOrderElementsOf(first.keySet().stream().filter(key -> !key.startsWith("ServiceMonitor/")).toList());
    }

    @Test
    void everyObjectHasOnlyFieldsKubernetesKnows() {
        for (JsonNode object : objects) {
            String kind = object.get("kind").asText();
            if (kind.equals("ServiceMonitor")) {
                continue; // not in Kubernetes' own model: checked field by field below
            }
            assertThat(KINDS).as("a kind this test knows").containsKey(kind);
            List<String> unknown = new ArrayList<>();
            unknownFields(JSON.convertValue(object, KINDS.get(kind)), kind + "/" + object.at("/metadata/name").asText(),
                    unknown, new IdentityHashMap<>());
            assertThat(unknown).as("fields the API server would not know").isEmpty();
        }
    }

    @Test
    void aStatefulSetOfThreeWithStableNamesAndItsOwnVolumes() {
        StatefulSet set = the(StatefulSet.class, "StatefulSet");
        assertThat(set.getSpec().getReplicas()).isEqualTo(3);
        Service headless = the(Service.class, "Service", set.getSpec().getServiceName());
        assertThat(headless.getSpec().getClusterIP()).as("the headless Service behind per-pod names").isEqualTo("None");
        Map<String, String> podLabels = set.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).as("the StatefulSet's selector").containsAllEntriesOf(set.getSpec().getSelector().getMatchLabels());
        for (JsonNode service : all("Service")) {
            assertThat(podLabels).as("Service %s's selector", service.at("/metadata/name").asText())
                    .containsAllEntriesOf(JSON.convertValue(service, Service.class).getSpec().getSelector());
        }
        assertThat(podLabels).as("the disruption budget's selector")
                .containsAllEntriesOf(the(PodDisruptionBudget.class, "PodDisruptionBudget").getSpec().getSelector().getMatchLabels());

        PodSpec pod = set.getSpec().getTemplate().getSpec();
        Set<String> volumes = new HashSet<>();
        pod.getVolumes().forEach(volume -> volumes.add(volume.getName()));
        set.getSpec().getVolumeClaimTemplates().forEach(claim -> volumes.add(claim.getMetadata().getName()));
        for (VolumeMount mount : container().getVolumeMounts()) {
            assertThat(volumes).as("the volume of mount %s", mount.getMountPath()).contains(mount.getName());
        }
        VolumeMount data = container().getVolumeMounts().stream().filter(mount -> mount.getName().equals("data")).findFirst()
                .orElseThrow();
        String dockerfile = dockerfile();
        assertThat(dockerfile).as("the image's volume").containsPattern("(?m)^VOLUME " + Pattern.quote(data.getMountPath()) + "$");
        assertThat(dockerfile).as("the image's L2 directory, in that volume")
                .containsPattern("RATMEMCACHE_L2_DATA_DIR=" + Pattern.quote(data.getMountPath()) + "/\\S+");
        assertThat(container().getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container().getVolumeMounts()).extracting(VolumeMount::getMountPath).contains("/tmp");
    }

    @Test
    void thePortsAreTheApplicationsAndTheImages() throws IOException {
        Map<String, Integer> ports = container().getPorts().stream()
                .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
        Properties shipped = shippedProperties();
        assertThat(ports).containsExactlyInAnyOrderEntriesOf(Map.of(
                "memcached", Integer.parseInt(shipped.getProperty("ratmemcache.server.port")),
                "http", Integer.parseInt(quarkus.defaultValue("quarkus.http.port")),
                "management", Integer.parseInt(shipped.getProperty("quarkus.management.port"))));
        Matcher expose = Pattern.compile("(?m)^EXPOSE (.+)$").matcher(dockerfile());
        assertThat(expose.find()).isTrue();
        assertThat(Set.of(expose.group(1).trim().split("\\s+"))).containsExactlyInAnyOrderElementsOf(
                ports.values().stream().map(String::valueOf).toList());
        for (JsonNode service : all("Service")) {
            for (ServicePort port : JSON.convertValue(service, Service.class).getSpec().getPorts()) {
                assertThat(ports).as("the container port %s of Service %s", port.getTargetPort().getStrVal(),
                        service.at("/metadata/name").asText()).containsKey(port.getTargetPort().getStrVal());
            }
        }
    }

    @Test
    void theProbesAndTheServiceMonitorAskPathsThisApplicationAnswers() {
        Container container = container();
        Map<String, Probe> probes = Map.of("started", container.getStartupProbe(), "live", container.getLivenessProbe(),
                "ready", container.getReadinessProbe());
        probes.forEach((check, probe) -> {
            HTTPGetAction get = probe.getHttpGet();
            assertThat(get.getPort().getStrVal()).as("the %s probe's port", check).isEqualTo("management");
            assertThat(get.getPath()).endsWith("/" + check);
            given().get(onManagementPort(get.getPath())).then().statusCode(200);
        });
        JsonNode monitor = the("ServiceMonitor");
        assertThat(monitor.at("/apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        JsonNode endpoint = monitor.at("/spec/endpoints/0");
        Service headless = the(Service.class, "Service", the(StatefulSet.class, "StatefulSet").getSpec().getServiceName());
        assertThat(headless.getSpec().getPorts()).as("the monitored port, on every pod's Service")
                .anyMatch(port -> port.getName().equals(endpoint.get("port").asText())
                        && port.getTargetPort().getStrVal().equals("management"));
        assertThat(JSON.convertValue(monitor.at("/spec/selector/matchLabels"), Map.class)).isEqualTo(
                headless.getMetadata().getLabels().entrySet().stream().filter(label -> label.getKey().startsWith("app.kubernetes.io/name"))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        assertThat(given().get(onManagementPort(endpoint.get("path").asText())).then().statusCode(200).extract().asString())
                .contains("memcached_current_connections");
    }

    @Test
    void everySettingIsOneTheApplicationReadsAtRunTime() throws IOException {
        Set<String> ours = ConfigMappings.getProperties(ConfigMappings.ConfigClass.configClass(RatMemCacheConfig.class)).keySet()
                .stream().map(KubernetesManifestsTest::environmentName).collect(Collectors.toSet());
        Map<String, String> settings = new TreeMap<>(the(ConfigMap.class, "ConfigMap").getData());
        for (EnvVar env : container().getEnv()) {
            settings.put(env.getName(), env.getValue());
        }
        assertThat(settings).isNotEmpty();
        for (String name : settings.keySet()) {
            if (name.startsWith("RATMEMCACHE_")) {
                assertThat(ours).as("a ratmemcache.* setting named %s", name).contains(name);
            } else {
                assertThat(quarkus.runTimePhase(name)).as("%s: a Quarkus setting read at run time", name).isEqualTo("RUN_TIME");
            }
        }
        EnvVar password = container().getEnv().stream().filter(env -> env.getName().equals("RATMEMCACHE_ADMIN_PASSWORD"))
                .findFirst().orElseThrow();
        var reference = password.getValueFrom().getSecretKeyRef();
        assertThat(the(Secret.class, "Secret", reference.getName()).getStringData()).containsKey(reference.getKey());
        assertThat(container().getEnvFrom()).allMatch(source -> source.getConfigMapRef().getName()
                .equals(the(ConfigMap.class, "ConfigMap").getMetadata().getName()));

        Duration stop = Duration.parse("PT" + shippedProperties().getProperty("quarkus.shutdown.timeout").toUpperCase(Locale.ROOT))
                .plus(Duration.parse("PT" + settings.get("QUARKUS_SHUTDOWN_DELAY").toUpperCase(Locale.ROOT)));
        assertThat(Duration.ofSeconds(the(StatefulSet.class, "StatefulSet").getSpec().getTemplate().getSpec()
                .getTerminationGracePeriodSeconds())).as("the grace period against delay + timeout").isGreaterThan(stop);

        MemorySize disk = new MemorySizeConverter().convert(settings.get("RATMEMCACHE_L2_MAX_DISK_SIZE"));
        BigDecimal claim = Quantity.getAmountInBytes(the(StatefulSet.class, "StatefulSet").getSpec().getVolumeClaimTemplates()
                .getFirst().getSpec().getResources().getRequests().get("storage"));
        assertThat(BigDecimal.valueOf(disk.asLongValue())).as("L2's bound against its volume").isLessThan(claim);
        var resources = container().getResources();
        assertThat(resources.getRequests().get("memory")).as("requests = limits: the heap is reserved up front")
                .isEqualTo(resources.getLimits().get("memory"));
    }

    @Test
    void theSecureOverlayGivesMemcachedsTlsAndSaslFlagsTheFilesItMounts() throws Exception {
        Map<String, JsonNode> first = null;
        for (String kubectl : kubectls()) {
            Map<String, JsonNode> rendered = byKindAndName(kustomize(kubectl, DEPLOY.resolve("kubernetes-secure")));
            if (first == null) {
                first = rendered;
            } else {
                assertThat(rendered).as("%s renders as the first kubectl does", kubectl).isEqualTo(first);
            }
        }
        List<String> unknown = new ArrayList<>();
        first.forEach((name, object) -> unknownFields(JSON.convertValue(object, KINDS.get(object.get("kind").asText())), name,
                unknown, new IdentityHashMap<>()));
        assertThat(unknown).as("fields the API server would not know").isEmpty();
        StatefulSet set = JSON.convertValue(first.get("StatefulSet/ratmemcache"), StatefulSet.class);
        Container container = set.getSpec().getTemplate().getSpec().getContainers().getFirst();
        LaunchFlags flags = new LaunchFlags();
        new CommandLine(flags).parseArgs(container.getArgs().toArray(String[]::new));
        Map<String, String> settings = flags.settings();
        assertThat(settings).containsEntry("ratmemcache.server.tls.enabled", "true").containsEntry("ratmemcache.server.auth.sasl", "true");
        assertThat(flags.warnings()).isEmpty();

        // every file a flag or MEMCACHED_SASL_PWDB names is a key of a Secret mounted at its directory
        List<String> files = new ArrayList<>(List.of(settings.get("ratmemcache.server.tls.certificate-chain"),
                settings.get("ratmemcache.server.tls.private-key")));
        files.add(container.getEnv().stream().filter(env -> env.getName().equals("MEMCACHED_SASL_PWDB")).findFirst()
                .orElseThrow().getValue());
        Map<String, String> mountedSecrets = new HashMap<>();
        set.getSpec().getTemplate().getSpec().getVolumes().stream().filter(volume -> volume.getSecret() != null)
                .forEach(volume -> container.getVolumeMounts().stream().filter(mount -> mount.getName().equals(volume.getName()))
                        .forEach(mount -> {
                            assertThat(mount.getReadOnly()).as("%s is mounted read-only", mount.getMountPath()).isTrue();
                            assertThat(volume.getSecret().getDefaultMode()).as("only the server's group reads %s", mount.getMountPath())
                                    .isEqualTo(0440);
                            mountedSecrets.put(mount.getMountPath(), volume.getSecret().getSecretName());
                        }));
        for (String file : files) {
            Path path = Path.of(file);
            String secret = mountedSecrets.get(path.getParent().toString());
            assertThat(secret).as("a Secret mounted at %s", path.getParent()).isNotNull();
            assertThat(JSON.convertValue(first.get("Secret/" + secret), Secret.class).getStringData())
                    .as("Secret %s's keys", secret).containsKey(path.getFileName().toString());
        }
        assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal())
                .as("the probes keep the plain management port").isEqualTo("management");
        assertThat(container.getReadinessProbe().getHttpGet().getScheme()).isNull();
    }

    private String onManagementPort(String path) {
        return "http://localhost:" + management.getPort() + path;
    }

    private static Container container() {
        List<Container> containers = the(StatefulSet.class, "StatefulSet").getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).hasSize(1);
        return containers.getFirst();
    }

    private static List<JsonNode> all(String kind) {
        return objects.stream().filter(object -> object.get("kind").asText().equals(kind)).toList();
    }

    private static JsonNode the(String kind) {
        List<JsonNode> found = all(kind);
        assertThat(found).as("one %s", kind).hasSize(1);
        return found.getFirst();
    }

    private static <T> T the(Class<T> type, String kind) {
        return JSON.convertValue(the(kind), type);
    }

    private static <T> T the(Class<T> type, String kind, String name) {
        return all(kind).stream().filter(object -> object.at("/metadata/name").asText().equals(name)).findFirst()
                .map(object -> JSON.convertValue(object, type))
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
    }

    /** Fields Jackson put aside because the model has none of that name: what the API server would reject or drop. */
    private static void unknownFields(Object value, String path, List<String> unknown, Map<Object, Boolean> seen) {
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> unknownFields(item, path + "." + key, unknown, seen));
            return;
        }
        if (!value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object field = getter.invoke(value);
                if (getter.getName().equals("getAdditionalProperties")) {
                    ((Map<?, ?>) field).keySet().forEach(key -> unknown.add(path + "." + key));
                } else {
                    unknownFields(field, path + "." + getter.getName().substring(3), unknown, seen);
                }
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(getter.toString(), e);
            }
        }
    }

    private static String environmentName(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static Map<String, JsonNode> byKindAndName(String yaml) throws IOException {
        Map<String, JsonNode> objects = new TreeMap<>();
        for (JsonNode object : new YAMLMapper().readerFor(JsonNode.class).readValues(yaml).readAll().stream()
                .map(JsonNode.class::cast).toList()) {
            if (!object.isEmpty()) {
                assertThat(objects.put(object.get("kind").asText() + "/" + object.at("/metadata/name").asText(), object))
                        .as("one object of each kind and name").isNull();
            }
        }
        return objects;
    }

    private static String kustomize(String kubectl, Path directory) throws Exception {
        Process process = new ProcessBuilder(kubectl, "kustomize", directory.toString()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s kustomize %s", kubectl, directory).isZero();
        return output;
    }

    private static List<String> kubectls() {
        String listed = System.getenv("KUBECTL");
        if (listed != null && !listed.isBlank()) {
            return List.of(listed.split(File.pathSeparator));
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String directory : path.split(File.pathSeparator)) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, "kubectl"))) {
                return List.of(Path.of(directory, "kubectl").toString());
            }
        }
        return List.of();
    }

    private static String dockerfile() {
        try {
            return Files.readString(Path.of("src/main/docker/Dockerfile.jvm"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The application.properties the jar ships, as the prod profile reads it (unprofiled keys). */
    private static Properties shippedProperties() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        return properties;
    }

    /** Quarkus' settings, from the configuration model every extension's jar carries. */
    record QuarkusSettings(Map<String, String> phaseByEnvironmentName, Map<String, String> defaultByProperty) {

        static QuarkusSettings load() throws IOException {
            Map<String, String> phases = new HashMap<>();
            Map<String, String> defaults = new HashMap<>();
            var models = KubernetesManifestsTest.class.getClassLoader().getResources("META-INF/quarkus-config-doc/quarkus-config-model.json");
            while (models.hasMoreElements()) {
                try (InputStream in = models.nextElement().openStream()) {
                    collect(JSON.readTree(in), phases, defaults);
                }
            }
            assertThat(phases).as("Quarkus' configuration models on the class path").isNotEmpty();
            return new QuarkusSettings(phases, defaults);
        }

        private static void collect(JsonNode node, Map<String, String> phases, Map<String, String> defaults) {
            JsonNode path = node.get("path");
            if (path != null && path.has("environmentVariable")) {
                phases.put(path.get("environmentVariable").asText(), node.path("phase").asText());
                if (node.has("defaultValue")) {
                    defaults.put(path.get("property").asText(), node.get("defaultValue").asText());
                }
            }
            node.forEach(child -> collect(child, phases, defaults));
        }

        String runTimePhase(String environmentName) {
            return phaseByEnvironmentName.getOrDefault(environmentName, "not a Quarkus setting");
        }

        String defaultValue(String property) {
            assertThat(defaultByProperty).containsKey(property);
            return defaultByProperty.get(property);
        }
    }
}
