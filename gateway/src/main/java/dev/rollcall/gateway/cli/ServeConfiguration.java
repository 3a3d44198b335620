package dev.rollcall.gateway.cli;

import dev.rollcall.core.Limits;
import dev.rollcall.gateway.WireLimits;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The effective settings of {@code rollcall serve}: each {@link ServeSettings} value taken from
 * the first of a flag, the environment ({@code ROLLCALL_<KEY>}), the configuration file
 * ({@code --config PATH} or {@code ROLLCALL_CONFIG}) and the default, validated, with where it
 * came from. {@link #resolve} refuses, with a {@link ConfigurationException} naming the key, the
 * value and what is allowed: an unknown key in the file, an unknown {@code ROLLCALL_*}
 * variable, a value of the wrong type or out of range, two ports alike and update limits the
 * wire cannot carry. Ports in use and the data directory are {@link StartupChecks}' business.
 * <p>
 * Read the values with the typed getters, e.g. {@code intValue(ServeSettings.PORT)}, or
 * {@link #adminPort()}, {@link #logLevel()} and {@link #drainTimeoutMs()}.
 */
final class ServeConfiguration
{
    /** The environment variable naming the configuration file when {@code --config} does not. */
    static final String CONFIG_ENV = Setting.ENV_PREFIX + "CONFIG";

    /**
     * {@code ROLLCALL_*} variables the project defines besides the settings' own: the
     * configuration file. ({@code ROLLCALL_SECRET} is the {@code secret} setting's; the
     * {@code ./rollcall} launcher reads none.)
     */
    static final Set<String> OTHER_VARIABLES = Set.of(CONFIG_ENV);

    static final String DEFAULT = "default";
    static final String MASK = "********";
    static final String NONE = "(none)";

    private final Path configFile;
    private final String configSource;
    private final String[] texts;
    private final Object[] values;
    private final String[] sources;

    private ServeConfiguration(final Path configFile, final String configSource, final String[] texts, final Object[] values,
        final String[] sources)
    {
        this.configFile = configFile;
        this.configSource = configSource;
        this.texts = texts;
        this.values = values;
        this.sources = sources;
    }

    /**
     * @param flags       the settings given as flags, as their text (a repeated list flag joined with commas).
     * @param configFlag  {@code --config}, or null.
     * @param environment the process environment.
     * @return the effective settings.
     * @throws ConfigurationException on an unknown key or variable, a bad value, or values that clash.
     */
    static ServeConfiguration resolve(final Map<Setting, String> flags, final Path configFlag, final Map<String, String> environment)
    {
        checkEnvironment(environment);
        final String configSource;
        final Path configPath;
        if (null != configFlag)
        {
            configPath = configFlag;
            configSource = "flag --config";
        }
        else if (null != environment.get(CONFIG_ENV))
        {
            configSource = "env " + CONFIG_ENV;
            configPath = configPath(environment.get(CONFIG_ENV), configSource);
        }
        else
        {
            configPath = null;
            configSource = null;
        }
        final ConfigFile file = null == configPath ? null : ConfigFile.read(configPath, configSource);

        final int count = ServeSettings.ALL.size();
        final String[] texts = new String[count];
        final String[] sources = new String[count];
        if (null != file)
        {
            for (final ConfigFile.Entry entry : file.entries())
            {
                final Setting setting = ServeSettings.byName(entry.key());
                if (null == setting)
                {
                    throw new ConfigurationException("unknown key " + entry.key() + " = '" +
                        masked(entry.key(), entry.value(), false) + "' (" + file.source(entry) + "): not a setting" +
                        suggestion(entry.key(), false) + "; allowed keys: " + keys());
                }
                texts[ServeSettings.indexOf(setting)] = entry.value();
                sources[ServeSettings.indexOf(setting)] = file.source(entry);
            }
        }
        for (final Setting setting : ServeSettings.ALL)
        {
            final int index = ServeSettings.indexOf(setting);
            final String fromEnv = environment.get(setting.envName());
            if (null != flags.get(setting))
            {
                texts[index] = flags.get(setting);
                sources[index] = "flag " + setting.flag();
            }
            else if (null != fromEnv)
            {
                texts[index] = fromEnv;
                sources[index] = "env " + setting.envName();
            }
            else if (null == sources[index])
            {
                texts[index] = setting.defaultText();
                sources[index] = DEFAULT;
            }
        }

        final Object[] values = new Object[count];
        for (final Setting setting : ServeSettings.ALL)
        {
            final int index = ServeSettings.indexOf(setting);
            if (null != texts[index])
            {
                try
                {
                    values[index] = setting.parse(texts[index]);
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new ConfigurationException(problem(setting, texts[index], sources[index], ex.getMessage()));
                }
            }
        }
        final ServeConfiguration configuration = new ServeConfiguration(configPath, configSource, texts, values, sources);
        configuration.checkPortsDiffer();
        configuration.checkWireLimits();
        return configuration;
    }

    /**
     * @param setting  a setting.
     * @param text     its value as given.
     * @param source   where it came from.
     * @param problem  what is wrong with it.
     * @return {@code key = 'value' (source): problem; allowed: ...}, the value masked for a secret.
     */
    static String problem(final Setting setting, final String text, final String source, final String problem)
    {
        return problem(setting, text, source, problem, setting.allowed());
    }

    /**
     * @param setting  a setting.
     * @param text     its value as given.
     * @param source   where it came from.
     * @param problem  what is wrong with it.
     * @param allowed  what would do instead.
     * @return {@code key = 'value' (source): problem; allowed: allowed}, the value masked for a secret.
     */
    static String problem(final Setting setting, final String text, final String source, final String problem, final String allowed)
    {
        return setting.name() + " = '" + (setting.isSecret() ? MASK : text) + "' (" + source + "): " + problem +
            "; allowed: " + allowed;
    }

    /**
     * @param setting a setting.
     * @return its value, or null when it has none (no default and not given).
     */
    Object value(final Setting setting)
    {
        return values[ServeSettings.indexOf(setting)];
    }

    /**
     * @param setting a setting.
     * @return where its value came from: {@code flag --KEY}, {@code env ROLLCALL_KEY},
     * {@code file PATH:LINE} or {@code default}.
     */
    String source(final Setting setting)
    {
        return sources[ServeSettings.indexOf(setting)];
    }

    /** @param setting an integer setting. @return its value. */
    int intValue(final Setting setting)
    {
        return (Integer)value(setting);
    }

    /** @param setting a duration setting. @return its value in milliseconds. */
    long durationMs(final Setting setting)
    {
        return (Long)value(setting);
    }

    /** @param setting a boolean setting. @return its value. */
    boolean booleanValue(final Setting setting)
    {
        return (Boolean)value(setting);
    }

    /** @param setting a text, choice or secret setting. @return its value, or null when unset. */
    String string(final Setting setting)
    {
        return (String)value(setting);
    }

    /** @param setting a path setting. @return its value, or null when unset. */
    Path path(final Setting setting)
    {
        return (Path)value(setting);
    }

    /** @param setting a list setting. @return its items, empty when none. */
    @SuppressWarnings("unchecked")
    List<String> list(final Setting setting)
    {
        return (List<String>)value(setting);
    }

    /** @return {@code admin-port}: -1 off, 0 any free port, else the port. */
    int adminPort()
    {
        return intValue(ServeSettings.ADMIN_PORT);
    }

    /** @return {@code log-level}: error, warn, info, debug or trace. */
    String logLevel()
    {
        return string(ServeSettings.LOG_LEVEL);
    }

    /** @return {@code drain-timeout} in milliseconds, {@code > 0}. */
    long drainTimeoutMs()
    {
        return durationMs(ServeSettings.DRAIN_TIMEOUT);
    }

    /** @return the configuration file read, or null. */
    Path configFile()
    {
        return configFile;
    }

    /**
     * Prints every effective value, a secret masked, with where it came from: a header, then one
     * {@code key value source} row per setting in {@link ServeSettings#ALL}'s order.
     *
     * @param out where to.
     */
    void print(final PrintWriter out)
    {
        out.println("# rollcall serve: effective configuration (precedence: flags > environment > file > defaults)");
        out.println("# config file: " + (null == configFile ? "none (--config PATH or " + CONFIG_ENV + ")" :
            configFile + " (" + configSource + ")"));
        int keyWidth = "key".length();
        int valueWidth = "value".length();
        final List<String> shown = new ArrayList<>();
        for (final Setting setting : ServeSettings.ALL)
        {
            final String value = shown(setting);
            shown.add(value);
            keyWidth = Math.max(keyWidth, setting.name().length());
            valueWidth = Math.max(valueWidth, Math.min(48, value.length()));
        }
        final String row = "%-" + keyWidth + "s  %-" + valueWidth + "s  %s%n";
        out.printf(row, "key", "value", "from");
        for (final Setting setting : ServeSettings.ALL)
        {
            out.printf(row, setting.name(), shown.get(ServeSettings.indexOf(setting)), source(setting));
        }
        out.println("# token secret: " + secretOrigin());
        out.flush();
    }

    private String shown(final Setting setting)
    {
        final String text = texts[ServeSettings.indexOf(setting)];
        if (null == text || text.isEmpty())
        {
            return NONE;
        }
        if (setting.isSecret())
        {
            return MASK;
        }
        return Setting.Kind.LIST == setting.kind() ? String.join(",", list(setting)) : text.strip();
    }

    private String secretOrigin()
    {
        if (null != path(ServeSettings.SECRET_FILE))
        {
            return "the file " + path(ServeSettings.SECRET_FILE) + " (secret-file" +
                (null == value(ServeSettings.SECRET) ? ")" : "; it wins over secret)");
        }
        if (null != value(ServeSettings.SECRET))
        {
            return "secret (" + source(ServeSettings.SECRET) + ")";
        }
        return path(ServeSettings.DATA).resolve(ServeCommand.SECRET_FILE) + " (created with a random secret if missing)";
    }

    private void checkPortsDiffer()
    {
        final Setting[] ports = {ServeSettings.PORT, ServeSettings.WS_PORT, ServeSettings.ADMIN_PORT};
        for (int i = 0; i < ports.length; i++)
        {
            for (int j = i + 1; j < ports.length; j++)
            {
                if (intValue(ports[i]) > 0 && intValue(ports[i]) == intValue(ports[j]))
                {
                    throw new ConfigurationException(problem(ports[j], Integer.toString(intValue(ports[j])), source(ports[j]),
                        "the same port as " + ports[i].name() + " (" + source(ports[i]) + ")", "a port no other setting uses"));
                }
            }
        }
    }

    private void checkWireLimits()
    {
        final Limits limits = new Limits(intValue(ServeSettings.MAX_ATTRIBUTES), intValue(ServeSettings.MAX_ATTRIBUTE_KEY_BYTES),
            intValue(ServeSettings.MAX_ATTRIBUTE_VALUE_BYTES), intValue(ServeSettings.MAX_REASON_BYTES));
        final String problem = WireLimits.problem(limits);
        if (null != problem)
        {
            throw new ConfigurationException("max-attributes, max-attribute-key-bytes, max-attribute-value-bytes, max-reason-bytes = " +
                limits.maxAttributes() + ", " + limits.maxAttributeKeyBytes() + ", " + limits.maxAttributeValueBytes() + ", " +
                limits.maxReasonBytes() + ": exceed what the protocol can carry: " + problem +
                "; allowed: update limits whose largest full state fits a server frame (docs/protocol.md, \"Limits\")");
        }
    }

    private static void checkEnvironment(final Map<String, String> environment)
    {
        for (final String name : new TreeSet<>(environment.keySet()))
        {
            if (name.startsWith(Setting.ENV_PREFIX) && null == ServeSettings.byEnvName(name) && !OTHER_VARIABLES.contains(name))
            {
                throw new ConfigurationException("unknown environment variable " + name + " = '" +
                    masked(name, environment.get(name), true) + "' (env " + name + "): not a setting" + suggestion(name, true) +
                    "; allowed: " +
                    String.join(", ", OTHER_VARIABLES) + " and " + Setting.ENV_PREFIX + "<KEY> for the keys " + keys() +
                    " (KEY in capitals, - as _)");
            }
        }
    }

    private static Path configPath(final String text, final String source)
    {
        try
        {
            if (text.isBlank())
            {
                throw new InvalidPathException(text, "empty");
            }
            return Path.of(text.strip());
        }
        catch (final InvalidPathException ex)
        {
            throw new ConfigurationException("config = '" + text + "' (" + source + "): not a path (" + ex.getReason() +
                "); allowed: the path of a file of key = value lines");
        }
    }

    /**
     * @return {@code ********} for an unknown name that looks like a secret's (it says secret, or
     * is a misspelt secret key), so a mistyped secret is not printed; else the value.
     */
    private static String masked(final String name, final String value, final boolean env)
    {
        final Setting near = nearest(name, env);
        return name.toLowerCase(Locale.ROOT).contains("secret") || (null != near && near.isSecret()) ? MASK : value;
    }

    private static String keys()
    {
        final StringBuilder keys = new StringBuilder();
        for (final Setting setting : ServeSettings.ALL)
        {
            keys.append(keys.length() == 0 ? "" : ", ").append(setting.name());
        }
        return keys.toString();
    }

    /**
     * @return {@code , did you mean port?} when a known key (or variable) is within two edits, else empty.
     */
    private static String suggestion(final String unknown, final boolean env)
    {
        final Setting best = nearest(unknown, env);
        return null == best ? "" : ", did you mean " + (env ? best.envName() : best.name()) + "?";
    }

    /**
     * @return the setting whose key (or variable) is within two edits of the name, the nearest; else null.
     */
    private static Setting nearest(final String unknown, final boolean env)
    {
        Setting best = null;
        int bestDistance = 3;
        for (final Setting setting : ServeSettings.ALL)
        {
            final int distance = editDistance(unknown, env ? setting.envName() : setting.name());
            if (distance < bestDistance)
            {
                best = setting;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static int editDistance(final String a, final String b)
    {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++)
            {
                final int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            final int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
