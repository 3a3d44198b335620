package dev.rollcall.core.model;

import java.util.Collections;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable snapshot of one client in the {@link ReferenceModel}. {@code fields} is the full
 * state: the 12 non-attribute fields plus every attribute as {@code "attributes.<key>"}.
 */
public record ModelClient(long userId, boolean connected, long lastDisconnected, SortedSet<Long> connectionIds,
                          long updateId, Map<String, Object> fields) {

    /** Copies the collections into unmodifiable sorted ones. */
    public ModelClient {
        connectionIds = Collections.unmodifiableSortedSet(new TreeSet<>(connectionIds));
        fields = Collections.unmodifiableMap(new TreeMap<>(fields));
    }
}
