package dev.rollcall.gateway.auth;

import static dev.rollcall.gateway.auth.TestTokens.LATER;
import static dev.rollcall.gateway.auth.TestTokens.NOW;
import static dev.rollcall.gateway.auth.TestTokens.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

class HmacTokensTest
{
    private final HmacTokens tokens = new HmacTokens(SECRET);
    private final HmacTokenAuthenticator authenticator = new HmacTokenAuthenticator(SECRET);

    @Test
    void shouldRoundTripUserToken()
    {
        final String token = tokens.mint(42, Role.USER, LATER);

        final AuthOutcome outcome = authenticator.authenticate(token, NOW);

        assertThat(outcome.isSuccess()).isTrue();
        assertThat(outcome.identity()).isEqualTo(new Identity(42, Role.USER, LATER));
    }

    @Test
    void shouldRoundTripServiceToken()
    {
        final String token = tokens.mint(Long.MAX_VALUE, Role.SERVICE, Long.MAX_VALUE);

        final AuthOutcome outcome = authenticator.authenticate(token, NOW);

        assertThat(outcome.identity()).isEqualTo(new Identity(Long.MAX_VALUE, Role.SERVICE, Long.MAX_VALUE));
    }

    @Test
    void shouldReturnTheIdentityItselfAsTheOutcome()
    {
        final AuthOutcome outcome = authenticator.authenticate(tokens.mint(7, Role.USER, LATER), NOW);

        assertThat(outcome).isInstanceOf(Identity.class).isSameAs(outcome.identity());
    }

    @Test
    void shouldMintTheDocumentedFormat() throws Exception
    {
        final long userId = 0x0102030405060708L;
        final long expiresAt = 0x1112131415161718L;

        final String token = tokens.mint(userId, Role.SERVICE, expiresAt);

        final ByteBuffer payload = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);
        payload.put((byte)1).putLong(userId).putLong(expiresAt).put((byte)1);
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        final byte[] signature = mac.doFinal(payload.array());
        final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        assertThat(token)
            .isEqualTo(encoder.encodeToString(payload.array()) + "." + encoder.encodeToString(signature))
            .hasSize(68)
            .doesNotContain("=");
        assertThat(payload.array()[1]).as("little-endian user id").isEqualTo((byte)0x08);
    }

    @Test
    void shouldRoundTripObserverToken()
    {
        final String token = tokens.mint(1, Role.OBSERVER, LATER);

        final AuthOutcome outcome = authenticator.authenticate(token, NOW);

        assertThat(outcome.identity()).isEqualTo(new Identity(1, Role.OBSERVER, LATER));
    }

    @Test
    void shouldEncodeEachRoleAsItsDocumentedCode()
    {
        // protocol.md, "Auth": 0 user, 1 service, 2 observer; Role is the one place these codes are written
        final int[] documented = {0, 1, 2};
        final Role[] roles = {Role.USER, Role.SERVICE, Role.OBSERVER};
        assertThat(Role.values()).containsExactly(roles);
        for (int i = 0; i < roles.length; i++)
        {
            final String token = tokens.mint(7, roles[i], LATER);
            final byte[] payload = Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.')));
            assertThat(payload[17]).as("%s", roles[i]).isEqualTo((byte)documented[i]);
            assertThat(roles[i].code()).isEqualTo(documented[i]);
            assertThat(Role.fromCode(documented[i])).isSameAs(roles[i]);
        }
        assertThat(Role.fromCode(-1)).isNull();
        assertThat(Role.fromCode(3)).isNull();
        assertThat(Role.fromCode(255)).isNull();
    }

    @Test
    void shouldEncodeUserRoleAsZero()
    {
        final String token = tokens.mint(1, Role.USER, LATER);

        final byte[] payload = Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.')));
        assertThat(payload).hasSize(18);
        assertThat(payload[0]).isEqualTo((byte)1);
        assertThat(payload[17]).isEqualTo((byte)0);
    }

    @Test
    void shouldRefuseToMintForUserIdZeroOrNegative()
    {
        assertThatThrownBy(() -> tokens.mint(0, Role.USER, LATER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.mint(-5, Role.USER, LATER)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseNullRole()
    {
        assertThatThrownBy(() -> tokens.mint(1, null, LATER)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldRejectSecretShorterThan16Bytes()
    {
        assertThatThrownBy(() -> new HmacTokens(new byte[15])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HmacTokenAuthenticator(new byte[15]))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("16");
        assertThat(new HmacTokenAuthenticator(new byte[16])).isNotNull();
    }

    @Test
    void shouldNotBeAffectedByLaterChangesToTheSecretArray()
    {
        final byte[] secret = SECRET.clone();
        final HmacTokens minter = new HmacTokens(secret);
        final HmacTokenAuthenticator checker = new HmacTokenAuthenticator(secret);
        secret[0] ^= 1;

        assertThat(checker.authenticate(minter.mint(3, Role.USER, LATER), NOW).isSuccess()).isTrue();
        assertThat(authenticator.authenticate(minter.mint(3, Role.USER, LATER), NOW).isSuccess()).isTrue();
    }
}
