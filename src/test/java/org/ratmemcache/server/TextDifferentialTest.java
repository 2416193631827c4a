package org.ratmemcache.server;

import org.ratmemcache.testing.TranscriptPlayer;

/** Every text command, its noreply form and its errors, against Debian's memcached. */
class TextDifferentialTest extends DifferentialTest {

    TextDifferentialTest() {
        super("/differential/text.transcript", TranscriptPlayer::text);
    }
}
