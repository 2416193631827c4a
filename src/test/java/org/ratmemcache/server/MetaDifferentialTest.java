package org.ratmemcache.server;

import org.ratmemcache.testing.TranscriptPlayer;

/** Every meta command and flag of memcached 1.6.18, and their errors, against Debian's memcached. */
class MetaDifferentialTest extends DifferentialTest {

    MetaDifferentialTest() {
        super("/differential/meta.transcript", TranscriptPlayer::text);
    }
}
