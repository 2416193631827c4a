package org.ratmemcache.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ratmemcache.testing.RunningServer;

/**
 * Real Redis clients, unchanged, running an application's cache operations against the RESP
 * port: Debian's python3-redis 4.3.4 (RESP2), redis-cli and redis-benchmark (redis-tools). A
 * missing client fails the test, naming the package to install (.ci/run installs them).
 */
class RealRedisClientsTest {

    private RunningServer server;

    @BeforeEach
    void start() {
        server = RunningServer.start(RunningServer.withResp());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void debiansPythonRedis() throws Exception {
        Result result = run(List.of(tool("/usr/bin/python3", "python3"), "-c", pythonScript("4."), Integer.toString(server.respPort())));
        assertThat(result.output()).as("python3-redis (apt-get install python3-redis)").isEqualTo("ok\n");
    }

    /** redis-py 8, which says HELLO 3 and does not fall back to RESP2: from a virtual environment .ci/run makes. */
    @Test
    void redisPy8OverResp3() throws Exception {
        String python = System.getenv().getOrDefault("REDIS_PY8_PYTHON", "target/redis-py8/bin/python");
        assertThat(Path.of(python)).as("a Python with redis-py 8: python3 -m venv target/redis-py8 && target/redis-py8/bin/pip install "
                + "'redis>=8' (.ci/run makes one and sets REDIS_PY8_PYTHON)").isExecutable();
        Result result = run(List.of(python, "-c", pythonScript("8.") + "\nassert 'resp=3' in str(r.client_info()) or r.client_info()['resp'] == '3'",
                Integer.toString(server.respPort())));
        assertThat(result.output()).isEqualTo("ok\n");
    }

    /** An application's cache operations in redis-py of version {@code major}, printing ok when every one answered as it should. */
    private static String pythonScript(String major) {
        return String.join("\n",
                "import sys, redis",
                "assert redis.__version__.startswith('" + major + "'), redis.__version__",
                "r = redis.Redis.from_url('redis://127.0.0.1:%s/1' % sys.argv[1], decode_responses=True)",
                "r.set('session:1', 'alice', ex=60)",
                "assert r.get('session:1') == 'alice'",
                "assert r.ttl('session:1') == 60",
                "r.mset({'a': '1', 'b': '2'})",
                "assert r.mget('a', 'b', 'missing') == ['1', '2', None]",
                "assert r.incr('counter') == 1 and r.incr('counter', 5) == 6",
                "assert r.delete('a', 'b') == 2",
                "assert sorted(r.scan_iter(match='*')) == ['counter', 'session:1']",
                "with r.pipeline() as pipe:",
                "    pipe.set('p', '1').incr('p').get('p')",
                "    assert pipe.execute() == [True, 2, '2']",
                "def bump(pipe):",
                "    value = int(pipe.get('counter'))",
                "    pipe.multi()",
                "    pipe.set('counter', value + 1)",
                "r.transaction(bump, 'counter')",
                "assert r.get('counter') == '7'",
                "assert r.dbsize() == 3",
                "assert redis.Redis.from_url('redis://127.0.0.1:%s/0' % sys.argv[1]).dbsize() == 0",
                "print('ok')");
    }

    @Test
    void redisCli() throws Exception {
        String cli = tool("/usr/bin/redis-cli", "redis-tools");
        String port = Integer.toString(server.respPort());
        assertThat(run(List.of(cli, "-p", port, "-n", "2", "set", "greeting", "hello", "EX", "60")).output()).isEqualTo("OK\n");
        assertThat(run(List.of(cli, "-p", port, "-n", "2", "get", "greeting")).output()).isEqualTo("hello\n");
        assertThat(run(List.of(cli, "-p", port, "-n", "2", "incrby", "visits", "3")).output()).isEqualTo("3\n");
        assertThat(run(List.of(cli, "-p", port, "-n", "2", "--scan", "--pattern", "gree*")).output()).isEqualTo("greeting\n");
        assertThat(run(List.of(cli, "-p", port, "-3", "hello")).exit()).as("RESP3").isZero();
        assertThat(run(List.of(cli, "-p", port, "get", "greeting")).output()).as("database 0").isEqualTo("\n");
    }

    @Test
    void redisBenchmark() throws Exception {
        Result result = run(List.of(tool("/usr/bin/redis-benchmark", "redis-tools"), "-p", Integer.toString(server.respPort()),
                "-t", "ping,set,get,incr,mset", "-n", "2000", "-c", "10", "-r", "1000", "-d", "100", "-q"));
        assertThat(result.exit()).isZero();
        for (String test : new String[] {"PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "MSET"}) {
            assertThat(result.output()).containsPattern("(?m)^\\s*" + test + "[^:]*: [0-9.]+ requests per second");
        }
        assertThat(result.output()).doesNotContainIgnoringCase("error");
    }

    private static String tool(String path, String debianPackage) {
        assertThat(Path.of(path)).as("%s is missing: apt-get install %s (.ci/run does)", path, debianPackage).isExecutable();
        return path;
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        return new Result(process.exitValue(), output.replaceAll("\r", "\n").replaceAll("(?m)^.*rps=.*$\n?", ""));
    }
}
