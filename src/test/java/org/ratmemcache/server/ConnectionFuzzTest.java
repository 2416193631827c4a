package org.ratmemcache.server;

import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of a whole connection (detector, parser, handler, cache), with
 * ConnectionRandomTest's checks: nothing escapes the pipeline, requests are answered or the
 * connection closed, and a key stored before is intact. As a test it replays the committed corpus
 * (ConnectionFuzzTestInputs/connection); {@code JAZZER_FUZZ=1} fuzzes.
 */
class ConnectionFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void connection(FuzzedDataProvider data) {
        byte first = data.consumeBoolean() ? (byte) 0x80 : (byte) data.consumeByte();
        List<byte[]> batches = new ArrayList<>();
        for (int b = data.consumeInt(0, 6); b > 0; b--) {
            batches.add(data.consumeBytes(512));
        }
        ConnectionRandomTest.feed(first, batches);
    }
}
