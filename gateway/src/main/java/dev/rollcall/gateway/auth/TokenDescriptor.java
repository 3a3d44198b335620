package dev.rollcall.gateway.auth;

/**
 * The layout of an HMAC token (protocol.md, "Auth"):
 * <pre>
 *   token = base64url(payload) "." base64url(HMAC-SHA256(secret, payload))   (no padding)
 *         = 24 characters        "." 43 characters                          = 68 characters
 *
 *   payload, 18 bytes, integers little-endian:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+-----------------------------------------------+
 *  | Version (u8)  |  User id (i64) ...                            |
 *  +---------------+-----------------------------------------------+
 *  |  ... user id  |  Expires at, epoch millis (i64) ...           |
 *  +---------------+-----------------------------------------------+
 *  | ... expiry    | Role (u8)     |
 *  +---------------+---------------+
 * </pre>
 * Role: a {@link Role#code()} ({@code 0} user, {@code 1} service, {@code 2} observer).
 */
final class TokenDescriptor
{
    static final int VERSION = 1;

    static final int VERSION_OFFSET = 0;
    static final int USER_ID_OFFSET = 1;
    static final int EXPIRES_AT_OFFSET = 9;
    static final int ROLE_OFFSET = 17;
    static final int PAYLOAD_LENGTH = 18;

    static final int SIGNATURE_LENGTH = 32;

    static final char SEPARATOR = '.';
    static final int ENCODED_PAYLOAD_LENGTH = Base64Url.encodedLength(PAYLOAD_LENGTH);
    static final int ENCODED_SIGNATURE_LENGTH = Base64Url.encodedLength(SIGNATURE_LENGTH);
    static final int TOKEN_LENGTH = ENCODED_PAYLOAD_LENGTH + 1 + ENCODED_SIGNATURE_LENGTH;

    /**
     * Longer inputs are refused before anything is decoded.
     */
    static final int MAX_TOKEN_CHARS = 256;

    private TokenDescriptor()
    {
    }

    static void encode(
        final byte[] payload, final int version, final long userId, final long expiresAtEpochMs, final int roleCode)
    {
        payload[VERSION_OFFSET] = (byte)version;
        putLong(payload, USER_ID_OFFSET, userId);
        putLong(payload, EXPIRES_AT_OFFSET, expiresAtEpochMs);
        payload[ROLE_OFFSET] = (byte)roleCode;
    }

    static int version(final byte[] payload)
    {
        return payload[VERSION_OFFSET] & 0xFF;
    }

    static long userId(final byte[] payload)
    {
        return getLong(payload, USER_ID_OFFSET);
    }

    static long expiresAtEpochMs(final byte[] payload)
    {
        return getLong(payload, EXPIRES_AT_OFFSET);
    }

    static int roleCode(final byte[] payload)
    {
        return payload[ROLE_OFFSET] & 0xFF;
    }

    private static void putLong(final byte[] bytes, final int offset, final long value)
    {
        for (int i = 0; i < Long.BYTES; i++)
        {
            bytes[offset + i] = (byte)(value >>> (8 * i));
        }
    }

    private static long getLong(final byte[] bytes, final int offset)
    {
        long value = 0;
        for (int i = Long.BYTES - 1; i >= 0; i--)
        {
            value = (value << 8) | (bytes[offset + i] & 0xFFL);
        }
        return value;
    }
}
