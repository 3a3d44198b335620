package dev.rollcall.core;

import dev.rollcall.model.Field;
import dev.rollcall.model.FieldGroup;
import dev.rollcall.model.FieldKind;
import dev.rollcall.model.FieldTable;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Packed fields read back what was written, at the edges of their kind, and a write leaves
 * every other field of the client as it was: for the presence table and for tables with more
 * fields (some packed beside the built-in ones, some past the inline words).
 */
class FieldLayoutTest
{
    @Test
    void shouldReadBackEveryValueAndLeaveTheOtherFieldsAlone()
    {
        FieldTable table = FieldTable.PRESENCE;
        check(table);
        final FieldKind[] kinds = {FieldKind.INT32, FieldKind.BOOLEAN, FieldKind.INT64, FieldKind.STATUS};
        for (int extra = 0; table.count() < FieldTable.MAX_FIELDS - 1; extra++)
        {
            final FieldKind kind = kinds[extra % kinds.length];
            table = table.with(new Field(table.count(), "extra" + extra, FieldGroup.STANDARD, kind,
                lowest(kind), highest(kind), 0, "a test field"));
            check(table);
        }
    }

    private static void check(final FieldTable table)
    {
        final long seed = new SplittableRandom().nextLong();
        final SplittableRandom random = new SplittableRandom(seed);
        final FieldLayout layout = new FieldLayout(table);
        final ClientState client = new ClientState();
        client.reset(1, layout);
        final long[] expected = new long[table.count()];
        for (int number = 0; number < table.count(); number++)
        {
            expected[number] = table.field(number).defaultValue();
        }
        for (int step = 0; step < 5_000; step++)
        {
            final int number = random.nextInt(table.count());
            final Field field = table.field(number);
            if (!field.kind().isScalar())
            {
                continue;
            }
            final long lowest = lowest(field.kind());
            final long highest = highest(field.kind());
            final long value = switch (random.nextInt(4))
            {
                case 0 -> lowest;
                case 1 -> highest;
                default -> lowest + (long)(random.nextDouble() * ((double)highest - lowest));
            };
            layout.set(client, number, value);
            expected[number] = value;
            for (int other = 0; other < table.count(); other++)
            {
                if (table.field(other).kind().isScalar())
                {
                    assertThat(layout.get(client, other))
                        .as("seed %d, %d fields: %s after writing %s = %d", seed, table.count(), table.field(other).name(),
                            field.name(), value)
                        .isEqualTo(expected[other]);
                }
            }
        }
    }

    private static long lowest(final FieldKind kind)
    {
        return switch (kind)
        {
            case INT64 -> Long.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            case STATUS -> Byte.MIN_VALUE;
            default -> 0;
        };
    }

    private static long highest(final FieldKind kind)
    {
        return switch (kind)
        {
            case INT64 -> Long.MAX_VALUE;
            case INT32 -> Integer.MAX_VALUE;
            case STATUS -> Byte.MAX_VALUE;
            default -> 1;
        };
    }
}
