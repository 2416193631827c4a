package org.ratmemcache.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

class CommandLatencyTest {

    private static final long WINDOW = 1L << 36;

    @Test
    void aLatencyCountsInTheFirstBucketWhoseBoundHoldsIt() {
        long[] bounds = CommandLatency.boundsNanos();
        assertThat(bounds).startsWith(1024, 1536, 2048, 3072, 4096);
        assertThat(bounds[bounds.length - 1]).isEqualTo(1L << 34);
        for (int i = 0; i < bounds.length; i++) {
            assertThat(CommandLatency.bucketOf(bounds[i])).as("at bound %d", bounds[i]).isEqualTo(i);
            assertThat(CommandLatency.bucketOf(bounds[i] + 1)).as("just above bound %d", bounds[i]).isEqualTo(i + 1);
            if (i > 0) {
                assertThat(CommandLatency.bucketOf(bounds[i - 1] + 1)).isEqualTo(i);
            }
        }
        assertThat(CommandLatency.bucketOf(0)).isZero();
        assertThat(CommandLatency.bucketOf(Long.MAX_VALUE)).isEqualTo(CommandLatency.BOUNDS);
    }

    @Test
    void nothingIsRecordedUntilAReaderAsks() {
        CommandLatency latency = new CommandLatency();
        assertThat(latency.recorder()).isNull();
        latency.startRecording();
        assertThat(latency.recorder()).isNotNull().isSameAs(latency.recorder());
    }

    @Test
    void aSnapshotSumsEveryThreadsCountsByProtocol() throws InterruptedException {
        CommandLatency latency = new CommandLatency();
        latency.startRecording();
        long now = System.nanoTime();
        CountDownLatch done = new CountDownLatch(2);
        for (int t = 0; t < 2; t++) {
            Thread.ofPlatform().start(() -> {
                CommandLatency.Recorder recorder = latency.recorder();
                for (int i = 0; i < 1000; i++) {
                    recorder.record(CommandLatency.Protocol.RESP, 2000, now);
                }
                recorder.record(CommandLatency.Protocol.TEXT, 5_000_000, now);
                done.countDown();
            });
        }
        done.await();
        CommandLatency.Snapshot resp = latency.snapshot(CommandLatency.Protocol.RESP);
        assertThat(resp.count()).isEqualTo(2000);
        assertThat(resp.counts()[CommandLatency.bucketOf(2000)]).isEqualTo(2000);
        assertThat(resp.sumNanos()).isEqualTo(4_000_000);
        assertThat(latency.snapshot(CommandLatency.Protocol.RESP, now).maxNanos()).isEqualTo(2000);
        CommandLatency.Snapshot text = latency.snapshot(CommandLatency.Protocol.TEXT);
        assertThat(text.count()).isEqualTo(2);
        assertThat(latency.snapshot(CommandLatency.Protocol.TEXT, now).maxNanos()).isEqualTo(5_000_000);
        assertThat(latency.snapshot(CommandLatency.Protocol.BINARY).count()).isZero();
    }

    @Test
    void theMaximumCoversTheCurrentWindowAndTheOneBefore() {
        CommandLatency latency = new CommandLatency();
        latency.startRecording();
        CommandLatency.Recorder recorder = latency.recorder();
        long now = System.nanoTime();
        recorder.record(CommandLatency.Protocol.TEXT, 900, now - 2 * WINDOW);
        recorder.record(CommandLatency.Protocol.TEXT, 700, now - WINDOW);
        recorder.record(CommandLatency.Protocol.TEXT, 500, now);
        assertThat(latency.snapshot(CommandLatency.Protocol.TEXT, now).maxNanos()).as("the window before's 700, not the older 900")
                .isEqualTo(700);
        recorder.record(CommandLatency.Protocol.TEXT, 800, now);
        assertThat(latency.snapshot(CommandLatency.Protocol.TEXT, now).maxNanos()).isEqualTo(800);
        assertThat(latency.snapshot(CommandLatency.Protocol.TEXT, now + WINDOW).maxNanos()).as("a window later").isEqualTo(800);
        assertThat(latency.snapshot(CommandLatency.Protocol.TEXT, now + 2 * WINDOW).maxNanos()).as("two windows later").isZero();
        assertThat(latency.snapshot(CommandLatency.Protocol.TEXT, now).count()).isEqualTo(4);
    }
}
