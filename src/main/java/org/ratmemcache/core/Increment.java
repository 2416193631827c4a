package org.ratmemcache.core;

/** What {@link Cache#increment} did: Redis's INCRBY, with Redis's refusals. */
public sealed interface Increment {

    /**
     * The value is now {@code value}. A cache may answer from one such object per thread, filled
     * anew by each increment that memory decides at once: read it before the thread's next one.
     */
    final class Done implements Increment {
        private long value;

        public Done(long value) {
            this.value = value;
        }

        /** Fills this answer anew; returns it. */
        public Done set(long value) {
            this.value = value;
            return this;
        }

        public long value() {
            return value;
        }

        @Override
        public String toString() {
            return "Done[value=" + value + "]";
        }
    }

    /** The key's value is not a signed 64-bit decimal as Redis writes one. */
    record NotAnInteger() implements Increment {
    }

    /** The sum is outside the signed 64-bit range. */
    record Overflow() implements Increment {
    }

    /** No tier had room for the new value; the key keeps its old one. */
    record NoRoom() implements Increment {
    }

    /** Whether {@code value + increment} leaves the signed 64-bit range: Redis refuses that sum. */
    static boolean overflows(long value, long increment) {
        return increment < 0 && value < 0 && increment < Long.MIN_VALUE - value
                || increment > 0 && value > 0 && increment > Long.MAX_VALUE - value;
    }

    Increment NOT_AN_INTEGER = new NotAnInteger();
    Increment OVERFLOW = new Overflow();
    Increment NO_ROOM = new NoRoom();
}
