package dev.rollcall.core;

import dev.rollcall.model.Field;
import dev.rollcall.model.FieldGroup;
import dev.rollcall.model.FieldTable;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/PRESENCE-RULES.md's field table is a reading copy of {@link FieldTable#PRESENCE}: same
 * fields, order and groups.
 */
class DocsFieldTableTest
{
    private static final Pattern ROW = Pattern.compile("^\\| (standard|lobby) \\| `(\\w+)` \\|", Pattern.MULTILINE);

    @Test
    void shouldListEveryFieldOfTheTableInOrderWithItsGroup() throws Exception
    {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("docs/PRESENCE-RULES.md")))
        {
            dir = dir.getParent();
        }
        final Matcher matcher = ROW.matcher(Files.readString(dir.resolve("docs/PRESENCE-RULES.md")));
        final List<String> documented = new ArrayList<>();
        while (matcher.find())
        {
            documented.add(matcher.group(1) + " " + matcher.group(2));
        }
        final List<String> defined = new ArrayList<>();
        for (int number = 0; number < FieldTable.PRESENCE.count(); number++)
        {
            final Field field = FieldTable.PRESENCE.field(number);
            defined.add((field.group() == FieldGroup.STANDARD ? "standard" : "lobby") + " " + field.name());
        }
        assertThat(documented).containsExactlyElementsOf(defined);
    }
}
