package dev.rollcall.journal.tools;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The progress line of long tool runs.
 */
class ProgressCliTest
{
    @Test
    void shouldPrintNothingWhenNotOnATerminal()
    {
        final StringWriter err = new StringWriter();
        final Progress progress = new Progress(new PrintWriter(err, true), "inputs replayed", false, 0);

        for (long i = 1; i <= 10_000; i++)
        {
            progress.update(i);
        }
        progress.clear();

        assertThat(err.toString()).isEmpty();
    }

    @Test
    void shouldRewriteOneLineInPlaceAndEraseIt()
    {
        final StringWriter err = new StringWriter();
        final Progress progress = new Progress(new PrintWriter(err, true), "inputs replayed", true, 0);

        for (long i = 1; i <= 2048; i++)
        {
            progress.update(i);
        }
        final String shown = err.toString();
        progress.clear();

        assertThat(shown).startsWith("\r1,024 inputs replayed (").contains("\r2,048 inputs replayed (").doesNotContain("\n");
        assertThat(err.toString().substring(shown.length())).matches("\\r +\\r");
    }

    @Test
    void shouldBeOffUnderTheTestRunner()
    {
        assertThat(Terminal.isInteractive()).as("no console when output is redirected").isFalse();
    }
}
