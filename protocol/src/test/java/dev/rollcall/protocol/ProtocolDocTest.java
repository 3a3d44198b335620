package dev.rollcall.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.model.EventType;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldGroup;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * docs/protocol.md's tables of fields, statuses, event types and results say what the model defines
 * ({@link FieldTable#PRESENCE}, {@link Status}, {@link EventType}, {@link Result}), and it names where; its
 * table of error and close codes says what {@link ErrorCode} defines (code, name, closes, resume).
 */
class ProtocolDocTest
{
    private static final Pattern FIELD_ROW =
        Pattern.compile("^\\| (\\d+) \\| `(\\w+)` \\| `(\\w+)` \\| (\\w+) \\|$", Pattern.MULTILINE);
    private static final Pattern CODE_ROW = Pattern.compile("^\\| (\\d+) \\| `(\\w+)` \\|$", Pattern.MULTILINE);
    private static final Pattern CODE_PAIR = Pattern.compile("\\| (\\d+) \\| (\\w+) ");
    private static final Pattern ERROR_ROW =
        Pattern.compile("^\\| (\\d{4}) \\| `(\\w+)` \\| (yes|no) \\| (yes\\*?|no|—) \\|", Pattern.MULTILINE);

    private final String doc = read();

    @Test
    void shouldNameWhereTheVocabularyIsDefined()
    {
        for (final String file : new String[] {"FieldTable.java", "Status.java", "EventType.java", "Result.java"})
        {
            assertThat(doc).contains("model/src/main/java/dev/rollcall/model/" + file);
            assertThat(Files.exists(root().resolve("model/src/main/java/dev/rollcall/model/" + file))).as(file).isTrue();
        }
        assertThat(doc).contains("model/src/main/java/dev/rollcall/model/wire/");
    }

    @Test
    void shouldListEveryFieldAsTheTableDefinesIt()
    {
        final Matcher rows = FIELD_ROW.matcher(section("### `changes`", "## Ops"));
        final List<String> documented = new ArrayList<>();
        while (rows.find())
        {
            documented.add(rows.group(1) + " " + rows.group(2) + " " + rows.group(3) + " " + rows.group(4));
        }
        final List<String> defined = new ArrayList<>();
        final FieldTable table = FieldTable.PRESENCE;
        for (int number = 0; number < table.count(); number++)
        {
            final Field field = table.field(number);
            defined.add(number + " " + field.name() + " " + field.kind() + " " + group(field.group()));
        }
        assertThat(documented).containsExactlyElementsOf(defined);
        assertThat(section("### `changes`", "## Ops"))
            .contains("bits of no field (" + table.count() + ".." + (Integer.SIZE / 2 - 1) + ") must be 0");
    }

    @Test
    void shouldListEveryStatusEventTypeAndResultByCode()
    {
        assertThat(codes(CODE_ROW, section("Statuses (`Status`)", "A new field"))).containsExactlyElementsOf(
            names(Status.values().length, code -> Status.fromCode(code).name()));
        assertThat(codes(CODE_ROW, section("`eventType` (`EventType`", "### Client"))).containsExactlyElementsOf(
            names(EventType.count(), code -> EventType.fromCode(code).name()));
        assertThat(codes(CODE_PAIR, section("## Results", "## Error and close codes"))).containsExactlyInAnyOrderElementsOf(
            names(Result.count(), code -> Result.fromCode(code).name()));
    }

    @Test
    void shouldListEveryErrorCodeAsTheEnumDefinesIt()
    {
        final Matcher rows = ERROR_ROW.matcher(section("## Error and close codes", "Rate limiting"));
        final List<String> documented = new ArrayList<>();
        while (rows.find())
        {
            final boolean resumable = rows.group(4).startsWith("yes");
            documented.add(rows.group(1) + " " + rows.group(2) + " closes=" + rows.group(3).equals("yes") + " resume=" + resumable);
        }
        final List<String> defined = new ArrayList<>();
        for (final ErrorCode code : ErrorCode.values())
        {
            defined.add(code.code() + " " + code.name() + " closes=" + code.closes() + " resume=" + code.resumable());
        }
        assertThat(documented).containsExactlyElementsOf(defined);
    }

    private static String group(final FieldGroup group)
    {
        return group.name().toLowerCase(Locale.ROOT);
    }

    private static List<String> codes(final Pattern row, final String text)
    {
        final Matcher matcher = row.matcher(text);
        final List<String> codes = new ArrayList<>();
        while (matcher.find())
        {
            codes.add(matcher.group(1) + " " + matcher.group(2));
        }
        return codes;
    }

    private static List<String> names(final int count, final java.util.function.IntFunction<String> name)
    {
        final List<String> names = new ArrayList<>();
        for (int code = 0; code < count; code++)
        {
            names.add(code + " " + name.apply(code));
        }
        return names;
    }

    private String section(final String from, final String to)
    {
        final int start = doc.indexOf(from);
        assertThat(start).as("docs/protocol.md has %s", from).isNotNegative();
        final int end = doc.indexOf(to, start);
        assertThat(end).as("docs/protocol.md has %s after %s", to, from).isGreaterThan(start);
        return doc.substring(start, end);
    }

    private static Path root()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (null != dir && !Files.exists(dir.resolve("docs/protocol.md")))
        {
            dir = dir.getParent();
        }
        assertThat(dir).as("docs/protocol.md above the working directory").isNotNull();
        return dir;
    }

    private static String read()
    {
        try
        {
            return Files.readString(root().resolve("docs/protocol.md"), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
