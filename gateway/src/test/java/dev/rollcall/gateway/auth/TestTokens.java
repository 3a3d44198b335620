package dev.rollcall.gateway.auth;

import java.nio.charset.StandardCharsets;

/**
 * Secrets and helpers shared by the auth tests.
 */
final class TestTokens
{
    static final byte[] SECRET = "0123456789abcdef-test-secret".getBytes(StandardCharsets.UTF_8);
    static final byte[] OTHER_SECRET = "fedcba9876543210-other-secret".getBytes(StandardCharsets.UTF_8);
    static final long NOW = 1_700_000_000_000L;
    static final long LATER = NOW + 3_600_000L;

    private TestTokens()
    {
    }
}
