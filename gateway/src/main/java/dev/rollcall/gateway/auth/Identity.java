package dev.rollcall.gateway.auth;

import java.util.Objects;

/**
 * Who a connection is, as established by an {@link Authenticator}. It is also the successful
 * {@link AuthOutcome} (so a successful authentication allocates only this record).
 *
 * @param userId           the user id, always {@code > 0}.
 * @param role             what the connection may do.
 * @param expiresAtEpochMs when the credential that established this identity expires.
 */
public record Identity(long userId, Role role, long expiresAtEpochMs) implements AuthOutcome
{
    /**
     * Creates an identity.
     *
     * @param userId           the user id, must be {@code > 0}.
     * @param role             the role, not null.
     * @param expiresAtEpochMs the credential's expiry, epoch milliseconds.
     * @throws IllegalArgumentException if {@code userId <= 0}.
     */
    public Identity
    {
        if (userId <= 0)
        {
            throw new IllegalArgumentException("userId must be > 0: " + userId);
        }
        Objects.requireNonNull(role, "role");
    }

    /**
     * @return true.
     */
    @Override
    public boolean isSuccess()
    {
        return true;
    }

    /**
     * @return this identity.
     */
    @Override
    public Identity identity()
    {
        return this;
    }

    /**
     * Always throws: a success has no failure.
     *
     * @return never.
     * @throws IllegalStateException always.
     */
    @Override
    public AuthFailure failure()
    {
        throw new IllegalStateException("authenticated: no failure");
    }

    /**
     * Always throws: a success has no failure message.
     *
     * @return never.
     * @throws IllegalStateException always.
     */
    @Override
    public String message()
    {
        throw new IllegalStateException("authenticated: no failure message");
    }
}
