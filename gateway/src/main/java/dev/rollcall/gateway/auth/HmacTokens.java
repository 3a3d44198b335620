package dev.rollcall.gateway.auth;

import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints HMAC-SHA256 signed tokens in the format of protocol.md ("Auth"), as checked by
 * {@link HmacTokenAuthenticator} with the same secret. Thread-safe.
 */
public final class HmacTokens
{
    private final ThreadLocal<Mac> macs;

    /**
     * Creates a minter.
     *
     * @param secret the shared secret, at least {@link Secrets#MIN_SECRET_BYTES} bytes (copied).
     * @throws IllegalArgumentException if the secret is too short.
     */
    public HmacTokens(final byte[] secret)
    {
        final SecretKeySpec key = HmacSha256.key(secret);
        this.macs = ThreadLocal.withInitial(() -> HmacSha256.newMac(key));
        macs.get();
    }

    /**
     * Mints a token.
     *
     * @param userId           the user id, must be {@code > 0}.
     * @param role             the role, not null.
     * @param expiresAtEpochMs when the token expires, epoch milliseconds (any value; a token is
     *                         refused as expired from this instant on).
     * @return the token: 68 characters of base64url and one {@code '.'}.
     * @throws IllegalArgumentException if {@code userId <= 0}.
     */
    public String mint(final long userId, final Role role, final long expiresAtEpochMs)
    {
        if (userId <= 0)
        {
            throw new IllegalArgumentException("userId must be > 0: " + userId);
        }
        Objects.requireNonNull(role, "role");
        return mintRaw(TokenDescriptor.VERSION, userId, expiresAtEpochMs, role.code());
    }

    /**
     * Mints a correctly signed token over an arbitrary payload (tests use it for tokens the
     * public method refuses to mint: bad versions, roles and user ids).
     */
    String mintRaw(final int version, final long userId, final long expiresAtEpochMs, final int roleCode)
    {
        final byte[] payload = new byte[TokenDescriptor.PAYLOAD_LENGTH];
        TokenDescriptor.encode(payload, version, userId, expiresAtEpochMs, roleCode);
        final byte[] signature = macs.get().doFinal(payload);
        return Base64Url.encode(payload) + TokenDescriptor.SEPARATOR + Base64Url.encode(signature);
    }
}
