package dev.rollcall.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rollcall serve}'s flags, made from {@link ServeSettings#ALL}: one {@code --KEY} option
 * per setting that may be a flag, taking the value's text (validated later, with the file's and
 * the environment's, by {@link ServeConfiguration}), with the setting's description and default
 * in the help, and the help's footer on the file, the environment and durations. A picocli model
 * transformer, named on {@link ServeCommand}'s {@code @Command}.
 */
final class ServeOptions implements CommandLine.IModelTransformer
{
    /** The help's closing section: where else settings come from, and the duration syntax. */
    static final String[] FOOTER = {
        "",
        "Every option is also a key of the configuration file (--config PATH or " + ServeConfiguration.CONFIG_ENV + "; lines " +
            "'key = value', the key is the option without --, e.g. 'grace = 1.5s') and an environment variable (" +
            Setting.ENV_PREFIX + " + the key in capitals, - as _, e.g. " + ServeSettings.WS_PORT.envName() + "=7451). " +
            "Precedence: flags > environment > file > defaults; --print-config shows the result and where each value came from.",
        "The token secret: --secret-file, else " + ServeSettings.SECRET.envName() + " (or 'secret' in the file), else " +
            "DIR/secret.",
        "DURATION: " + Durations.SYNTAX + ".",
        "Exit codes: 0 stopped cleanly, 1 failed while starting or running, 2 a bad setting (the message names it)",
        "or the data directory in use by another server, 3 the stop was forced (a second signal, or drain-timeout),",
        "4 a cluster node stopped itself: the cluster closed its session (docs/CLUSTER.md).",
    };

    /**
     * Adds one option per flag setting.
     *
     * @param spec the {@code serve} command's spec from its annotations.
     * @return the same spec.
     */
    @Override
    public CommandSpec transform(final CommandSpec spec)
    {
        for (final Setting setting : ServeSettings.ALL)
        {
            if (!setting.isFlag())
            {
                continue;
            }
            final OptionSpec.Builder option = OptionSpec.builder(setting.flag())
                .paramLabel(setting.label())
                .description(help(setting));
            switch (setting.kind())
            {
                case BOOLEAN:
                    option.type(String.class).arity("0..1").fallbackValue("true");
                    break;
                case LIST:
                    option.type(List.class).auxiliaryTypes(String.class).arity("1");
                    break;
                default:
                    option.type(String.class).arity("1");
                    break;
            }
            spec.addOption(option.build());
        }
        spec.usageMessage().footer(FOOTER);
        return spec;
    }

    /**
     * @param parseResult the parsed command line of {@code serve}.
     * @return the settings given as flags, as their text; a repeated list flag's values joined with commas.
     */
    static Map<Setting, String> given(final ParseResult parseResult)
    {
        final Map<Setting, String> given = new HashMap<>();
        for (final Setting setting : ServeSettings.ALL)
        {
            final OptionSpec option = setting.isFlag() ? parseResult.matchedOption(setting.flag()) : null;
            if (null != option)
            {
                final Object value = option.getValue();
                given.put(setting, value instanceof List<?> ? String.join(",", option.<List<String>>getValue()) : (String)value);
            }
        }
        return given;
    }

    private static String help(final Setting setting)
    {
        final String defaultText = setting.defaultText();
        final String shown = null == defaultText ? "none" : defaultText.isEmpty() ? "empty" : defaultText;
        final String description = setting.description();
        return description.endsWith(".") ?
            description.substring(0, description.length() - 1) + " (default: " + shown + ")." :
            description + " (default: " + shown + ")";
    }
}
