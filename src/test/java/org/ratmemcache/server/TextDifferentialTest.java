package org.ratmemcache.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratmemcache.testing.MemcachedProcess;
import org.ratmemcache.testing.RunningServer;
import org.ratmemcache.testing.Transcript;
import org.ratmemcache.testing.TranscriptPlayer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential test: the same request bytes to Debian's memcached and to this server must give
 * the same reply bytes, masking only what must differ (version, CAS, statistics values,
 * connection ids). The script covers every text command, its noreply form and its errors, and is
 * played against a memory-only server and against servers whose tiny L1 pushes items to RocksDB.
 */
class TextDifferentialTest {

    private static final Transcript TRANSCRIPT = Transcript.load("/differential/text.transcript");
    private static List<List<String>> reference;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void playAgainstMemcached() throws Exception {
        try (MemcachedProcess memcached = MemcachedProcess.start();
                TranscriptPlayer player = new TranscriptPlayer(memcached.port())) {
            reference = player.play(TRANSCRIPT);
        }
    }

    @Test
    void inMemory() {
        assertSameReplies(RunningServer.start());
    }

    /** A 3-entry L1 over RocksDB: many commands find their key on disk only. */
    @Test
    void overDiskWithWriteBack() {
        RunningServer server = RunningServer.startWithDisk(dataDir, 3, false);
        assertSameReplies(server);
        assertThat(server.cache().stats().l2Hits.sum()).as("commands answered from disk").isPositive();
    }

    @Test
    void overDiskWithWriteThrough() {
        RunningServer server = RunningServer.startWithDisk(dataDir, 3, true);
        assertSameReplies(server);
        assertThat(server.cache().stats().l2Hits.sum()).as("commands answered from disk").isPositive();
    }

    private void assertSameReplies(RunningServer running) {
        Transcript transcript = TRANSCRIPT;
        List<List<String>> ours;
        try (RunningServer server = running; TranscriptPlayer player = new TranscriptPlayer(server.port())) {
            ours = player.play(transcript);
        }

        SoftAssertions softly = new SoftAssertions();
        for (int i = 0; i < transcript.steps().size(); i++) {
            Transcript.Step step = transcript.steps().get(i);
            String where = "line " + step.lineNumber() + ": " + step.source();
            switch (step.stats()) {
                case SAME -> softly.assertThat(ours.get(i)).as(where).isEqualTo(reference.get(i));
                case SUBSET -> softly.assertThat(statNames(reference.get(i))).as(where).containsSubsequence(statNames(ours.get(i)));
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
