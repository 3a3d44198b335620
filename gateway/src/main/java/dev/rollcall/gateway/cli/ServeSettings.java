package dev.rollcall.gateway.cli;

import dev.rollcall.core.ConnectionIds;
import dev.rollcall.core.Limits;
import dev.rollcall.core.WaitStrategies;
import dev.rollcall.gateway.GatewayContext;
import dev.rollcall.gateway.auth.Secrets;
import dev.rollcall.protocol.Protocol;

import java.util.Arrays;
import java.util.List;

/**
 * Every setting of {@code rollcall serve}, defined once: the flags ({@link ServeOptions}), the
 * configuration file and the environment ({@link ServeConfiguration}), {@code --print-config},
 * the validation and the help all loop over {@link #ALL}. A setting added here is a flag, a file
 * key and an environment variable at once; {@code rollcall.conf.example} must mention it (a test
 * checks).
 */
final class ServeSettings
{
    /** The longest duration the gateway keeps in an {@code int} of milliseconds, rounded down to whole days: 24d. */
    static final long MAX_INT_DURATION_MS = 24L * 24 * 3600 * 1000;

    /** The data directory. */
    static final Setting DATA = Setting.path("data", "DIR", "data",
        "Data directory: the journal, its snapshots and the token secret (DIR/secret, created on first start).");

    /** The address the gateway listens on. */
    static final Setting BIND = Setting.text("bind", "ADDRESS", "127.0.0.1", ServeSettings::hasNoSpace,
        "an IP address or host name of this machine", "Address to listen on (0.0.0.0 for every interface).");

    /** The TCP port of the binary protocol. */
    static final Setting PORT = Setting.integer("port", "PORT", GatewayContext.DEFAULT_PORT, 0, 65535,
        "0 = any free port", "TCP port of the binary protocol; 0 for any free port.");

    /** The WebSocket port. */
    static final Setting WS_PORT = Setting.integer("ws-port", "PORT", GatewayContext.DEFAULT_WEBSOCKET_PORT, -1, 65535,
        "-1 = none, 0 = any free port", "WebSocket port for browsers (subprotocols rollcall.json.v1 and " +
        "rollcall.binary.v1); 0 for any free port, -1 for none.");

    /** The path WebSocket clients connect to. */
    static final Setting WS_PATH = Setting.text("ws-path", "PATH", GatewayContext.DEFAULT_WEBSOCKET_PATH,
        value -> value.startsWith("/") && value.indexOf('?') < 0 && hasNoSpace(value),
        "a path starting with /, without spaces or ?", "Path WebSocket clients connect to.");

    /** The origins browsers may connect from. */
    static final Setting WS_ORIGIN = Setting.list("ws-origin", "ORIGIN", ServeSettings::hasNoSpace,
        "origins without spaces, e.g. https://game.example", "Origins browsers may connect from, e.g. " +
        "https://game.example (a flag may be repeated; file and environment: comma-separated); empty: any.");

    /** The admin HTTP port (metrics and health); reserved here, served by the admin endpoint. */
    static final Setting ADMIN_PORT = Setting.integer("admin-port", "PORT", -1, -1, 65535,
        "-1 = off, 0 = any free port", "Admin HTTP port: /metrics for Prometheus, /health/live and " +
        "/health/ready; -1 for off, 0 for any free port.");

    /** The gateway's selector threads. */
    static final Setting THREADS = Setting.integer("threads", "N", 0, 0, 64,
        "0 = the core budget's choice", "Gateway selector threads; 0: the cores the core's stages leave, at least 1 " +
        "(1 on 2 cores).");

    /** The core's stage threads. */
    static final Setting LAYOUT = Setting.choice("layout", "LAYOUT", "auto", List.of("auto", "invoked", "serial", "parallel"),
        "The core's stage threads: invoked (no stage thread: gateway thread 0 journals, applies and fans out in its " +
        "duty cycle), serial (journal, logic and fan-out on one thread), parallel (journal || logic, then fan-out: " +
        "three threads), or auto (invoked up to 2 cores, serial below 8, else parallel).");

