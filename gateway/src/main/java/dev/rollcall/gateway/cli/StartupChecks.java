package dev.rollcall.gateway.cli;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code rollcall serve} checks on the machine before it starts anything, so that a port in
 * use or an unwritable data directory stops it with exit code 2 and a message naming the setting
 * instead of failing half-started: every port it will listen on is bound once (on the
 * {@code bind} address, as the gateway binds it) and released, and the data directory is created
 * if missing and written to (a file created and deleted).
 * <p>
 * A port freed or taken between the check and the real bind is still caught by the bind itself.
 */
final class StartupChecks
{
    private StartupChecks()
    {
    }

    /**
     * @param configuration the validated settings.
     * @throws ConfigurationException naming the setting that cannot be used.
     */
    static void check(final ServeConfiguration configuration)
    {
        ports(configuration);
        dataDirectory(configuration);
    }

    /**
     * Binds {@code port}, {@code ws-port} and {@code admin-port} (each that is not 0, "any", or
     * -1, "none") together on the bind address, then releases them; with none to check, binds
     * port 0 to check the address.
     *
     * @param configuration the validated settings.
     * @throws ConfigurationException for a port in use or an address the machine cannot listen on.
     */
    static void ports(final ServeConfiguration configuration)
    {
        final String bind = configuration.string(ServeSettings.BIND);
        final List<ServerSocketChannel> bound = new ArrayList<>();
        try
        {
            boolean anyChecked = false;
            for (final Setting port : new Setting[] {ServeSettings.PORT, ServeSettings.WS_PORT, ServeSettings.ADMIN_PORT})
            {
                if (configuration.intValue(port) > 0)
                {
                    bound.add(bind(configuration, port, bind, configuration.intValue(port)));
                    anyChecked = true;
                }
            }
            if (!anyChecked)
            {
                bound.add(bind(configuration, null, bind, 0));
            }
        }
        finally
        {
            for (final ServerSocketChannel channel : bound)
            {
                try
                {
                    channel.close();
                }
                catch (final IOException ignore)
                {
                    // released anyway when the process goes on to bind it
                }
            }
        }
    }

    /**
     * Creates the data directory if missing and checks a file can be created in it.
     *
     * @param configuration the validated settings.
     * @throws ConfigurationException when it cannot be created or written.
     */
    static void dataDirectory(final ServeConfiguration configuration)
    {
        final Path data = configuration.path(ServeSettings.DATA);
        final String allowed = "a directory this user can create and write";
        try
        {
            Files.createDirectories(data);
        }
        catch (final IOException ex)
        {
            throw new ConfigurationException(ServeConfiguration.problem(ServeSettings.DATA, data.toString(),
                configuration.source(ServeSettings.DATA), "cannot create the directory (" + describe(ex) + ")", allowed));
        }
        try
        {
            Files.delete(Files.createTempFile(data, ".rollcall-write-check", ".tmp"));
        }
        catch (final IOException ex)
        {
            throw new ConfigurationException(ServeConfiguration.problem(ServeSettings.DATA, data.toString(),
                configuration.source(ServeSettings.DATA), "cannot write in the directory (" + describe(ex) + ")", allowed));
        }
    }

    private static ServerSocketChannel bind(final ServeConfiguration configuration, final Setting port, final String bind,
        final int number)
    {
        ServerSocketChannel channel = null;
        try
        {
            channel = ServerSocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(bind, number));
            return channel;
        }
        catch (final IOException | IllegalArgumentException | SecurityException ex)
        {
            close(channel);
            final boolean inUse = ex instanceof BindException && String.valueOf(ex.getMessage()).contains("in use");
            if (inUse && null != port)
            {
                throw new ConfigurationException(ServeConfiguration.problem(port, Integer.toString(number),
                    configuration.source(port), bind + ":" + number + " is in use (another process listens on it)",
                    "a free port, or 0 for any free port"));
            }
            throw new ConfigurationException(ServeConfiguration.problem(ServeSettings.BIND, bind,
                configuration.source(ServeSettings.BIND), "cannot listen on this address" +
                (null == port ? "" : " with " + port.name() + " " + number) + " (" + describe(ex) + ")",
                "an address of this machine: 0.0.0.0 for every interface, 127.0.0.1 for this machine only"));
        }
    }

    private static void close(final ServerSocketChannel channel)
    {
        if (null != channel)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // nothing bound
            }
        }
    }

    private static String describe(final Exception ex)
    {
        if (ex instanceof UnresolvedAddressException)
        {
            return "unknown host";
        }
        if (ex instanceof AccessDeniedException)
        {
            return "access denied: " + ((AccessDeniedException)ex).getFile();
        }
        if (ex instanceof FileAlreadyExistsException)
        {
            return ((FileAlreadyExistsException)ex).getFile() + " exists and is not a directory";
        }
        if (ex instanceof FileSystemException)
        {
            final FileSystemException fileSystem = (FileSystemException)ex;
            return fileSystem.getFile() + ": " + (null == fileSystem.getReason() ? ex.getClass().getSimpleName() : fileSystem.getReason());
        }
        return null == ex.getMessage() ? ex.getClass().getSimpleName() : ex.getMessage();
    }
}
