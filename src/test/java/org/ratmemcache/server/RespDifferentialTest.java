package org.ratmemcache.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.memory.EvictorThread;
import org.ratmemcache.testing.DiskStores;
import org.ratmemcache.testing.Reads;
import org.ratmemcache.testing.RedisProcess;
import org.ratmemcache.testing.RespClient;
import org.ratmemcache.testing.RespTranscript;
import org.ratmemcache.testing.RunningServer;

/**
 * Redis's protocol, byte for byte against Debian's redis-server 7.0.15: every step of
 * {@code resp.transcript} gets the same reply bytes from both, in RESP2 and in RESP3, unless the
 * transcript marks why not. Played against a memory-only server and against one whose 3-entry L1
 * pushes items to the log on disk, so that commands take the paths that read the disk first.
 */
class RespDifferentialTest {

    private static final String RESOURCE = "/differential/resp.transcript";
    private static final RespTranscript TRANSCRIPT = RespTranscript.load(RESOURCE);
    private static final Map<Version, List<List<String>>> REFERENCES = new ConcurrentHashMap<>();
    private static final Pattern INTEGER = Pattern.compile(":(-?\\d+)\r\n");

    enum Version {
        RESP2(List.of()),
        RESP3(List.of("HELLO", "3"));

        final List<String> hello;

        Version(List<String> hello) {
            this.hello = hello;
        }
    }

    @TempDir
    Path dataDir;

    @ParameterizedTest
    @EnumSource(Version.class)
    void inMemory(Version version) {
        assertSameReplies(version, RunningServer.start(RunningServer.withResp()), () -> { });
    }

    @ParameterizedTest
    @EnumSource(Version.class)
    void overDisk(Version version) throws DiskTierException {
        org.ratmemcache.core.disk.DiskTier disk = DiskStores.LOG.open(dataDir, false);
        RunningServer server = RunningServer.start(cache -> cache.maxEntries(3).evictorThread(EvictorThread.CALLER)
                .disk(disk).writeBackLimits(100_000, 64L << 20, Duration.ofMillis(1)), RunningServer.withResp());
        assertSameReplies(version, server, () -> await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
            server.cache().memory().evictNow();
            return server.cache().memory().items() <= 3 && Reads.writeBackQueue(server.cache().view()) == 0;
        }));
        assertThat(server.cache().view().stats().l2Hits.sum()).as("commands answered from disk").isPositive();
    }

    private static List<List<String>> reference(Version version) {
        return REFERENCES.computeIfAbsent(version, v -> {
            try (RedisProcess redis = RedisProcess.start()) {
                List<List<String>> replies = TRANSCRIPT.play(RespClient::new, redis.port(), v.hello, () -> { });
                record(v, replies);
                return replies;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Keeps redis-server's replies in target/differential/, for whoever edits the transcript. */
    private static void record(Version version, List<List<String>> replies) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < replies.size(); i++) {
            text.append(TRANSCRIPT.steps().get(i).source()).append('\n');
            replies.get(i).forEach(reply -> text.append("  ").append(printable(reply)).append('\n'));
        }
        Path file = Path.of("target", "differential", "resp.transcript." + version.name().toLowerCase() + ".txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static String printable(String reply) {
        return reply.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n");
    }

    private static void assertSameReplies(Version version, RunningServer running, Runnable beforeEachStep) {
        List<List<String>> reference = reference(version);
        List<List<String>> ours;
        try (RunningServer server = running) {
            ours = TRANSCRIPT.play(RespClient::new, server.respPort(), version.hello, beforeEachStep);
        }
        SoftAssertions softly = new SoftAssertions();
        for (int i = 0; i < TRANSCRIPT.steps().size(); i++) {
            RespTranscript.Step step = TRANSCRIPT.steps().get(i);
            String where = RESOURCE + ":" + step.lineNumber() + ": " + step.source() + " (" + version + ")";
            if (step.ignored() != null) {
                continue;
            }
            if (step.differs() != null) {
                softly.assertThat(ours.get(i)).as("%s (intended: %s)", where, step.differs()).isEqualTo(step.intended());
                softly.assertThat(reference.get(i)).as("%s: redis-server still differs (%s)", where, step.differs())
                        .isNotEqualTo(step.intended());
                continue;
            }
            if (step.near() > 0) {
                softly.assertThat(withoutIntegers(ours.get(i))).as(where).isEqualTo(withoutIntegers(reference.get(i)));
                List<Long> mine = integers(ours.get(i));
                List<Long> theirs = integers(reference.get(i));
                softly.assertThat(mine).as(where).hasSameSizeAs(theirs);
                for (int j = 0; j < Math.min(mine.size(), theirs.size()); j++) {
                    softly.assertThat(mine.get(j)).as(where).isCloseTo(theirs.get(j), org.assertj.core.data.Offset.offset(step.near()));
                }
                continue;
            }
            softly.assertThat(printable(ours.get(i))).as(where).isEqualTo(printable(reference.get(i)));
        }
        softly.assertAll();
    }

    private static List<String> withoutIntegers(List<String> replies) {
        return replies.stream().map(reply -> INTEGER.matcher(reply).replaceAll(":N\r\n")).toList();
    }

    private static List<Long> integers(List<String> replies) {
        List<Long> numbers = new ArrayList<>();
        for (String reply : replies) {
            Matcher matcher = INTEGER.matcher(reply);
            while (matcher.find()) {
                numbers.add(Long.parseLong(matcher.group(1)));
            }
        }
        return numbers;
    }

    private static String printable(List<String> replies) {
        return String.join("\n", replies.stream().map(RespDifferentialTest::printable).toList());
    }
}
