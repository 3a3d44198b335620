package dev.rollcall.gateway.auth;

import java.security.GeneralSecurityException;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys and per-thread {@link Mac}s for HMAC-SHA256 ({@code Mac} instances are not thread-safe).
 */
final class HmacSha256
{
    static final String ALGORITHM = "HmacSHA256";

    private HmacSha256()
    {
    }

    /**
     * @throws IllegalArgumentException if the secret is shorter than {@link Secrets#MIN_SECRET_BYTES}.
     */
    static SecretKeySpec key(final byte[] secret)
    {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < Secrets.MIN_SECRET_BYTES)
        {
            throw new IllegalArgumentException(
                "secret must be at least " + Secrets.MIN_SECRET_BYTES + " bytes, got " + secret.length);
        }
        return new SecretKeySpec(secret, ALGORITHM);
    }

    static Mac newMac(final SecretKeySpec key)
    {
        try
        {
            final Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ALGORITHM + " is not available", ex);
        }
    }
}
