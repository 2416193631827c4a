package org.ratmemcache.server;

import io.quarkus.runtime.ImageMode;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** epoll where asked for on a JVM; NIO when it is turned off and inside a native image. */
class TransportChoiceTest {

    @Test
    void aNativeImageServesOverNio() {
        assertThat(ServerBeans.nativeTransport(true, ImageMode.JVM)).isTrue();
        assertThat(ServerBeans.nativeTransport(false, ImageMode.JVM)).isFalse();
        assertThat(ServerBeans.nativeTransport(true, ImageMode.NATIVE_RUN)).isFalse();
    }
}
