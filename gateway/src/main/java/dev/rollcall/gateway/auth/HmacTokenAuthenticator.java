package dev.rollcall.gateway.auth;

import java.security.MessageDigest;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * The default {@link Authenticator}: checks HMAC-SHA256 signed tokens minted by
 * {@link HmacTokens} with the same secret (format in protocol.md, "Auth").
 * <p>
 * Checks, in order: shape ({@link AuthFailure#MALFORMED}: not exactly
 * {@code base64url(18 bytes) "." base64url(32 bytes)} in canonical unpadded form, version not 1,
 * role byte not the {@link Role#code()} of a role, longer than 256 characters); signature, compared in constant time
 * ({@link AuthFailure#BAD_SIGNATURE}); user id {@code > 0} ({@link AuthFailure#INVALID_USER});
 * expiry after now ({@link AuthFailure#EXPIRED}). So a forged token is a bad signature even if
 * it is also expired.
 * <p>
 * Thread-safe; each thread uses its own {@link Mac} and scratch buffers, so checking a token
 * allocates only the {@link Identity} on success and nothing on failure.
 */
public final class HmacTokenAuthenticator implements Authenticator
{
    private static final AuthOutcome NO_TOKEN = malformed("no token");
    private static final AuthOutcome TOO_LONG = malformed("token too long");
    private static final AuthOutcome NO_SEPARATOR = malformed("token has no '.'");
    private static final AuthOutcome EXTRA_SEPARATOR = malformed("token has more than one '.'");
    private static final AuthOutcome BAD_PAYLOAD = malformed("token payload is not 18 bytes of unpadded base64url");
    private static final AuthOutcome BAD_SIGNATURE_ENCODING =
        malformed("token signature is not 32 bytes of unpadded base64url");
    private static final AuthOutcome BAD_VERSION = malformed("unsupported token version");
    private static final AuthOutcome BAD_ROLE = malformed("unknown role in token");
    private static final AuthOutcome BAD_SIGNATURE = AuthOutcome.failed(AuthFailure.BAD_SIGNATURE, "bad token signature");
    private static final AuthOutcome INVALID_USER = AuthOutcome.failed(AuthFailure.INVALID_USER, "invalid user id in token");
    private static final AuthOutcome EXPIRED = AuthOutcome.failed(AuthFailure.EXPIRED, "token expired");

    private final ThreadLocal<Verifier> verifiers;

    /**
     * Creates an authenticator.
     *
     * @param secret the shared secret, at least {@link Secrets#MIN_SECRET_BYTES} bytes (copied).
     * @throws IllegalArgumentException if the secret is too short.
     */
    public HmacTokenAuthenticator(final byte[] secret)
    {
        final SecretKeySpec key = HmacSha256.key(secret);
        this.verifiers = ThreadLocal.withInitial(() -> new Verifier(HmacSha256.newMac(key)));
        verifiers.get();
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public AuthOutcome authenticate(final String token, final long nowEpochMs)
    {
        if (token == null)
        {
            return NO_TOKEN;
        }
        final int length = token.length();
        if (length > TokenDescriptor.MAX_TOKEN_CHARS)
        {
            return TOO_LONG;
        }
        final int separator = token.indexOf(TokenDescriptor.SEPARATOR);
        if (separator < 0)
        {
            return NO_SEPARATOR;
        }
        if (token.indexOf(TokenDescriptor.SEPARATOR, separator + 1) >= 0)
        {
            return EXTRA_SEPARATOR;
        }

        final Verifier verifier = verifiers.get();
        final byte[] payload = verifier.payload;
        if (!Base64Url.decode(token, 0, separator, payload))
        {
            return BAD_PAYLOAD;
        }
        if (!Base64Url.decode(token, separator + 1, length, verifier.signature))
        {
            return BAD_SIGNATURE_ENCODING;
        }
        if (TokenDescriptor.version(payload) != TokenDescriptor.VERSION)
        {
            return BAD_VERSION;
        }
        final Role role = Role.fromCode(TokenDescriptor.roleCode(payload));
        if (role == null)
        {
            return BAD_ROLE;
        }
        if (!verifier.signatureMatches())
        {
            return BAD_SIGNATURE;
        }
        final long userId = TokenDescriptor.userId(payload);
        if (userId <= 0)
        {
            return INVALID_USER;
        }
        final long expiresAtEpochMs = TokenDescriptor.expiresAtEpochMs(payload);
        if (expiresAtEpochMs <= nowEpochMs)
        {
            return EXPIRED;
        }
        return new Identity(userId, role, expiresAtEpochMs);
    }

    private static AuthOutcome malformed(final String message)
    {
        return AuthOutcome.failed(AuthFailure.MALFORMED, message);
    }

    /**
     * One thread's {@link Mac} and scratch buffers.
     */
    private static final class Verifier
    {
        final byte[] payload = new byte[TokenDescriptor.PAYLOAD_LENGTH];
        final byte[] signature = new byte[TokenDescriptor.SIGNATURE_LENGTH];
        private final byte[] expected = new byte[TokenDescriptor.SIGNATURE_LENGTH];
        private final Mac mac;

        Verifier(final Mac mac)
        {
            this.mac = mac;
        }

        boolean signatureMatches()
        {
            mac.update(payload);
            try
            {
                mac.doFinal(expected, 0);
            }
            catch (final ShortBufferException ex)
            {
                throw new IllegalStateException("HMAC-SHA256 output is not " + expected.length + " bytes", ex);
            }
            return MessageDigest.isEqual(expected, signature);
        }
    }
}
