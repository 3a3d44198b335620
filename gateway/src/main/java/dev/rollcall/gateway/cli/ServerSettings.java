package dev.rollcall.gateway.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the tools beside {@code serve} ({@code token}, {@code stat}) read of the server's
 * settings: the same sources in the same precedence (their own flags > {@code ROLLCALL_*}
 * variables > the configuration file of {@code --config} or {@code ROLLCALL_CONFIG} > the
 * defaults), so a server configured by a file is found by its tools with that file.
 */
final class ServerSettings
{
    private ServerSettings()
    {
    }

    /**
     * @param configFlag  the tool's {@code --config}, or null.
     * @param environment the process environment.
     * @return the server's settings as {@code serve} would resolve them without flags.
     * @throws ConfigurationException naming the setting that is wrong.
     */
    static ServeConfiguration of(final Path configFlag, final Map<String, String> environment)
    {
        return ServeConfiguration.resolve(Map.of(), configFlag, environment);
    }

    /**
     * @param dataFlag    the tool's {@code --data}, or null.
     * @param configFlag  the tool's {@code --config}, or null.
     * @param environment the process environment.
     * @return the data directory: the flag, else the server's {@code data} setting.
     */
    static Path dataDirectory(final Path dataFlag, final Path configFlag, final Map<String, String> environment)
    {
        return null != dataFlag ? dataFlag : of(configFlag, environment).path(ServeSettings.DATA);
    }
}
