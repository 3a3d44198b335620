package dev.rollcall.gateway.auth;

import static dev.rollcall.gateway.auth.TestTokens.LATER;
import static dev.rollcall.gateway.auth.TestTokens.NOW;
import static dev.rollcall.gateway.auth.TestTokens.OTHER_SECRET;
import static dev.rollcall.gateway.auth.TestTokens.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HmacTokenAuthenticatorTest
{
    private final HmacTokens tokens = new HmacTokens(SECRET);
    private final HmacTokenAuthenticator authenticator = new HmacTokenAuthenticator(SECRET);
    private final String valid = tokens.mint(42, Role.USER, LATER);
    private final int dot = valid.indexOf('.');

    @Test
    void shouldRefuseTamperedPayloadByte()
    {
        final byte[] payload = payloadOf(valid);
        payload[3] ^= 0x01;

        assertFailure(encode(payload) + valid.substring(dot), AuthFailure.BAD_SIGNATURE);
    }

    @Test
    void shouldRefuseTamperedExpiryEvenWhenItExtendsTheToken()
    {
        final byte[] payload = payloadOf(valid);
        payload[16] = 0x7F;

        assertFailure(encode(payload) + valid.substring(dot), AuthFailure.BAD_SIGNATURE);
    }

    @Test
    void shouldRefuseTamperedSignature()
    {
        final byte[] signature = Base64.getUrlDecoder().decode(valid.substring(dot + 1));
        signature[31] ^= (byte)0x80;

        assertFailure(valid.substring(0, dot + 1) + encode(signature), AuthFailure.BAD_SIGNATURE);
    }

    @Test
    void shouldRefuseTokenSignedWithAnotherSecret()
    {
        assertFailure(new HmacTokens(OTHER_SECRET).mint(42, Role.USER, LATER), AuthFailure.BAD_SIGNATURE);
    }

    @Test
    void shouldRefuseSignatureOfAnotherPayload()
    {
        final String other = tokens.mint(43, Role.USER, LATER);

        assertFailure(valid.substring(0, dot) + other.substring(other.indexOf('.')), AuthFailure.BAD_SIGNATURE);
    }

    @Test
    void shouldRefuseExpiredToken()
    {
        assertFailure(tokens.mint(42, Role.USER, NOW - 1), AuthFailure.EXPIRED);
    }

    @Test
    void shouldTreatExactlyAtExpiryAsExpired()
    {
        assertFailure(tokens.mint(42, Role.USER, NOW), AuthFailure.EXPIRED);
        assertThat(authenticator.authenticate(tokens.mint(42, Role.USER, NOW + 1), NOW).isSuccess()).isTrue();
    }

    @Test
    void shouldReportForgedExpiredTokenAsBadSignature()
    {
        assertFailure(new HmacTokens(OTHER_SECRET).mint(42, Role.USER, NOW - 1), AuthFailure.BAD_SIGNATURE);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void shouldRefuseUserIdZeroOrNegative(final long userId)
    {
        assertFailure(tokens.mintRaw(1, userId, LATER, 0), AuthFailure.INVALID_USER);
    }

    @Test
    void shouldReportInvalidUserBeforeExpiry()
    {
        assertFailure(tokens.mintRaw(1, 0, NOW - 1, 0), AuthFailure.INVALID_USER);
    }

    @Test
    void shouldReportForgedInvalidUserAsBadSignature()
    {
        assertFailure(new HmacTokens(OTHER_SECRET).mintRaw(1, 0, LATER, 0), AuthFailure.BAD_SIGNATURE);
    }

    @Test
    void shouldRefuseNullToken()
    {
        assertFailure(null, AuthFailure.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", " ", "abc", "Bearer x.y", "AAAAAAAAAAAAAAAAAAAAAAAA.", ".AAAA"})
    void shouldRefuseGarbage(final String token)
    {
        assertFailure(token, AuthFailure.MALFORMED);
    }

    @Test
    void shouldRefuseTokenWithoutDot()
    {
        assertFailure(valid.replace(".", ""), AuthFailure.MALFORMED);
        assertFailure(valid.replace('.', '_'), AuthFailure.MALFORMED);
    }

    @Test
    void shouldRefuseTokenWithTwoDots()
    {
        assertFailure(valid + ".", AuthFailure.MALFORMED);
        assertFailure("." + valid, AuthFailure.MALFORMED);
        assertFailure(valid.substring(0, dot) + ".." + valid.substring(dot + 1), AuthFailure.MALFORMED);
        assertFailure(valid + "." + valid.substring(dot + 1), AuthFailure.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"+", "/", "=", " ", "\n", "!", "\u00e9", "\u0000", "\uffff"})
    void shouldRefuseCharactersOutsideBase64Url(final String bad)
    {
        assertFailure(bad + valid.substring(1), AuthFailure.MALFORMED);
        assertFailure(valid.substring(0, dot + 1) + bad + valid.substring(dot + 2), AuthFailure.MALFORMED);
        assertFailure(valid.substring(0, valid.length() - 1) + bad, AuthFailure.MALFORMED);
    }

    @Test
    void shouldRefuseStandardBase64Alphabet()
    {
        final byte[] payload = new byte[18];
        Arrays.fill(payload, (byte)0xFB);
        final String standard = Base64.getEncoder().withoutPadding().encodeToString(payload);
        assertThat(standard).contains("+");

        assertFailure(standard + valid.substring(dot), AuthFailure.MALFORMED);
    }

    @Test
    void shouldRefusePaddingOnSignature()
    {
        assertFailure(valid + "=", AuthFailure.MALFORMED);
        assertFailure(valid + "==", AuthFailure.MALFORMED);
    }

    @Test
    void shouldRefusePaddingOnPayload()
    {
        assertFailure(valid.substring(0, dot) + "=" + valid.substring(dot), AuthFailure.MALFORMED);
    }

    @Test
    void shouldRefuseNonCanonicalSignatureEncoding()
    {
        final char last = valid.charAt(valid.length() - 1);
        final String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        final int index = alphabet.indexOf(last);
        for (int lowBits = 1; lowBits < 4; lowBits++)
        {
            final String variant = valid.substring(0, valid.length() - 1) + alphabet.charAt(index | lowBits);
            assertThat(Base64.getUrlDecoder().decode(variant.substring(dot + 1)))
                .as("the JDK decoder ignores the unused bits")
                .isEqualTo(Base64.getUrlDecoder().decode(valid.substring(dot + 1)));

            assertFailure(variant, AuthFailure.MALFORMED);
        }
    }

    @Test
    void shouldRefuseWrongPayloadLength()
    {
        assertFailure(encode(new byte[17]) + valid.substring(dot), AuthFailure.MALFORMED);
        assertFailure(encode(new byte[19]) + valid.substring(dot), AuthFailure.MALFORMED);
        assertFailure(encode(new byte[0]) + valid.substring(dot), AuthFailure.MALFORMED);
        assertFailure(valid.substring(1), AuthFailure.MALFORMED);
    }

    @Test
    void shouldRefuseWrongSignatureLength()
    {
        assertFailure(valid.substring(0, dot + 1) + encode(new byte[31]), AuthFailure.MALFORMED);
        assertFailure(valid.substring(0, dot + 1) + encode(new byte[33]), AuthFailure.MALFORMED);
        assertFailure(valid.substring(0, valid.length() - 1), AuthFailure.MALFORMED);
        assertFailure(valid + "A", AuthFailure.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 255})
    void shouldRefuseWrongVersionEvenWhenSigned(final int version)
    {
        assertFailure(tokens.mintRaw(version, 42, LATER, 0), AuthFailure.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 128, 255})
    void shouldRefuseUnknownRoleEvenWhenSigned(final int role)
    {
        assertFailure(tokens.mintRaw(1, 42, LATER, role), AuthFailure.MALFORMED);
    }

    @Test
    void shouldRefuseVeryLongInput()
    {
        assertFailure("A".repeat(257), AuthFailure.MALFORMED);
        assertFailure(valid + "A".repeat(1_000_000), AuthFailure.MALFORMED);
        assertFailure(".".repeat(10_000), AuthFailure.MALFORMED);
        assertThat(authenticator.authenticate("A".repeat(257), NOW).message()).contains("too long");
    }

    @Test
    void shouldGiveEveryFailureAShortMessage()
    {
        final String[] bad = {
            null, "", "x", valid + ".", valid + "=", tokens.mintRaw(2, 42, LATER, 0), tokens.mintRaw(1, 42, LATER, 9),
            new HmacTokens(OTHER_SECRET).mint(42, Role.USER, LATER), tokens.mint(42, Role.USER, NOW),
            tokens.mintRaw(1, -1, LATER, 0), "A".repeat(300) };
        for (final String token : bad)
        {
            final AuthOutcome outcome = authenticator.authenticate(token, NOW);
            assertThat(outcome.isSuccess()).isFalse();
            assertThat(outcome.message()).isNotBlank().hasSizeLessThan(80);
        }
    }

    @Test
    void shouldAuthenticateTheSameTokenRepeatedly()
    {
        for (int i = 0; i < 3; i++)
        {
            assertThat(authenticator.authenticate(valid, NOW).identity().userId()).isEqualTo(42);
            assertFailure(new HmacTokens(OTHER_SECRET).mint(42, Role.USER, LATER), AuthFailure.BAD_SIGNATURE);
        }
    }

    private void assertFailure(final String token, final AuthFailure expected)
    {
        final AuthOutcome outcome = authenticator.authenticate(token, NOW);
        assertThat(outcome.isSuccess()).as("token %s", token).isFalse();
        assertThat(outcome.failure()).as("token %s (%s)", token, outcome.message()).isEqualTo(expected);
    }

    private static byte[] payloadOf(final String token)
    {
        return Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.')));
    }

    private static String encode(final byte[] bytes)
    {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
