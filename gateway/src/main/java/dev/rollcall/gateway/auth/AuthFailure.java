package dev.rollcall.gateway.auth;

/**
 * Why a token was refused. The gateway maps {@link #EXPIRED} to {@code TOKEN_EXPIRED} and every
 * other kind to {@code AUTHENTICATION_FAILED}.
 */
public enum AuthFailure
{
    /**
     * The token does not have the documented shape (encoding, lengths, version, role byte).
     */
    MALFORMED,

    /**
     * The token is well formed but its signature does not match its payload under our secret.
     */
    BAD_SIGNATURE,

    /**
     * The token is genuine but its expiry is at or before the time it was checked.
     */
    EXPIRED,

    /**
     * The token is genuine but names a user id {@code <= 0}.
     */
    INVALID_USER
}
