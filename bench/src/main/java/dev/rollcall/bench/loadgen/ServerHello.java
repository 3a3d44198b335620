package dev.rollcall.bench.loadgen;

/**
 * The limits the server announced in its first HELLO.
 *
 * @param heartbeatIntervalMs the heartbeat interval.
 * @param maxFrameSize        the largest client frame.
 * @param rateLimitCommands   frames per rate-limit window.
 * @param rateLimitWindowMs   the rate-limit window.
 * @param identifyTimeoutMs   the identify timeout.
 */
record ServerHello(int heartbeatIntervalMs, int maxFrameSize, int rateLimitCommands, int rateLimitWindowMs,
    int identifyTimeoutMs)
{
}
