package dev.rollcall.gateway.cli;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Routes SIGTERM and SIGINT to {@code rollcall serve}'s {@link ShutdownSequence} instead of the
 * JVM's own handling, which starts the shutdown hooks and then ignores every later signal (a
 * second SIGTERM could not force anything).
 * <p>
 * Through {@code sun.misc.Signal} (module {@code jdk.unsupported}, exported, no JVM flag needed),
 * reached by reflection because the build compiles with {@code -Werror} and javac warns about
 * every direct use of it. Each signal is delivered on a short-lived thread the JVM starts for it
 * ({@code "SIGTERM handler"}). Where a signal cannot be handled (another JVM, {@code -Xrs}, a
 * signal the shell ignores), the JVM's own handling stays and the shutdown hook runs the drain.
 */
public final class StopSignals
{
    /** The signals that stop the server. */
    public static final List<String> SIGNALS = List.of("TERM", "INT");

    private StopSignals()
    {
    }

    /**
     * Install a handler for each of {@link #SIGNALS}, and a shutdown hook for the other ways the
     * JVM ends (SIGHUP, {@code System.exit}).
     *
     * @param onStop told "SIGTERM", "SIGINT" or "JVM shutdown" on the thread that delivers it.
     * @return the signals now handled, e.g. [SIGTERM, SIGINT].
     */
    public static List<String> install(final Consumer<String> onStop)
    {
        final List<String> handled = new ArrayList<>();
        try
        {
            final Class<?> signalClass = Class.forName("sun.misc.Signal");
            final Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            final Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            final Constructor<?> newSignal = signalClass.getConstructor(String.class);
            for (final String name : SIGNALS)
            {
                final String signal = "SIG" + name;
                final Object handler = Proxy.newProxyInstance(StopSignals.class.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, args) ->
                    {
                        switch (method.getName())
                        {
                            case "handle":
                                onStop.accept(signal);
                                return null;
                            case "hashCode":
                                return System.identityHashCode(proxy);
                            case "equals":
                                return proxy == args[0];
                            default:
                                return "rollcall " + signal + " handler";
                        }
                    });
                try
                {
                    handle.invoke(null, newSignal.newInstance(name), handler);
                    handled.add(signal);
                }
                catch (final ReflectiveOperationException | RuntimeException ignore)
                {
                    // this signal keeps the JVM's handling: the shutdown hook below drains
                }
            }
        }
        catch (final ReflectiveOperationException | RuntimeException ignore)
        {
            // no sun.misc.Signal: the shutdown hook below drains
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> onStop.accept("JVM shutdown"), "rollcall-shutdown"));
        return handled;
    }
}
