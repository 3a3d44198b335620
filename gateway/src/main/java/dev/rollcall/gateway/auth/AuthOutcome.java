package dev.rollcall.gateway.auth;

import java.util.Objects;

/**
 * The result of {@link Authenticator#authenticate(String, long)}: either the authenticated
 * {@link Identity} (which is itself the success outcome, so success allocates nothing beyond the
 * identity) or a {@link Failure} with a reason and a short message.
 * <p>
 * Typical use:
 * <pre>{@code
 * final AuthOutcome outcome = authenticator.authenticate(token, now);
 * if (outcome.isSuccess())
 * {
 *     final Identity identity = outcome.identity();
 *     ...
 * }
 * else
 * {
 *     refuse(outcome.failure(), outcome.message());
 * }
 * }</pre>
 * Both kinds are immutable.
 */
public sealed interface AuthOutcome permits Identity, AuthOutcome.Failure
{
    /**
     * Creates a failed outcome. Authenticators should keep one instance per distinct message
     * and return it, so that refusing bad input allocates nothing.
     *
     * @param failure the reason, not null.
     * @param message a short human readable explanation (safe to send to the client), not null.
     * @return the failed outcome.
     */
    static Failure failed(final AuthFailure failure, final String message)
    {
        return new Failure(failure, message);
    }

    /**
     * @return true if the token was accepted ({@link #identity()} may be called), false if it
     * was refused ({@link #failure()} and {@link #message()} may be called).
     */
    boolean isSuccess();

    /**
     * @return the authenticated identity.
     * @throws IllegalStateException if this outcome is a failure.
     */
    Identity identity();

    /**
     * @return why the token was refused.
     * @throws IllegalStateException if this outcome is a success.
     */
    AuthFailure failure();

    /**
     * @return a short explanation of the refusal.
     * @throws IllegalStateException if this outcome is a success.
     */
    String message();

    /**
     * A refused token: the reason and a short message.
     *
     * @param failure the reason.
     * @param message a short human readable explanation.
     */
    record Failure(AuthFailure failure, String message) implements AuthOutcome
    {
        /**
         * Creates a failure.
         *
         * @param failure the reason, not null.
         * @param message a short explanation, not null.
         */
        public Failure
        {
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(message, "message");
        }

        /**
         * @return false.
         */
        @Override
        public boolean isSuccess()
        {
            return false;
        }

        /**
         * Always throws: a failure has no identity.
         *
         * @return never.
         * @throws IllegalStateException always.
         */
        @Override
        public Identity identity()
        {
            throw new IllegalStateException("not authenticated: " + failure + " (" + message + ")");
        }
    }
}