    /** How the core's stage threads wait. */
    static final Setting WAIT_STRATEGY = Setting.choice("wait-strategy", "NAME", "parking",
        Arrays.asList(WaitStrategies.NAMES.split(", ")),
        "How the core's stage threads wait: " + WaitStrategies.NAMES + " (docs/BENCHMARKS.md compares them).");

    /** The grace period. */
    static final Setting GRACE = Setting.duration("grace", "300s", 0, Long.MAX_VALUE,
        "Grace period after a user's last connection drops; 0: the client goes at once (docs/PRESENCE-RULES.md).");

    /** The heartbeat interval. */
    static final Setting HEARTBEAT = Setting.duration("heartbeat", "30s", 1, MAX_INT_DURATION_MS,
        "Heartbeat interval told to clients.");

    /** Frames per rate window. */
    static final Setting RATE_LIMIT = Setting.integer("rate-limit", "N", 120, new GatewayContext().rateLimitReserved() + 1,
        Integer.MAX_VALUE, "more than the " + new GatewayContext().rateLimitReserved() + " kept for heartbeat, identify and resume",
        "Frames a connection may send per rate window.");

    /** The rate limit's window. */
    static final Setting RATE_WINDOW = Setting.duration("rate-window", "60s", 1, MAX_INT_DURATION_MS,
        "The rate limit's window.");

    /** Connections in all. */
    static final Setting MAX_CONNECTIONS = Setting.integer("max-connections", "N", 100_000, 1, Integer.MAX_VALUE, null,
        "Connections the server holds at most.");

    /** Connections from one address. */
    static final Setting MAX_CONNECTIONS_PER_ADDRESS = Setting.integer("max-connections-per-address", "N", 30_000, 1,
        Integer.MAX_VALUE, null, "Connections one source address may hold.");

    /** Attributes per client. */
    static final Setting MAX_ATTRIBUTES = Setting.integer("max-attributes", "N", Limits.DEFAULT.maxAttributes(), 0,
        Protocol.MAX_ATTRIBUTES, "the wire's count", "Attributes a client may hold.");

    /** Bytes in an attribute key. */
    static final Setting MAX_ATTRIBUTE_KEY_BYTES = Setting.integer("max-attribute-key-bytes", "N",
        Limits.DEFAULT.maxAttributeKeyBytes(), 0, Protocol.MAX_STRING_BYTES, "a wire string", "UTF-8 bytes in an attribute key.");

    /** Bytes in a string attribute value. */
    static final Setting MAX_ATTRIBUTE_VALUE_BYTES = Setting.integer("max-attribute-value-bytes", "N",
        Limits.DEFAULT.maxAttributeValueBytes(), 0, Protocol.MAX_STRING_BYTES, "a wire string",
        "UTF-8 bytes in a string attribute value.");

    /** Bytes in an update's reason. */
    static final Setting MAX_REASON_BYTES = Setting.integer("max-reason-bytes", "N", Limits.DEFAULT.maxReasonBytes(), 0,
        Protocol.MAX_NSTRING_BYTES, "a wire nstring", "UTF-8 bytes in an update's reason. The four update limits are " +
        "journaled at start-up and apply to updates from then on, never to stored values.");

    /** Sync the journal after every batch. */
    static final Setting SYNC = Setting.bool("sync", false,
        "Sync the journal to disk after every batch, or a cluster node's log at every write (slower; survives " +
            "power loss).");

    /** The file holding the token secret. */
    static final Setting SECRET_FILE = Setting.path("secret-file", "PATH", null,
        "File holding the token secret; wins over secret and DIR/secret.");

    /** The token secret itself: ROLLCALL_SECRET, or the file's {@code secret} key; never a flag. */
    static final Setting SECRET = Setting.secret("secret", Secrets.MIN_SECRET_BYTES,
        "The token secret itself (" + Secrets.ENV_VAR + ", or secret in the file; never a flag, which ps would show).");

