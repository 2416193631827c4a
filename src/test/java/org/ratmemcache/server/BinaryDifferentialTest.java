package org.ratmemcache.server;

import org.ratmemcache.testing.TranscriptPlayer;

/** Every binary opcode, its quiet form and its errors, against Debian's memcached. */
class BinaryDifferentialTest extends DifferentialTest {

    BinaryDifferentialTest() {
        super("/differential/binary.transcript", TranscriptPlayer::binary);
    }
}
