package dev.rollcall.gateway.auth;

import static dev.rollcall.gateway.auth.TestTokens.LATER;
import static dev.rollcall.gateway.auth.TestTokens.NOW;
import static dev.rollcall.gateway.auth.TestTokens.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Mutates valid tokens at random: the authenticator must never throw and must never accept a
 * token that is not, character for character, one that was minted.
 */
class HmacTokenMutationTest
{
    private static final int MUTATIONS = 20_000;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final String ODD_CHARACTERS = ".=+/ \t\n\u0000\u00e9\u20ac\ud83d\uffff";

    private final HmacTokens tokens = new HmacTokens(SECRET);
    private final HmacTokenAuthenticator authenticator = new HmacTokenAuthenticator(SECRET);

    @Test
    void shouldNeverThrowNorAcceptAMutatedToken()
    {
        final long seed = new SplittableRandom().nextLong();
        System.out.println("HmacTokenMutationTest seed " + seed);
        final SplittableRandom random = new SplittableRandom(seed);
        final int[] failures = new int[AuthFailure.values().length];

        for (int i = 0; i < MUTATIONS; i++)
        {
            final long userId = 1 + random.nextLong(Long.MAX_VALUE - 1);
            final Role role = Role.values()[random.nextInt(Role.values().length)];
            final String valid = tokens.mint(userId, role, LATER + random.nextLong(1_000_000));
            final String mutated = mutate(valid, random);

            final AuthOutcome outcome;
            try
            {
                outcome = authenticator.authenticate(mutated, NOW);
            }
            catch (final RuntimeException ex)
            {
                throw new AssertionError("seed " + seed + ", iteration " + i + ": threw on " + mutated, ex);
            }
            if (mutated.equals(valid))
            {
                if (!outcome.isSuccess() || outcome.identity().userId() != userId || outcome.identity().role() != role)
                {
                    fail("seed " + seed + ", iteration " + i + ": unchanged token not accepted: " + mutated);
                }
                continue;
            }
            if (outcome.isSuccess())
            {
                fail("seed " + seed + ", iteration " + i + ": accepted mutation " + mutated + " of " + valid);
            }
            if (outcome.failure() != AuthFailure.MALFORMED && outcome.failure() != AuthFailure.BAD_SIGNATURE)
            {
                fail("seed " + seed + ", iteration " + i + ": " + outcome + " for mutation " + mutated + " of " + valid);
            }
            failures[outcome.failure().ordinal()]++;
        }

        assertThat(failures[AuthFailure.MALFORMED.ordinal()]).as("seed %d", seed).isPositive();
        assertThat(failures[AuthFailure.BAD_SIGNATURE.ordinal()]).as("seed %d", seed).isPositive();
    }

    private static String mutate(final String token, final SplittableRandom random)
    {
        final StringBuilder text = new StringBuilder(token);
        final int edits = 1 + (random.nextInt(4) == 0 ? random.nextInt(4) : 0);
        for (int e = 0; e < edits; e++)
        {
            final int at = text.length() == 0 ? 0 : random.nextInt(text.length());
            switch (random.nextInt(8))
            {
                case 0:
                case 1:
                case 2:
                    if (text.length() > 0)
                    {
                        text.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    }
                    break;
                case 3:
                    if (text.length() > 0)
                    {
                        text.setCharAt(at, ODD_CHARACTERS.charAt(random.nextInt(ODD_CHARACTERS.length())));
                    }
                    break;
                case 4:
                    if (text.length() > 0)
                    {
                        text.deleteCharAt(at);
                    }
                    break;
                case 5:
                    text.insert(at, randomChar(random));
                    break;
                case 6:
                    if (text.length() > 1)
                    {
                        final int other = random.nextInt(text.length());
                        final char c = text.charAt(at);
                        text.setCharAt(at, text.charAt(other));
                        text.setCharAt(other, c);
                    }
                    break;
                default:
                    text.setLength(random.nextInt(text.length() + 1));
                    break;
            }
        }
        return text.toString();
    }

    private static char randomChar(final SplittableRandom random)
    {
        return random.nextBoolean()
            ? ALPHABET.charAt(random.nextInt(ALPHABET.length()))
            : ODD_CHARACTERS.charAt(random.nextInt(ODD_CHARACTERS.length()));
    }
}
