package dev.rollcall.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AuthOutcomeTest
{
    @Test
    void shouldExposeIdentityOfSuccess()
    {
        final AuthOutcome outcome = new Identity(5, Role.SERVICE, 99);

        assertThat(outcome.isSuccess()).isTrue();
        assertThat(outcome.identity().userId()).isEqualTo(5);
        assertThatThrownBy(outcome::failure).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(outcome::message).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldExposeReasonAndMessageOfFailure()
    {
        final AuthOutcome outcome = AuthOutcome.failed(AuthFailure.EXPIRED, "token expired");

        assertThat(outcome.isSuccess()).isFalse();
        assertThat(outcome.failure()).isEqualTo(AuthFailure.EXPIRED);
        assertThat(outcome.message()).isEqualTo("token expired");
        assertThatThrownBy(outcome::identity)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("EXPIRED");
    }

    @Test
    void shouldRequireAPositiveUserIdAndARole()
    {
        assertThatThrownBy(() -> new Identity(0, Role.USER, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Identity(-1, Role.USER, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Identity(1, null, 1)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldRequireReasonAndMessageOfFailure()
    {
        assertThatThrownBy(() -> AuthOutcome.failed(null, "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> AuthOutcome.failed(AuthFailure.MALFORMED, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldAllowALambdaAuthenticator()
    {
        final Authenticator anyone = (token, now) -> new Identity(1, Role.USER, Long.MAX_VALUE);

        assertThat(anyone.authenticate("x", 0).identity().role()).isEqualTo(Role.USER);
    }
}
