package dev.rollcall.gateway.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LoggingErrorHandler}: one line per error with where it came from and what it concerns,
 * a stack trace per kind of error once, and never more than its lines a second.
 */
class LoggingErrorHandlerTest
{
    private record Line(String text, Throwable stackTrace)
    {
    }

    private final List<Line> lines = new ArrayList<>();
    private final AtomicLong nowMs = new AtomicLong(1_000_000);
    private final LoggingErrorHandler handler =
        new LoggingErrorHandler("core", (text, stackTrace) -> lines.add(new Line(text, stackTrace)), nowMs::get);

    @Test
    void shouldLogTheErrorWithItsSourceAndTheFileItNames()
    {
        final UncheckedIOException error = new UncheckedIOException("snapshot of 12 inputs could not be written to data/journal/snapshots",
            new IOException("No space left on device"));

        handler.onError(error);

        assertThat(lines).containsExactly(new Line("core: " + error, error));
        assertThat(lines.get(0).text()).contains("data/journal/snapshots");
    }

    @Test
    void shouldLogTheStackTraceOfEachKindOfErrorOnce()
    {
        for (int i = 0; i < 3; i++)
        {
            handler.onError(failure("journal append " + i));
        }
        handler.onError(new IllegalArgumentException("another kind"));

        assertThat(lines).hasSize(4);
        assertThat(lines.get(0).stackTrace()).isNotNull();
        assertThat(lines.get(1).stackTrace()).isNull();
        assertThat(lines.get(1).text()).isEqualTo("core: java.lang.IllegalStateException: journal append 1 " +
            "(stack trace logged at its first occurrence)");
        assertThat(lines.get(2).stackTrace()).isNull();
        assertThat(lines.get(3).stackTrace()).isNotNull();
    }

    @Test
    void shouldLogAtMostItsLinesASecondAndCountWhatItLeftOut()
    {
        for (int i = 0; i < LoggingErrorHandler.LINES_PER_SECOND + 5; i++)
        {
            handler.onError(failure("error " + i));
        }
        assertThat(lines).hasSize(LoggingErrorHandler.LINES_PER_SECOND);

        nowMs.addAndGet(999);
        handler.onError(failure("still the same second"));
        assertThat(lines).hasSize(LoggingErrorHandler.LINES_PER_SECOND);

        nowMs.addAndGet(1);
        handler.onError(failure("the next second"));
        assertThat(lines).hasSize(LoggingErrorHandler.LINES_PER_SECOND + 1);
        assertThat(lines.get(lines.size() - 1).text())
            .startsWith("core: java.lang.IllegalStateException: the next second (and 6 errors before it left out of the log)");
    }

    private static IllegalStateException failure(final String message)
    {
        return new IllegalStateException(message); // one throwing frame: the same kind every time
    }
}
