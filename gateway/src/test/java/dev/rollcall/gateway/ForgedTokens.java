package dev.rollcall.gateway;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens built by hand in the format of docs/protocol.md ("Auth"), for the tokens
 * {@code HmacTokens} refuses to mint (user id &lt;= 0, other versions and roles) and for
 * tampering with real ones:
 * <pre>
 *   token   = base64url(payload) "." base64url(HMAC-SHA256(secret, payload))   (no padding)
 *   payload = u8 version | i64 userId | i64 expiresAtEpochMs | u8 role            (little-endian)
 * </pre>
 */
final class ForgedTokens
{
    static final int PAYLOAD_LENGTH = 18;
    static final int USER_ID_OFFSET = 1;
    static final int EXPIRES_AT_OFFSET = 9;
    static final int ROLE_OFFSET = 17;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private ForgedTokens()
    {
    }

    /** @return a token over any payload, signed with {@code secret}. */
    static String sign(final byte[] secret, final int version, final long userId, final long expiresAtMs, final int role)
    {
        final byte[] payload = payload(version, userId, expiresAtMs, role);
        return ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(hmac(secret, payload));
    }

    /** @return the token with its payload's user id replaced, the signature kept. */
    static String withUserId(final String token, final long userId)
    {
        final byte[] payload = payloadOf(token);
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putLong(USER_ID_OFFSET, userId);
        return replacePayload(token, payload);
    }

    /** @return the token with its payload's expiry replaced, the signature kept. */
    static String withExpiry(final String token, final long expiresAtMs)
    {
        final byte[] payload = payloadOf(token);
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putLong(EXPIRES_AT_OFFSET, expiresAtMs);
        return replacePayload(token, payload);
    }

    /** @return the token with its payload's role byte replaced, the signature kept. */
    static String withRole(final String token, final int role)
    {
        final byte[] payload = payloadOf(token);
        payload[ROLE_OFFSET] = (byte)role;
        return replacePayload(token, payload);
    }

    /** @return the token with one bit of its signature flipped (still canonical base64url). */
    static String withFlippedSignatureBit(final String token, final int bit)
    {
        final int dot = token.indexOf('.');
        final byte[] signature = DECODER.decode(token.substring(dot + 1));
        signature[bit / 8] ^= (byte)(1 << (bit % 8));
        return token.substring(0, dot + 1) + ENCODER.encodeToString(signature);
    }

    private static byte[] payloadOf(final String token)
    {
        return DECODER.decode(token.substring(0, token.indexOf('.')));
    }

    private static String replacePayload(final String token, final byte[] payload)
    {
        return ENCODER.encodeToString(payload) + token.substring(token.indexOf('.'));
    }

    private static byte[] payload(final int version, final long userId, final long expiresAtMs, final int role)
    {
        final ByteBuffer payload = ByteBuffer.allocate(PAYLOAD_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        payload.put((byte)version).putLong(userId).putLong(expiresAtMs).put((byte)role);
        return payload.array();
    }

    private static byte[] hmac(final byte[] secret, final byte[] payload)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(payload);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
