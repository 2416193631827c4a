package org.ratmemcache.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.ratmemcache.core.engine.TieredCacheBuilder;
import org.ratmemcache.core.memory.Eviction;
import org.ratmemcache.core.memory.EvictorThread;
import org.ratmemcache.testing.MemcachedProcess;
import org.ratmemcache.testing.Reads;
import org.ratmemcache.testing.RunningServer;
import org.ratmemcache.testing.Transcript;
import org.ratmemcache.testing.TranscriptPlayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Differential test: the same request bytes to Debian's memcached and to this server must give
 * the same reply bytes, masking only what must differ (version, CAS, times, statistics values,
 * connection ids). A subclass names a transcript and its protocol; every transcript is played
 * against a memory-only server and against servers whose tiny L1 pushes items to RocksDB, under
 * each eviction policy (with a 3-entry L1, the policy decides which commands take the disk paths).
 */
abstract class DifferentialTest {

    /** memcached's replies, per transcript, played once per test run. */
    private static final Map<String, List<List<String>>> REFERENCES = new ConcurrentHashMap<>();

    private final String resource;
    private final Transcript transcript;
    private final IntFunction<TranscriptPlayer> players;

    @TempDir
    Path dataDir;

    DifferentialTest(String resource, IntFunction<TranscriptPlayer> players) {
        this.resource = resource;
        this.transcript = Transcript.load(resource);
        this.players = players;
    }

    @ParameterizedTest
    @EnumSource(Eviction.class)
    void inMemory(Eviction eviction) {
        assertSameReplies(RunningServer.start(cache -> cache.eviction(eviction)), true, () -> { });
    }

    /**
     * A 3-entry L1 over RocksDB: many commands find their key on disk only. Which ones depends on
     * which items L1 keeps, so L1 evicts only between steps, on the test's thread: were the
     * evictor to run on its own, an item read in the same step as a write could stay or go
     * depending on the scheduler (under lfu, a loaded machine saw no read reach the disk). In
     * write-back, a key L1 evicted is on disk only once the writer has written it (until then its
     * queued change answers), so each step also waits for the queue. Reads from the queue are
     * covered by the engine's own tests.
     */
    @ParameterizedTest
    @EnumSource(Eviction.class)
    void overDiskWithWriteBack(Eviction eviction) {
        RunningServer server = RunningServer.startWithDisk(dataDir, 3, false, evictingBetweenSteps(eviction));
        assertSameReplies(server, false, () -> awaitWithinThreeItems(server, true));
        assertThat(server.cache().view().stats().l2Hits.sum()).as("commands answered from disk").isPositive();
    }

    @ParameterizedTest
    @EnumSource(Eviction.class)
    void overDiskWithWriteThrough(Eviction eviction) {
        RunningServer server = RunningServer.startWithDisk(dataDir, 3, true, evictingBetweenSteps(eviction));
        assertSameReplies(server, false, () -> awaitWithinThreeItems(server, false));
        assertThat(server.cache().view().stats().l2Hits.sum()).as("commands answered from disk").isPositive();
    }

    private static UnaryOperator<TieredCacheBuilder> evictingBetweenSteps(Eviction eviction) {
        return cache -> cache.eviction(eviction).evictorThread(EvictorThread.CALLER);
    }

    /** Evicts until L1 holds at most three items (a connection still in its last batch holds it back a moment). */
    private static void awaitWithinThreeItems(RunningServer server, boolean andWritten) {
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
            server.cache().memory().evictNow();
            return server.cache().memory().items() <= 3 && (!andWritten || Reads.writeBackQueue(server.cache().view()) == 0);
        });
    }

    private List<List<String>> reference() {
        return REFERENCES.computeIfAbsent(resource, name -> {
            try (MemcachedProcess memcached = MemcachedProcess.start();
                    TranscriptPlayer player = players.apply(memcached.port())) {
                List<List<String>> replies = player.play(transcript);
                record(replies);
                return replies;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Keeps memcached's replies, step by step, in target/differential/, for whoever edits a transcript. */
    private void record(List<List<String>> replies) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < replies.size(); i++) {
            text.append("> ").append(transcript.steps().get(i).source()).append('\n');
            replies.get(i).forEach(reply -> text.append("  ").append(reply).append('\n'));
        }
        Path file = Path.of("target", "differential", Path.of(resource).getFileName() + ".memcached.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** {@code inMemory}: every item lives in memory, so {@code @memory} steps are compared too. */
    private void assertSameReplies(RunningServer running, boolean inMemory, Runnable beforeEachStep) {
        List<List<String>> reference = reference();
        List<List<String>> ours;
        try (RunningServer server = running; TranscriptPlayer player = players.apply(server.port())) {
            ours = player.play(transcript, beforeEachStep);
        }
        SoftAssertions softly = new SoftAssertions();
        for (int i = 0; i < transcript.steps().size(); i++) {
            Transcript.Step step = transcript.steps().get(i);
            String where = resource + ":" + step.lineNumber() + ": " + step.source();
            if (step.memoryOnly() && !inMemory) {
                continue;
            }
            if (step.differs() != null) {
                softly.assertThat(ours.get(i)).as("%s (intended: %s)", where, step.differs()).isEqualTo(step.intended());
                softly.assertThat(reference.get(i)).as("%s: memcached still differs (%s)", where, step.differs())
                        .isNotEqualTo(step.intended());
                continue;
            }
            switch (step.stats()) {
                case SAME -> softly.assertThat(ours.get(i)).as(where).isEqualTo(reference.get(i));
                case SUBSET -> {
                    List<String> theirs = statNames(reference.get(i));
                    List<String> names = statNames(ours.get(i));
                    int shared = 0;
                    while (shared < names.size() && theirs.contains(names.get(shared))) {
                        shared++;
                    }
                    softly.assertThat(theirs).as(where).containsSubsequence(names.subList(0, shared));
                    softly.assertThat(names.subList(shared, names.size())).as("%s: our own, after memcached's", where)
                            .noneMatch(theirs::contains);
                }
                case EXTENDED -> softly.assertThat(statNames(ours.get(i))).as(where).startsWith(statNames(reference.get(i)).toArray(String[]::new));
            }
            if (step.stats() != Transcript.Stats.SAME) {
                softly.assertThat(otherLines(ours.get(i))).as(where).isEqualTo(otherLines(reference.get(i)));
            }
        }
        softly.assertAll();
    }

    private static List<String> statNames(List<String> replies) {
        return replies.stream().filter(line -> line.startsWith("STAT ")).toList();
    }

    private static List<String> otherLines(List<String> replies) {
        List<String> others = new ArrayList<>(replies);
        others.removeIf(line -> line.startsWith("STAT "));
        return others;
    }
}
