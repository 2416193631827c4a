package org.ratmemcache.storage.rocksdb;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.ValueForm;
import org.ratmemcache.core.compress.ValueCompression;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.memory.ItemCopy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Formats 1 and 2, pinned byte for byte so that a later version still reads what this one wrote. */
class RecordFormatTest {

    private static final String FORMAT_1_RECORD = "01" + "01" + "ffffffff" + "0000019b76db1fe8" + "0000000000000102"
            + "0000019b76daa800" + "68656c6c6f";
    /** Format 2: an item whose CAS a client chose (0x1e240 = 123456) over version 0x102. */
    private static final String FORMAT_2_RECORD = "02" + "03" + "00000004" + "0000000000000000" + "0000000000000102"
            + "0000019b76daa800" + "000000000001e240" + "68656c6c6f";

    @Test
    void writesFormat1() {
        DiskItem item = new DiskItem(Key.of("k"), "hello".getBytes(), -1, 1_767_225_630_696L, 258, 1_767_225_600_000L, true);
        assertThat(HexFormat.of().formatHex(RecordFormat.encode(item, false))).isEqualTo(FORMAT_1_RECORD);
    }

    @Test
    void readsFormat1() throws Exception {
        DiskItem item = RecordFormat.decode(Key.of("k"), HexFormat.of().parseHex(FORMAT_1_RECORD));
        assertThat(item.key()).isEqualTo(Key.of("k"));
        assertThat(new String(item.value())).isEqualTo("hello");
        assertThat(item.flags()).isEqualTo(-1);
        assertThat(item.expiresAt()).isEqualTo(1_767_225_630_696L);
        assertThat(item.cas()).isEqualTo(258);
        assertThat(item.accessedAt()).isEqualTo(1_767_225_600_000L);
        assertThat(item.fetched()).isTrue();
    }

    @Test
    void writesFormat2OnlyForAChosenCas() {
        ItemCopy chosen = new ItemCopy(Key.of("k"), "hello".getBytes(), -1, 4, 0, 123_456, 258, 1_767_225_600_000L, true, true, false, ValueForm.WHOLE);
        assertThat(HexFormat.of().formatHex(RecordFormat.encode(chosen, false))).isEqualTo(FORMAT_2_RECORD);
        ItemCopy ownCas = new ItemCopy(Key.of("k"), "hello".getBytes(), -1, 4, 0, 258, 258, 1_767_225_600_000L, true, true, false, ValueForm.WHOLE);
        assertThat(RecordFormat.encode(ownCas, false)[0]).as("its own CAS again: format 1").isEqualTo((byte) 1);
    }

    @Test
    void readsFormat2() throws Exception {
        DiskItem item = RecordFormat.decode(Key.of("k"), HexFormat.of().parseHex(FORMAT_2_RECORD));
        assertThat(new String(item.value())).isEqualTo("hello");
        assertThat(item.flags()).isEqualTo(4);
        assertThat(item.cas()).isEqualTo(123_456);
        assertThat(item.version()).isEqualTo(258);
        assertThat(item.stale()).isTrue();
        assertThat(item.fetched()).isTrue();
    }

    @Test
    void keepsAnLz4BlockAfterAChosenCas() throws Exception {
        byte[] raw = "abcabcabcabcabcabcabcabcabcabcabcabcabcabc".getBytes();
        ItemCopy entry = compressed(raw, 77);
        byte[] record = RecordFormat.encode(entry, true);
        assertThat(record[0]).isEqualTo((byte) 2);
        assertThat(record[1] & RecordFormat.LZ4).isEqualTo(RecordFormat.LZ4);
        DiskItem item = RecordFormat.decode(Key.of("k"), record);
        assertThat(item.value()).isEqualTo(raw);
        assertThat(item.cas()).isEqualTo(77);
        assertThat(item.version()).isEqualTo(9);
    }

    @ParameterizedTest
    @EnumSource(ValueForm.class)
    void keepsTheValueForm(ValueForm form) throws Exception {
        DiskItem item = new DiskItem(Key.of("f"), "12".getBytes(), 0, 0, 5, 0, true, true, false, 5, form);
        DiskItem read = RecordFormat.decode(Key.of("f"), RecordFormat.encode(item, false));
        assertThat(read.form()).isEqualTo(form);
        assertThat(read.fetched()).isTrue();
        assertThat(read.stale()).isTrue();
    }

    @Test
    void readsAnEmptyValue() throws Exception {
        DiskItem empty = new DiskItem(Key.of("e"), new byte[0], 0, 0, 1, 0, false);
        byte[] record = RecordFormat.encode(empty, false);
        assertThat(record).hasSize(RecordFormat.HEADER);
        assertThat(RecordFormat.decode(Key.of("e"), record).value()).isEmpty();
    }

    @Test
    void keepsAnLz4BlockWhenAsked() throws Exception {
        byte[] raw = "abcabcabcabcabcabcabcabcabcabcabcabcabcabc".getBytes();
        ItemCopy entry = compressed(raw, 9);
        assertThat(entry.compressedValue()).isNotNull();
        byte[] compressed = RecordFormat.encode(entry, true);
        assertThat(compressed[1] & RecordFormat.LZ4).isEqualTo(RecordFormat.LZ4);
        assertThat(compressed.length).isLessThan(RecordFormat.HEADER + raw.length);
        assertThat(RecordFormat.decode(Key.of("k"), compressed).value()).isEqualTo(raw);
        byte[] plain = RecordFormat.encode(entry, false);
        assertThat(plain[1] & RecordFormat.LZ4).isZero();
        assertThat(RecordFormat.decode(Key.of("k"), plain).value()).isEqualTo(raw);
    }

    @Test
    void refusesAnUnknownVersion() {
        byte[] record = HexFormat.of().parseHex(FORMAT_1_RECORD);
        record[0] = 3;
        assertThatThrownBy(() -> RecordFormat.decode(Key.of("k"), record))
                .isInstanceOf(RecordFormat.UnreadableRecordException.class).hasMessageContaining("format 3");
        byte[] shortFormat2 = HexFormat.of().parseHex(FORMAT_2_RECORD.substring(0, 2 * RecordFormat.HEADER + 4));
        assertThatThrownBy(() -> RecordFormat.decode(Key.of("k"), shortFormat2))
                .isInstanceOf(RecordFormat.UnreadableRecordException.class).hasMessageContaining("no CAS");
        assertThatThrownBy(() -> RecordFormat.decode(Key.of("k"), new byte[5]))
                .isInstanceOf(RecordFormat.UnreadableRecordException.class);
    }

    /** The item as memory holds a compressed value: its LZ4 block, and the CAS given (version 9). */
    private static ItemCopy compressed(byte[] raw, long cas) {
        byte[] block = new ValueCompression(16).compress(raw);
        return new ItemCopy(Key.of("k"), block, raw.length, 0, 0, cas, 9, 0, false, false, false, ValueForm.WHOLE);
    }
}
