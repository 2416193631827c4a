package org.ratmemcache.protocol.resp;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the RESP decoder, with RespParserRandomTest's checks. As a test it
 * replays the committed corpus (RespDecoderFuzzTestInputs/decode); {@code JAZZER_FUZZ=1
 * ./mvnw test -Dtest=RespDecoderFuzzTest} fuzzes for a minute and keeps what it finds.
 */
class RespDecoderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void decode(FuzzedDataProvider data) {
        int chunk = data.consumeInt(1, 600);
        RespDecoding.decodeInChunks(data.consumeRemainingAsBytes(), chunk);
    }
}
