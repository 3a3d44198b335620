package dev.rollcall.client;

/**
 * The server's {@code HELLO}: its protocol version and limits (docs/protocol.md). The {@code u32} values are
 * exposed as {@code long}.
 *
 * @param protocolVersion     the server's protocol version
 * @param heartbeatIntervalMs how often the client must send {@code HEARTBEAT}
 * @param maxFrameSize        the largest client frame {@code length} (op + body) the server accepts
 * @param rateLimitCommands   frames allowed per rate limit window
 * @param rateLimitWindowMs   the rate limit window
 * @param identifyTimeoutMs   how long the server waits for {@code IDENTIFY}/{@code RESUME}
 */
public record ServerHello(
    int protocolVersion,
    long heartbeatIntervalMs,
    long maxFrameSize,
    long rateLimitCommands,
    long rateLimitWindowMs,
    long identifyTimeoutMs)
{
}
