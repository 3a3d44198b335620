package dev.rollcall.core.model;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An update for the {@link ReferenceModel}: an ordered list of (name, value) entries, built
 * fluently, e.g. {@code ModelChanges.of().set("status", "INVISIBLE").set("attributes.colour", "red")}.
 *
 * <p>Names are the field names of docs/PRESENCE-RULES.md ({@code status}, {@code afk}, ...) and
 * {@code attributes.<key>} for attributes. Values may be null (an invalid value) or
 * {@link #REMOVE} (remove the attribute). The container does no validation at all: that is the
 * model's job.
 */
public final class ModelChanges {

    /** The value meaning "remove this attribute"; also how a removal is shown in a diff. */
    public static final Object REMOVE = new Object() {
        @Override
        public String toString() {
            return "<removed>";
        }
    };

    private final List<Map.Entry<String, Object>> entries = new ArrayList<>();

    private ModelChanges() {
    }

    /** Returns a new, empty set of changes. */
    public static ModelChanges of() {
        return new ModelChanges();
    }

    /** Appends the entry (name, value) and returns this. */
    public ModelChanges set(String name, Object value) {
        entries.add(new AbstractMap.SimpleImmutableEntry<>(Objects.requireNonNull(name, "name"), value));
        return this;
    }

    /** The entries in the order they were set (values may be null). */
    public List<Map.Entry<String, Object>> entries() {
        return Collections.unmodifiableList(new ArrayList<>(entries));
    }

    /** True when no entry was set. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ModelChanges[");
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Map.Entry<String, Object> e = entries.get(i);
            Object v = e.getValue();
            sb.append(e.getKey()).append('=');
            if (v instanceof String) {
                sb.append('"').append(v).append('"');
            } else if (v instanceof Long) {
                sb.append(v).append('L');
            } else {
                sb.append(v);
            }
        }
        return sb.append(']').toString();
    }
}
