package dev.rollcall.core;

import dev.rollcall.model.Field;
import dev.rollcall.model.FieldKind;
import dev.rollcall.model.FieldTable;

/**
 * Where each scalar field of a {@link FieldTable} lives inside a {@link ClientState}: fields are
 * packed into 64-bit words by kind (an INT64 takes a word, two INT32s share one, booleans take a
 * bit and a status a byte), planned once from the table, so a client of the presence table
 * holds its 12 scalar fields in {@value #INLINE_WORDS} words. Words past the inline ones live in
 * the client's extras (only a table with many more fields needs them).
 * <pre>
 *   presence table:  w0 = partyId | w1 = lobbyId | w2 = playerNumber, teamNumber
 *                    w3 = teamColour, sync | w4 = status (8 bits), afk, inGame, ready, player, lobbyHost
 * </pre>
 */
final class FieldLayout
{
    /** Words a {@link ClientState} holds inline. */
    static final int INLINE_WORDS = 5;

    /** The layout of {@link FieldTable#PRESENCE}. */
    static final FieldLayout PRESENCE = new FieldLayout(FieldTable.PRESENCE);

    private final FieldTable table;
    private final int[] word = new int[FieldTable.MAX_FIELDS];
    private final int[] shift = new int[FieldTable.MAX_FIELDS];
    private final int[] bits = new int[FieldTable.MAX_FIELDS];
    private final boolean[] signed = new boolean[FieldTable.MAX_FIELDS];
    private final long[] defaults = new long[FieldTable.MAX_FIELDS];
    private final int wordCount;

    FieldLayout(final FieldTable table)
    {
        this.table = table;
        int words = 0;
        // whole words first, then halves, then bits: a simple first-fit that keeps the presence table in five words
        final int[] used = new int[FieldTable.MAX_FIELDS];
        for (final FieldKind pass : new FieldKind[]{FieldKind.INT64, FieldKind.INT32, FieldKind.STATUS, FieldKind.BOOLEAN})
        {
            for (int number = 0; number < table.count(); number++)
            {
                final Field field = table.field(number);
                if (field.kind() != pass)
                {
                    continue;
                }
                final int width = switch (pass)
                {
                    case INT64 -> 64;
                    case INT32 -> 32;
                    case STATUS -> 8;
                    default -> 1;
                };
                int w = 0;
                while (w < words && used[w] + width > 64)
                {
                    w++;
                }
                if (w == words)
                {
                    words++;
                }
                word[number] = w;
                shift[number] = used[w];
                bits[number] = width;
                signed[number] = pass != FieldKind.BOOLEAN;
                used[w] += width;
                defaults[number] = field.defaultValue();
            }
        }
        this.wordCount = words;
    }

    FieldTable table()
    {
        return table;
    }

    /**
     * @return the words a client needs; more than {@link #INLINE_WORDS} live in its extras.
     */
    int wordCount()
    {
        return wordCount;
    }

    long get(final ClientState client, final int number)
    {
        final long w = client.word(word[number]);
        final int width = bits[number];
        if (width == 64)
        {
            return w;
        }
        final long raw = (w >>> shift[number]) & ((1L << width) - 1);
        return signed[number] ? (raw << (64 - width)) >> (64 - width) : raw;
    }

    void set(final ClientState client, final int number, final long value)
    {
        final int w = word[number];
        final int width = bits[number];
        if (width == 64)
        {
            client.word(w, value);
            return;
        }
        final long mask = ((1L << width) - 1) << shift[number];
        client.word(w, (client.word(w) & ~mask) | ((value << shift[number]) & mask));
    }

    /**
     * Set every scalar field of a client to its default.
     */
    void reset(final ClientState client)
    {
        client.clearWords(wordCount);
        for (int number = 0; number < table.count(); number++)
        {
            if (table.field(number).kind().isScalar() && 0 != defaults[number])
            {
                set(client, number, defaults[number]);
            }
        }
    }
}