    /** The log level; reserved here, applied by the logging set-up. */
    static final Setting LOG_LEVEL = Setting.choice("log-level", "LEVEL", "info", List.of("error", "warn", "info", "debug", "trace"),
        "Log level: error, warn, info, debug or trace.");

    /** How long a SIGTERM's drain may take; reserved here, applied by the shutdown. */
    static final Setting DRAIN_TIMEOUT = Setting.duration("drain-timeout", "30s", 1, Long.MAX_VALUE,
        "How long a graceful shutdown (SIGTERM) may drain before the process exits anyway.");

    /** This server's node number in a cluster; 0 for a single server. */
    static final Setting CLUSTER_NODE = Setting.integer("cluster-node", "N", 0, 0, ConnectionIds.MAX_NODE,
        "0 = a single server", "This server's node number in a cluster, from 1 (docs/CLUSTER.md); 0 runs a single " +
        "server with its own journal.");

    /** The cluster's nodes. */
    static final Setting CLUSTER_MEMBERS = Setting.list("cluster-members", "HOST", ServeSettings::hasNoSpace,
        "host names or addresses without spaces", "Every cluster node's host, in node order: node N is the N-th " +
        "(a flag may be repeated; file and environment: comma-separated).");

    /** The cluster's own ports. */
    static final Setting CLUSTER_PORT_BASE = Setting.integer("cluster-port-base", "PORT", 20000, 1, 65535 - 100 * 64,
        null, "The first of the cluster's own ports: node N uses PORT + (N-1)*100 + 1 to 6 (archive, ingress, " +
        "consensus, log, catch-up, log control).");

    /** How a cluster node runs its cluster's agents. */
    static final Setting CLUSTER_THREADS = Setting.choice("cluster-threads", "MODE", "dedicated",
        List.of("dedicated", "shared"), "How a cluster node runs Aeron's agents (docs/CLUSTER.md): dedicated = a " +
        "thread each (Aeron's usual layout), the most throughput; shared = one thread for the media driver, archive, " +
        "consensus module and the gateway's cluster client, the least CPU and latency below saturation.");

    /** Every setting, in the order --print-config and the example file show them. */
    static final List<Setting> ALL = List.of(
        DATA, BIND, PORT, WS_PORT, WS_PATH, WS_ORIGIN, ADMIN_PORT,
        THREADS, LAYOUT, WAIT_STRATEGY,
        GRACE, HEARTBEAT, RATE_LIMIT, RATE_WINDOW, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_ADDRESS,
        MAX_ATTRIBUTES, MAX_ATTRIBUTE_KEY_BYTES, MAX_ATTRIBUTE_VALUE_BYTES, MAX_REASON_BYTES,
        SYNC, CLUSTER_NODE, CLUSTER_MEMBERS, CLUSTER_PORT_BASE, CLUSTER_THREADS, SECRET_FILE, SECRET, LOG_LEVEL, DRAIN_TIMEOUT);

    private ServeSettings()
    {
    }

    /**
     * @param name a key.
     * @return the setting with that key, or null.
     */
    static Setting byName(final String name)
    {
        for (final Setting setting : ALL)
        {
            if (setting.name().equals(name))
            {
                return setting;
            }
        }
        return null;
    }

    /**
     * @param envName an environment variable's name.
     * @return the setting it sets, or null.
     */
    static Setting byEnvName(final String envName)
    {
        for (final Setting setting : ALL)
        {
            if (setting.envName().equals(envName))
            {
                return setting;
            }
        }
        return null;
    }

    /**
     * @param setting a setting.
     * @return its position in {@link #ALL}.
     */
    static int indexOf(final Setting setting)
    {
        return ALL.indexOf(setting);
    }

    private static boolean hasNoSpace(final String value)
    {
        for (int i = 0; i < value.length(); i++)
        {
            if (Character.isWhitespace(value.charAt(i)))
            {
                return false;
            }
        }
        return true;
    }
}
