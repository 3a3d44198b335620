package dev.rollcall.gateway.auth;

/**
 * Checks the token a client presents in {@code IDENTIFY} or {@code RESUME} (gateway SPI).
 * The default implementation is {@link HmacTokenAuthenticator}.
 * <p>
 * Implementations must be cheap (they run on the gateway's I/O threads), thread-safe, and must
 * never throw for bad input: any token, including null, empty or huge strings, yields an
 * {@link AuthOutcome}.
 */
@FunctionalInterface
public interface Authenticator
{
    /**
     * Checks a token.
     *
     * @param token      the token as sent by the client, possibly null or garbage.
     * @param nowEpochMs the current time, epoch milliseconds (a credential expiring at or before
     *                   this time is expired).
     * @return the identity if the token is accepted, else a failure.
     */
    AuthOutcome authenticate(String token, long nowEpochMs);
}
