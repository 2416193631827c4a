package org.ratmemcache.core.compress;

import java.util.Arrays;

import net.jpountz.lz4.LZ4Factory;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The codec lz4-java gives, on a JVM and in a native image, and values round the trip with either. */
class ValueCompressionTest {

    @Test
    void theFastestCodecOnAJvmAndThePureJavaOneInANativeImage() {
        assertThat(ValueCompression.factory(null)).isSameAs(LZ4Factory.fastestInstance());
        assertThat(ValueCompression.factory("buildtime")).isSameAs(LZ4Factory.safeInstance());
        assertThat(ValueCompression.factory("runtime")).isSameAs(LZ4Factory.safeInstance());
    }

    @Test
    void whatOneCodecCompressesTheOtherDecompresses() {
        byte[] value = new byte[4096];
        Arrays.fill(value, (byte) 'r');
        byte[] fast = LZ4Factory.fastestInstance().fastCompressor().compress(value);
        byte[] safe = LZ4Factory.safeInstance().fastCompressor().compress(value);
        assertThat(LZ4Factory.safeInstance().safeDecompressor().decompress(fast, value.length)).isEqualTo(value);
        assertThat(LZ4Factory.fastestInstance().safeDecompressor().decompress(safe, value.length)).isEqualTo(value);
    }
}
