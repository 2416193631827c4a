package org.ratmemcache.protocol.text;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the text and meta decoder, with TextParserRandomTest's checks. As a
 * test it replays the committed corpus (TextDecoderFuzzTestInputs/decode); {@code JAZZER_FUZZ=1
 * ./mvnw test -Dtest=TextDecoderFuzzTest} fuzzes for a minute and keeps what it finds.
 */
class TextDecoderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void decode(FuzzedDataProvider data) {
        int chunk = data.consumeInt(1, 600);
        TextParserRandomTest.decodeInChunks(data.consumeRemainingAsBytes(), chunk);
    }
}
