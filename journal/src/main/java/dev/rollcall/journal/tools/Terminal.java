package dev.rollcall.journal.tools;

import java.io.Console;
import java.lang.reflect.Method;

/**
 * Whether the tools talk to a person at a terminal (progress lines, following by default) or
 * to a pipe or a CI log.
 */
final class Terminal
{
    private Terminal()
    {
    }

    /**
     * @return true when {@link System#console()} is present and, on JDKs that can tell
     * (22 and later return a console for redirected streams too), is a terminal.
     */
    static boolean isInteractive()
    {
        final Console console = System.console();
        if (null == console)
        {
            return false;
        }
        try
        {
            final Method isTerminal = Console.class.getMethod("isTerminal");
            return Boolean.TRUE.equals(isTerminal.invoke(console));
        }
        catch (final NoSuchMethodException ex)
        {
            return true;
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return false;
        }
    }
}
