package org.ratmemcache.core.memory;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.ratmemcache.core.Key;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ItemCost}'s inventory is the classes' real fields, and its sizes are the JVM's layouts worked by hand. */
class ItemCostTest {

    @Test
    void theInventoryIsTheFieldsTheClassesHave() throws ClassNotFoundException {
        assertThat(references(Entry.class)).isEqualTo(ItemCost.ENTRY_REFERENCES);
        assertThat(primitiveBytes(Entry.class)).isEqualTo(ItemCost.ENTRY_PRIMITIVE_BYTES);
        assertThat(references(Key.class)).isEqualTo(ItemCost.KEY_REFERENCES);
        assertThat(primitiveBytes(Key.class)).isEqualTo(ItemCost.KEY_PRIMITIVE_BYTES);
        Class<?> node = Class.forName("java.util.concurrent.ConcurrentHashMap$Node");
        assertThat(references(node)).isEqualTo(ItemCost.NODE_REFERENCES);
        assertThat(primitiveBytes(node)).isEqualTo(ItemCost.NODE_PRIMITIVE_BYTES);
    }

    @Test
    void withCompactHeadersAnEntryKeyAndNodeTake64And24And24Bytes() {
        ItemCost compact = ItemCost.of(true, true, true);
        assertObjectSizes(compact, 64, 24, 24);
        assertThat(compact.fixedBytes()).isEqualTo(64 + 24 + 24 + 8);
        // a 10-byte key in 12 + 10 -> 24 bytes, a 100-byte value in 12 + 100 = 112
        assertThat(compact.weigh(10, 100)).isEqualTo(120 + 24 + 112);
    }

    @Test
    void withoutThemTheSameItemTakes40BytesMore() {
        ItemCost classic = ItemCost.of(false, true, true);
        assertObjectSizes(classic, 72, 32, 32);
        assertThat(classic.weigh(10, 100)).isEqualTo(144 + 32 + 120);
        assertThat(ItemCost.of(false, false, false).weigh(10, 100)).as("8-byte references and class pointers")
                .isGreaterThan(classic.weigh(10, 100));
    }

    @Test
    void theTierWeighsWithThisJvmsLayout() {
        assertThat(MemoryTier.weigh(10, 100)).isIn(ItemCost.of(true, true, true).weigh(10, 100), ItemCost.of(false, true, true).weigh(10, 100));
        assertThat(MemoryTier.weigh(10, 101) - MemoryTier.weigh(10, 100)).as("one byte more may cross an alignment").isIn(0L, 8L);
    }

    private static void assertObjectSizes(ItemCost layout, long entry, long key, long node) {
        assertThat(layout.object(ItemCost.ENTRY_REFERENCES, ItemCost.ENTRY_PRIMITIVE_BYTES)).as("entry").isEqualTo(entry);
        assertThat(layout.object(ItemCost.KEY_REFERENCES, ItemCost.KEY_PRIMITIVE_BYTES)).as("key").isEqualTo(key);
        assertThat(layout.object(ItemCost.NODE_REFERENCES, ItemCost.NODE_PRIMITIVE_BYTES)).as("map node").isEqualTo(node);
    }

    private static long references(Class<?> type) {
        return instanceFields(type).filter(f -> !f.getType().isPrimitive()).count();
    }

    private static int primitiveBytes(Class<?> type) {
        return instanceFields(type).filter(f -> f.getType().isPrimitive()).mapToInt(f -> switch (f.getType().getName()) {
            case "long", "double" -> 8;
            case "int", "float" -> 4;
            case "char", "short" -> 2;
            default -> 1;
        }).sum();
    }

    private static java.util.stream.Stream<Field> instanceFields(Class<?> type) {
        return Arrays.stream(type.getDeclaredFields()).filter(f -> !Modifier.isStatic(f.getModifiers()));
    }
}
