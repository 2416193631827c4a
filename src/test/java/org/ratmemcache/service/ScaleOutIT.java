package org.ratmemcache.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratmemcache.testing.LaunchedServer;
import org.ratmemcache.testing.Ports;
import org.ratmemcache.testing.TextClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Scale-out as memcached users do it: three packaged servers on loopback behind twemproxy
 * (Debian's nutcracker) with ketama hashing. The keys spread over all three; a stopped node loses
 * only its share; a node restarted on its data directory brings its share back from L2. With
 * ejection off, its share fails while it is down and comes back current. With ejection on, the
 * other nodes take its keys meanwhile, so a node that rejoins with its old data serves values
 * that were overwritten elsewhere, unless it starts empty (l2.clear-on-startup), as the README
 * tells operators.
 */
class ScaleOutIT {

    private static final Path LAUNCHER = Path.of("target", "bin", "ratmemcache");
    private static final Path NUTCRACKER = Path.of("/usr/sbin/nutcracker");
    private static final int KEYS = 300;

    @TempDir
    Path dir;

    private final int[] ports = new int[3];
    private final LaunchedServer[] nodes = new LaunchedServer[3];
    private final List<Process> proxies = new ArrayList<>();
    /** Which node holds each key, found by asking each node directly. */
    private final Map<String, Integer> owner = new LinkedHashMap<>();

    @BeforeEach
    void startNodes() throws IOException {
        assumeThat(NUTCRACKER).as("twemproxy (apt-get install nutcracker)").isExecutable();
        for (int node = 0; node < 3; node++) {
            ports[node] = Ports.free();
            Files.createDirectories(dir.resolve("node" + node));
            nodes[node] = startNode(node, Map.of());
        }
        for (int node = 0; node < 3; node++) {
            nodes[node].awaitServing(ports[node]);
        }
    }

    @AfterEach
    void stopAll() {
        proxies.forEach(Process::destroyForcibly);
        for (LaunchedServer node : nodes) {
            if (node != null) {
                node.close();
            }
        }
    }

    @Test
    void withoutEjectionAStoppedNodesShareFailsAndComesBackCurrentFromItsDisk() throws Exception {
        int proxy = startProxy(false);
        storeThroughProxyAndFindOwners(proxy);

        nodes[1].stop();
        String other = keyOf(0);
        try (TextClient client = new TextClient(proxy)) {
            for (Map.Entry<String, Integer> key : owner.entrySet()) {
                String reply = get(client, key.getKey());
                if (key.getValue() == 1) {
                    assertThat(reply).as("a key of the stopped node").startsWith("SERVER_ERROR");
                } else {
                    assertThat(reply).as("a key of a running node").isEqualTo(value(key.getKey(), "v1"));
                }
            }
            client.send(set(other, "v2")).expect("STORED\r\n");
        }

        nodes[1] = startNode(1, Map.of()).awaitServing(ports[1]);
        try (TextClient client = new TextClient(proxy)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> get(client, keyOf(1)).startsWith("VALUE"));
            for (String key : owner.keySet()) {
                assertThat(get(client, key)).as("after the restart, from the node's disk or the others")
                        .isEqualTo(value(key, key.equals(other) ? "v2" : "v1"));
            }
        }
        assertThat(count(ports[1], "v1")).as("the restarted node's share, from L2").isEqualTo(share(1));
    }

    @Test
    void withEjectionTheOthersTakeTheShareAndARejoiningNodeMustStartEmpty() throws Exception {
        int proxy = startProxy(true);
        storeThroughProxyAndFindOwners(proxy);
        List<String> moved = owner.entrySet().stream().filter(key -> key.getValue() == 1).map(Map.Entry::getKey).toList();

        nodes[1].stop();
        try (TextClient client = new TextClient(proxy)) {
            // once ejected, node 1's keys hash to the others: misses, which a cache-aside client refills
            await().atMost(Duration.ofSeconds(30)).until(() -> get(client, moved.getFirst()).equals("END\r\n"));
            for (String key : moved) {
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    client.send(set(key, "v2"));
                    return client.readLine().equals("STORED");
                });
            }
        }

        // Rejoining with its old data: once the proxy takes it back, its share is the old values
        nodes[1] = startNode(1, Map.of()).awaitServing(ports[1]);
        try (TextClient client = new TextClient(proxy)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> get(client, moved.getFirst()).equals(value(moved.getFirst(), "v1")));
        }

        // Rejoining empty, as the README says to: misses (then refills), never a value overwritten meanwhile
        nodes[1].stop();
        try (TextClient client = new TextClient(proxy)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> get(client, moved.getFirst()).equals(value(moved.getFirst(), "v2")));
        }
        nodes[1] = startNode(1, Map.of("RATMEMCACHE_L2_CLEAR_ON_STARTUP", "true")).awaitServing(ports[1]);
        try (TextClient client = new TextClient(proxy)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                List<String> replies = moved.stream().map(key -> get(client, key)).toList();
                assertThat(replies).as("no value written before node 1 left").noneMatch(reply -> reply.contains("v1-"));
                return replies.stream().allMatch(reply -> reply.equals("END\r\n"));
            });
        }
    }

    private LaunchedServer startNode(int node, Map<String, String> environment) {
        Path home = dir.resolve("node" + node);
        Map<String, String> settings = new HashMap<>(environment);
        settings.put("JAVA_OPTS", "-Dquarkus.http.port=0 -Dquarkus.management.port=0 -Dratmemcache.l2.data-dir=" + home.resolve("l2"));
        return LaunchedServer.start(LAUNCHER, home, settings, "-p", Integer.toString(ports[node]), "-l", "127.0.0.1", "-m", "32");
    }

    /** nutcracker in front of the three nodes, ketama over fnv1a_64 as twemproxy's documentation suggests. */
    private int startProxy(boolean ejectHosts) throws Exception {
        int port = Ports.free();
        Path config = dir.resolve("nutcracker-" + port + ".yml");
        Files.writeString(config, """
                ratmemcache:
                  listen: 127.0.0.1:%d
                  hash: fnv1a_64
                  distribution: ketama
                  timeout: 2000
                  auto_eject_hosts: %s
                  server_retry_timeout: 500
                  server_failure_limit: 1
                  servers:
                """.formatted(port, ejectHosts) + java.util.stream.IntStream.range(0, 3)
                .mapToObj(node -> "   - 127.0.0.1:" + ports[node] + ":1 node" + node + "\n").collect(Collectors.joining()));
        Process proxy = new ProcessBuilder(NUTCRACKER.toString(), "-c", config.toString(), "-s", Integer.toString(Ports.free()),
                "-o", dir.resolve("nutcracker-" + port + ".log").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("nutcracker-" + port + ".out").toFile()).start();
        proxies.add(proxy);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            assertThat(proxy.isAlive()).as("nutcracker exited: %s", Files.readString(dir.resolve("nutcracker-" + port + ".out"))).isTrue();
            return Ports.accepts(port);
        });
        return port;
    }

    private void storeThroughProxyAndFindOwners(int proxy) {
        try (TextClient client = new TextClient(proxy)) {
            StringBuilder sets = new StringBuilder();
            for (int i = 0; i < KEYS; i++) {
                sets.append(set("spread-%03d".formatted(i), "v1"));
            }
            client.send(sets.toString()).expect("STORED\r\n".repeat(KEYS));
        }
        for (int node = 0; node < 3; node++) {
            try (TextClient direct = new TextClient(ports[node])) {
                for (int i = 0; i < KEYS; i++) {
                    String key = "spread-%03d".formatted(i);
                    if (get(direct, key).startsWith("VALUE")) {
                        assertThat(owner.put(key, node)).as("%s on one node only", key).isNull();
                    }
                }
            }
        }
        assertThat(owner).as("every key on a node").hasSize(KEYS);
        for (int node = 0; node < 3; node++) {
            // ketama over three names gives far from equal shares (one node had 20 of 300 here), but each has some
            assertThat(share(node)).as("node %d's share of %d keys", node, KEYS).isPositive();
        }
        try (TextClient client = new TextClient(proxy)) {
            owner.keySet().forEach(key -> assertThat(get(client, key)).isEqualTo(value(key, "v1")));
        }
    }

    private long share(int node) {
        return owner.values().stream().filter(holder -> holder == node).count();
    }

    private String keyOf(int node) {
        return owner.entrySet().stream().filter(key -> key.getValue() == node).findFirst().orElseThrow().getKey();
    }

    /** How many of the node's own keys it holds, asked directly, with the given version of the value. */
    private long count(int port, String version) {
        try (TextClient direct = new TextClient(port)) {
            return owner.keySet().stream().filter(key -> get(direct, key).equals(value(key, version))).count();
        }
    }

    private static String set(String key, String version) {
        String data = version + "-" + key;
        return "set " + key + " 0 0 " + data.length() + "\r\n" + data + "\r\n";
    }

    private static String value(String key, String version) {
        String data = version + "-" + key;
        return "VALUE " + key + " 0 " + data.length() + "\r\n" + data + "\r\nEND\r\n";
    }

    /** One get's whole reply: a hit with its END, END alone, or an error line. */
    private static String get(TextClient client, String key) {
        client.send("get " + key + "\r\n");
        String line = client.readLine() + "\r\n";
        if (!line.startsWith("VALUE")) {
            return line;
        }
        return line + client.readLine() + "\r\n" + client.readLine() + "\r\n";
    }
}
