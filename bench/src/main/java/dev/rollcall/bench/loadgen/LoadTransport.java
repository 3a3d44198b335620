package dev.rollcall.bench.loadgen;

/**
 * How a {@link LoadRun} talks to a Rollcall server: the binary protocol over TCP, or over WebSocket (RFC 6455) in
 * one of the gateway's two subprotocols (docs/protocol.md, "WebSocket"). The workload, phases, windows, pacing and
 * reports are the same for all three, so their figures compare.
 */
public enum LoadTransport
{
    /** The binary protocol's frames on a TCP connection to {@code --port}. */
    TCP("tcp", null, "TCP (binary protocol)"),
    /** The binary protocol's frames in binary WebSocket messages on {@code --ws-port}, subprotocol {@code rollcall.binary.v1}. */
    WS_BINARY("ws-binary", "rollcall.binary.v1", "WebSocket rollcall.binary.v1"),
    /** One JSON text message per frame on {@code --ws-port}, subprotocol {@code rollcall.json.v1}. */
    WS_JSON("ws-json", "rollcall.json.v1", "WebSocket rollcall.json.v1");

    private final String cliName;
    private final String subprotocol;
    private final String description;

    LoadTransport(final String cliName, final String subprotocol, final String description)
    {
        this.cliName = cliName;
        this.subprotocol = subprotocol;
        this.description = description;
    }

    /** @return the name on the command line ({@code tcp}, {@code ws-binary}, {@code ws-json}). */
    public String cliName()
    {
        return cliName;
    }

    /** @return the WebSocket subprotocol asked for, or null over TCP. */
    public String subprotocol()
    {
        return subprotocol;
    }

    /** @return what it is, for reports (e.g. {@code WebSocket rollcall.json.v1}). */
    public String description()
    {
        return description;
    }

    /** @return true for the WebSocket transports. */
    public boolean isWebSocket()
    {
        return null != subprotocol;
    }

    /** @return true when commands and server frames are JSON text messages. */
    public boolean isJson()
    {
        return this == WS_JSON;
    }

    /**
     * @param text a name on the command line.
     * @return the transport.
     * @throws IllegalArgumentException when it names none.
     */
    public static LoadTransport parse(final String text)
    {
        for (final LoadTransport transport : values())
        {
            if (transport.cliName.equals(text))
            {
                return transport;
            }
        }
        throw new IllegalArgumentException("--transport must be tcp, ws-binary or ws-json, not '" + text + "'");
    }
}
