package org.ratmemcache.server;

import java.util.ArrayList;
import java.util.List;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.ratmemcache.testing.MemcachedProcess;
import org.ratmemcache.testing.RunningServer;
import org.ratmemcache.testing.Transcript;
import org.ratmemcache.testing.TranscriptPlayer;

/**
 * Differential test: the same request bytes to Debian's memcached and to this server must give
 * the same reply bytes, masking only what must differ (version, CAS, statistics values,
 * connection ids). The script covers every text command, its noreply form and its errors.
 */
class TextDifferentialTest {

    @Test
    void repliesMatchMemcachedByteForByte() throws Exception {
        Transcript transcript = Transcript.load("/differential/text.transcript");
        List<List<String>> reference;
        try (MemcachedProcess memcached = MemcachedProcess.start();
                TranscriptPlayer player = new TranscriptPlayer(memcached.port())) {
            reference = player.play(transcript);
        }
        List<List<String>> ours;
        try (RunningServer server = RunningServer.start();
                TranscriptPlayer player = new TranscriptPlayer(server.port())) {
            ours = player.play(transcript);
        }

        SoftAssertions softly = new SoftAssertions();
        for (int i = 0; i < transcript.steps().size(); i++) {
            Transcript.Step step = transcript.steps().get(i);
            String where = "line " + step.lineNumber() + ": " + step.source();
            if (step.subset()) {
                softly.assertThat(statNames(reference.get(i))).as(where).containsSubsequence(statNames(ours.get(i)));
                softly.assertThat(otherLines(ours.get(i))).as(where).isEqualTo(otherLines(reference.get(i)));
            } else {
                softly.assertThat(ours.get(i)).as(where).isEqualTo(reference.get(i));
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
