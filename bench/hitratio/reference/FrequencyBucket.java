package hitratio.reference;

/** {@link LfuPolicy}'s run of entries with one use count, most recent first, in a list of runs. */
final class FrequencyBucket {

    int count;
    final EntryList entries = new EntryList();
    FrequencyBucket prev;
    FrequencyBucket next;
}
