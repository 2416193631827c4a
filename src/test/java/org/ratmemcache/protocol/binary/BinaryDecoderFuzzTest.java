package org.ratmemcache.protocol.binary;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the binary decoder, with BinaryParserRandomTest's checks, on frames
 * that start with the request magic. As a test it replays the committed corpus
 * (BinaryDecoderFuzzTestInputs/decode); {@code JAZZER_FUZZ=1} fuzzes.
 */
class BinaryDecoderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void decode(FuzzedDataProvider data) {
        int chunk = data.consumeInt(1, 600);
        byte[] bytes = data.consumeRemainingAsBytes();
        if (bytes.length > 0) {
            bytes[0] = (byte) 0x80;
        }
        BinaryParserRandomTest.decodeInChunks(bytes, chunk);
    }
}
