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

    private static final int SIGNED = 1 << 24;

    private final FieldTable table;
    /** Per field: its word (bits 0-7), the left shift that puts its top bit at bit 63 (8-15), 64 - width (16-23), signed (24). */
    private final int[] place = new int[FieldTable.MAX_FIELDS];
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
                place[number] = w | (64 - width - used[w]) << 8 | (64 - width) << 16 |
                    (pass != FieldKind.BOOLEAN ? SIGNED : 0);
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
        final int p = place[number];
        final long top = client.word(p & 0xFF) << (p >>> 8 & 0xFF); // the field's top bit at bit 63
        final int down = p >>> 16 & 0xFF;
        return (p & SIGNED) != 0 ? top >> down : top >>> down;
    }

    void set(final ClientState client, final int number, final long value)
    {
        final int p = place[number];
        final int w = p & 0xFF;
        final int down = p >>> 16 & 0xFF;
        final int shift = down - (p >>> 8 & 0xFF); // 64 - width - (64 - width - shift)
        if (down == 0)
        {
            client.word(w, value);
            return;
        }
        final long mask = (-1L >>> down) << shift;
        client.word(w, (client.word(w) & ~mask) | ((value << shift) & mask));
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
